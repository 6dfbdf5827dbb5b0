"""Labels: a device's label as PDF/PNG/SVG/ZPL, print runs (recorded), stocks, printer profiles,
calibration pages, and pre-printed tag batches."""

from __future__ import annotations

from typing import Literal

from flask import Response, current_app, g
from sqlalchemy import select

import labels
from fleet import db, labelling, paging
from fleet.api import bp, render
from fleet.api.devices import visible_device
from fleet.api.schemas import Listing, Page, PageQuery
from fleet.api.schemas import labels as schemas
from fleet.errors import FleetError
from fleet.http import ERROR, File, created, disposition, endpoint
from fleet.models import LabelBatch, Printer

PDF = File(("application/pdf",), "the labels as a PDF")
PRINTED = File((labelling.FORMATS["pdf"], labelling.FORMATS["zpl"]),
               "the labels: PDF, or ZPL for a thermal printer (format zpl)",
               {"X-Fleet-Labels": "how many labels were printed"})
ONE_LABEL = File(tuple(labelling.FORMATS.values()), "the label as the URL's extension says: pdf, png, svg or zpl")


def _public_url() -> str:
    return current_app.config["FLEET"].public_url


def _printers() -> labelling.PrinterScope:
    scope = g.principal.scope
    return labelling.PrinterScope(None if scope.all_schools else scope.school_ids)


def _file(data: bytes, fmt: str, name: str) -> Response:
    response = Response(data, mimetype=labelling.FORMATS[fmt])
    response.headers["Content-Disposition"] = disposition(f"{name}.{fmt}")
    return response


def _render(fmt: str, sheet: labelling.Sheet, items: list[labels.LabelData]) -> bytes:
    if fmt == "zpl":
        return labels.labels_zpl(sheet.stock, items, sheet.calibration)
    return labels.labels_pdf(sheet.stock, items, skip=sheet.skip, calibration=sheet.calibration)


@bp.get("/label-stocks")
@endpoint("devices:read", answers={200: Listing[schemas.Stock]})
def label_stocks():
    """The label stocks the print shop draws on (sheets for laser printers, rolls for thermal ones)."""
    return render.listing([render.stock(stock) for stock in labels.STOCKS.values()])


@bp.get("/label-stocks/<stock_id>/calibration.pdf")
@endpoint("labels:print", query=schemas.CalibrationQuery, answers={200: PDF})
def calibration_page(stock_id: str, query: schemas.CalibrationQuery):
    """A page to measure a printer's shift on this stock (with ``printer``: as that profile shifts it)."""
    sheet = labelling.sheet(db.session(), _printers(), query.printer, stock_id)
    return _file(labels.calibration_pdf(sheet.stock, sheet.calibration), "pdf", f"calibration-{sheet.stock.id}")


@bp.get("/devices/<path:ref>/label.<fmt>")
@endpoint("devices:read", query=schemas.LabelQuery, answers={200: ONE_LABEL, 404: ERROR, 409: ERROR},
          path={"fmt": Literal[tuple(labelling.FORMATS)]})
def device_label(ref: str, fmt: str, query: schemas.LabelQuery):
    """A preview of the device's label; printing it for real is ``POST /labels`` (recorded)."""
    fmt = labelling.output_format(fmt)
    session = db.session()
    device = visible_device(session, ref)
    if device.asset_tag is None:
        raise FleetError("conflict", "the device has no asset tag yet (receive it first)", {"ref": ref})
    skip = query.skip if fmt in ("pdf", "zpl") else None
    sheet = labelling.sheet(session, _printers(), query.printer, query.stock, skip)
    data = labelling.label_data(device, _public_url())
    if fmt == "png":
        return _file(labels.label_png(sheet.stock, data), fmt, device.asset_tag)
    if fmt == "svg":
        return _file(labels.label_svg(sheet.stock, data), fmt, device.asset_tag)
    return _file(_render(fmt, sheet, [data]), fmt, device.asset_tag)


@bp.post("/labels")
@endpoint("labels:print", body=schemas.PrintRunIn, answers={200: PRINTED, 404: ERROR, 409: ERROR})
def print_labels(body: schemas.PrintRunIn):
    """Print the labels of `devices`, a `delivery` or a `shipment` on `stock` (PDF, or ZPL with
    format "zpl"), starting after `skip` used cells, shifted by `printer`'s calibration. Each label
    printed is a ``label_printed`` event with its `reason` (a reprint must give one)."""
    session = db.session()
    devices = labelling.run_devices(session, body.model_dump(exclude_unset=True), g.principal.scope)
    sheet = labelling.sheet(session, _printers(), body.printer, body.stock, body.skip)
    run = labelling.record_prints(session, devices, body.reason, sheet.stock.id, sheet.printer, body.format,
                                  g.principal.name)
    data = _render(body.format, sheet, [labelling.label_data(d, _public_url()) for d in devices])
    session.commit()
    response = _file(data, body.format, f"labels-{run[:8]}")
    response.headers["X-Fleet-Labels"] = str(len(devices))
    return response


@bp.post("/label-batches")
@endpoint("labels:preprint", body=schemas.BatchIn,
          answers={200: File(("application/pdf",), "the batch's labels", {"X-Fleet-Batch": "the batch's id"})})
def create_label_batch(body: schemas.BatchIn):
    """Pre-printed labels: `count` tags allocated now, bound to devices by their first scan."""
    session = db.session()
    sheet = labelling.sheet(session, _printers(), body.printer, body.stock, body.skip)
    prefix = session.info["asset_tag_prefix"]
    batch = labelling.create_batch(session, body.count, sheet.stock.id, prefix, g.principal.name)
    tags = labelling.batch_tags(session, batch)
    pdf = labels.labels_pdf(sheet.stock, [labelling.batch_label(t, _public_url()) for t in tags], skip=sheet.skip,
                            calibration=sheet.calibration)
    session.commit()
    response = _file(pdf, "pdf", f"label-batch-{batch.id}")
    response.headers["X-Fleet-Batch"] = str(batch.id)
    return response


@bp.get("/label-batches/<int:batch_id>")
@endpoint("labels:preprint", answers={200: schemas.Batch, 404: ERROR})
def get_label_batch(batch_id: int):
    """A pre-printed batch: its tags, and the device each is bound to."""
    session = db.session()
    batch = session.get(LabelBatch, batch_id)
    if batch is None:
        raise FleetError("not_found", f"label batch {batch_id} not found", {"ref": batch_id})
    return render.label_batch(batch, labelling.batch_rows(session, batch))


@bp.get("/printers")
@endpoint("labels:print", query=PageQuery, answers={200: Page[schemas.Printer]})
def list_printers(query: PageQuery):
    """The printer profiles the caller may use (school IT: its schools'), by name, a page at a time."""
    schools = _printers().school_ids
    stmt = select(Printer) if schools is None else select(Printer).where(Printer.school_id.in_(sorted(schools)))
    rows = db.session().scalars(paging.in_order(stmt, Printer.name, Printer.id, query.limit, query.after)).all()
    rows, last = paging.split(rows, query.limit)
    return render.paged([render.printer(p) for p in rows], last)


@bp.post("/printers")
@endpoint("labels:print", body=schemas.PrinterIn, answers={201: schemas.Printer, 409: ERROR})
def create_printer(body: schemas.PrinterIn):
    """A printer's calibration profile: how far it shifts a label, in millimetres."""
    session = db.session()
    row = labelling.save_printer(session, body.model_dump(exclude_unset=True), _printers())
    session.commit()
    return created(render.printer(row))


@bp.patch("/printers/<name>")
@endpoint("labels:print", body=schemas.PrinterChange, answers={200: schemas.Printer, 404: ERROR})
def update_printer(name: str, body: schemas.PrinterChange):
    """Change a profile's shift or stock (a name never changes: create a new profile)."""
    session = db.session()
    row = labelling.find_printer(session, name, _printers())
    row = labelling.save_printer(session, body.model_dump(exclude_unset=True), _printers(), existing=row)
    session.commit()
    return render.printer(row)
