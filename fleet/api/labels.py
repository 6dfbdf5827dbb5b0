"""Labels: a device's label as PDF/PNG/SVG/ZPL, print runs (recorded), stocks, printer profiles,
calibration pages, and pre-printed tag batches."""

from __future__ import annotations

from flask import Response, current_app, g, jsonify, request

import labels
from fleet import db, labelling
from fleet.access import policy
from fleet.api import bp, render
from fleet.api.devices import visible_device
from fleet.errors import FleetError, invalid
from fleet.http import body, created, disposition, endpoint, json_or_none
from fleet.models import LabelBatch


def _public_url() -> str:
    return current_app.config["FLEET"].public_url


def _scope() -> labelling.PrinterScope:
    p = g.principal
    return labelling.PrinterScope(p.school_ids if p.school_scoped else None)


def _visible(device) -> bool:
    return policy.can_see_device(g.principal, device)


def _file(data: bytes, fmt: str, name: str) -> Response:
    response = Response(data, mimetype=labelling.FORMATS[fmt])
    response.headers["Content-Disposition"] = disposition(f"{name}.{fmt}")
    return response


def _render(fmt: str, stock: labels.Stock, items: list[labels.LabelData], skip: int,
            shift: labels.Calibration) -> bytes:
    if fmt == "zpl":
        return labels.labels_zpl(stock, items, shift)
    return labels.labels_pdf(stock, items, skip=skip, calibration=shift)


@bp.get("/label-stocks")
@endpoint("devices:read")
def label_stocks():
    return jsonify(render.page([labelling.stock_json(s) for s in labels.STOCKS.values()], None))


@bp.get("/label-stocks/<stock_id>/calibration.pdf")
@endpoint("labels:print")
def calibration_page(stock_id: str):
    stock = labelling.stock(stock_id)
    printer = labelling.printer(db.session(), request.args.get("printer"), _scope())
    return _file(labels.calibration_pdf(stock, labelling.calibration(printer)), "pdf", f"calibration-{stock.id}")


@bp.get("/devices/<path:ref>/label.<fmt>")
@endpoint("devices:read")
def device_label(ref: str, fmt: str):
    """A preview of the device's label; printing it for real is ``POST /labels`` (recorded)."""
    fmt = labelling.output_format(fmt)
    s = db.session()
    device = visible_device(s, ref)
    if device.asset_tag is None:
        raise FleetError("conflict", "the device has no asset tag yet (receive it first)", {"ref": ref})
    stock = labelling.stock(request.args.get("stock", "avery-l7160"))
    printer = labelling.printer(s, request.args.get("printer"), _scope())
    data = labelling.label_data(device, _public_url())
    if fmt == "png":
        return _file(labels.label_png(stock, data), fmt, device.asset_tag)
    if fmt == "svg":
        return _file(labels.label_svg(stock, data), fmt, device.asset_tag)
    skip = labelling.skip(_int_arg("skip"), stock)
    return _file(_render(fmt, stock, [data], skip, labelling.calibration(printer)), fmt, device.asset_tag)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):  # '²' is a digit to isdigit(), not to int()
        raise invalid(f"{name} must be a whole number", [{"field": name}])
    return int(value)


@bp.post("/labels")
@endpoint("labels:print")
def print_labels():
    """Print the labels of `devices`, a `delivery` or a `shipment` on `stock` (PDF, or ZPL with
    format "zpl"), starting after `skip` used cells, shifted by `printer`'s calibration. Each label
    printed is a ``label_printed`` event with its `reason` (a reprint must give one)."""
    spec = body()
    if not isinstance(spec, dict):
        raise invalid("the body must be a JSON object {devices | delivery | shipment, stock, skip?, printer?, reason?}")
    s = db.session()
    devices = labelling.run_devices(s, spec, _visible)
    printer = labelling.printer(s, spec.get("printer"), _scope())
    stock = labelling.stock(spec.get("stock", printer.stock if printer is not None and printer.stock else None))
    fmt = labelling.output_format(spec.get("format", "pdf"), ("pdf", "zpl"))
    skip = labelling.skip(spec.get("skip"), stock)
    run = labelling.record_prints(s, devices, spec.get("reason"), stock.id, printer, fmt, g.principal.name)
    data = _render(fmt, stock, [labelling.label_data(d, _public_url()) for d in devices], skip,
                   labelling.calibration(printer))
    s.commit()
    response = _file(data, fmt, f"labels-{run[:8]}")
    response.headers["X-Fleet-Labels"] = str(len(devices))
    return response


@bp.post("/label-batches")
@endpoint("labels:preprint")
def create_label_batch():
    """Pre-printed labels: `count` tags allocated now, bound to devices by their first scan."""
    spec = body()
    if not isinstance(spec, dict):
        raise invalid("the body must be a JSON object {count, stock, skip?, printer?}")
    s = db.session()
    printer = labelling.printer(s, spec.get("printer"), _scope())
    stock = labelling.stock(spec.get("stock", printer.stock if printer is not None and printer.stock else None))
    skip = labelling.skip(spec.get("skip"), stock)
    batch = labelling.create_batch(s, spec.get("count"), stock.id, s.info["asset_tag_prefix"], g.principal.name)
    tags = labelling.batch_tags(s, batch)
    pdf = labels.labels_pdf(stock, [labelling.batch_label(t, _public_url()) for t in tags], skip=skip,
                            calibration=labelling.calibration(printer))
    s.commit()
    response = _file(pdf, "pdf", f"label-batch-{batch.id}")
    response.headers["X-Fleet-Batch"] = str(batch.id)
    return response


@bp.get("/label-batches/<int:batch_id>")
@endpoint("labels:preprint")
def get_label_batch(batch_id: int):
    s = db.session()
    batch = s.get(LabelBatch, batch_id)
    if batch is None:
        raise FleetError("not_found", f"label batch {batch_id} not found", {"ref": batch_id})
    rows = labelling.batch_rows(s, batch)
    return jsonify({"id": batch.id, "count": batch.count, "stock": batch.stock, "created_by": batch.created_by,
                    "created_at": render.when(batch.created_at), "bound": sum(1 for r in rows if r["serial"]),
                    "tags": rows})


@bp.get("/printers")
@endpoint("labels:print")
def list_printers():
    scope = _scope()
    rows = [p for p in db.session().scalars(labelling.printers_query()) if scope.sees(p)]
    return jsonify(render.page([labelling.printer_json(p) for p in rows], None))


@bp.post("/printers")
@endpoint("labels:print")
def create_printer():
    s = db.session()
    row = labelling.save_printer(s, body(), _scope())
    s.commit()
    return created(labelling.printer_json(row))


@bp.patch("/printers/<name>")
@endpoint("labels:print")
def update_printer(name: str):
    s = db.session()
    row = labelling.find_printer(s, name, _scope())
    data = json_or_none()
    if isinstance(data, dict) and "name" in data:
        raise invalid("a printer's name cannot change; create a new profile", [{"field": "name"}])
    row = labelling.save_printer(s, data, _scope(), existing=row)
    s.commit()
    return jsonify(labelling.printer_json(row))

