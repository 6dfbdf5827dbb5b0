"""Labels in the service: what a device's label says, which devices a print run holds, printer
calibration profiles, the print record, and pre-printed tag batches.

The print shop (``labels``) draws; this module decides what to draw and records it. Every print
or reprint is a ``label_printed`` event with its reason, so a device's history says which label
is on it. A pre-printed label carries a tag allocated ahead of any device; the first scan of it
together with a device's serial binds the two (``tag_bound``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

import labels
from fleet import lifecycle, resolvers
from fleet.asset_tags import allocate_tag, in_number_order, parse_tag
from fleet.errors import FleetError, invalid
from fleet.models import Device, Event, LabelBatch, PreprintedTag, Printer, Shipment, shipment_items

MAX_RUN = 5_000
MAX_BATCH = 1_000
PROGRAMME = "Dators ikvienam bērnam"
FORMATS = {"pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml", "zpl": "application/zpl"}


def label_url(public_url: str, tag: str) -> str:
    """The URL a label's QR code holds. Upper-cased when the public URL has no path of its own (scheme
    and host ignore case, and the service answers /D/ too): then the QR code can use its alphanumeric
    mode and a smaller symbol."""
    base = public_url.rstrip("/")
    if urlsplit(base).path in ("", "/"):
        return f"{base}/D/{tag}".upper()
    return f"{base}/d/{tag}"


def label_data(device: Device, public_url: str) -> labels.LabelData:
    school = device.school
    return labels.LabelData(
        asset_tag=device.asset_tag or "",
        serial=device.serial,
        qr_text=label_url(public_url, device.asset_tag or ""),
        manufacturer=device.manufacturer,
        model=device.model,
        owner=school.founder.name if school is not None else "",
        programme=PROGRAMME,
        eu_funded=device.contract is not None and device.contract.funding_source == "rrf",
    )


def stock(stock_id: Any) -> labels.Stock:
    found = labels.STOCKS.get(stock_id) if isinstance(stock_id, str) else None
    if found is None:
        raise invalid(f"unknown label stock {stock_id!r}", [{"field": "stock", "known": sorted(labels.STOCKS)}])
    return found


def stock_json(s: labels.Stock) -> dict:
    return {"id": s.id, "name": s.name, "kind": s.kind, "label_width": s.label_width, "label_height": s.label_height,
            "columns": s.columns, "rows": s.rows, "per_page": s.per_page, "page_width": s.page_width,
            "page_height": s.page_height, "dpi": s.dpi, "durable": s.durable, "source": s.source}


def output_format(value: Any, allowed: tuple[str, ...] = tuple(FORMATS)) -> str:
    if value not in allowed:
        raise invalid(f"format must be one of {', '.join(allowed)}", [{"field": "format"}])
    return value


def skip(value: Any, on: labels.Stock) -> int:
    if value is None:
        return 0
    top = on.per_page - 1 if on.kind == "sheet" else 0
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
        raise invalid(f"skip must be a whole number 0-{top} on {on.name}", [{"field": "skip"}])
    return value


# --- printers --------------------------------------------------------------------------------

@dataclass(frozen=True)
class PrinterScope:
    """Which printer profiles a caller may see and change: None = all, else those of these schools."""

    school_ids: frozenset[int] | None

    def sees(self, printer: Printer) -> bool:
        return self.school_ids is None or printer.school_id in self.school_ids


def printer(session: Session, name: Any, scope: PrinterScope) -> Printer | None:
    if name is None:
        return None
    row = session.scalar(select(Printer).where(Printer.name == name)) if isinstance(name, str) else None
    if row is None or not scope.sees(row):
        raise invalid(f"no printer profile {name!r}", [{"field": "printer"}])
    return row


def find_printer(session: Session, name: str, scope: PrinterScope) -> Printer:
    row = session.scalar(select(Printer).where(Printer.name == name))
    if row is None or not scope.sees(row):
        raise FleetError("not_found", f"printer profile {name!r} not found", {"ref": name})
    return row


def printers_query():
    return select(Printer).order_by(Printer.name)


def calibration(row: Printer | None) -> labels.Calibration:
    return labels.Calibration(row.offset_x, row.offset_y) if row is not None else labels.Calibration()


MAX_SHIFT = 20.0  # mm; a printer that shifts more needs a service, not a profile


def save_printer(session: Session, data: Any, scope: PrinterScope, existing: Printer | None = None) -> Printer:
    if not isinstance(data, dict):
        raise invalid("the body must be a JSON object {name, offset_x, offset_y, stock?, school?}")
    errors, row = [], existing or Printer()
    if existing is None:
        name = data.get("name")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 100:
            errors.append({"field": "name", "message": "a name of 1-100 characters is required"})
        else:
            row.name = name.strip()
    for axis in ("offset_x", "offset_y"):
        if axis in data or existing is None:
            value = data.get(axis, 0)
            if not isinstance(value, int | float) or isinstance(value, bool) or abs(value) > MAX_SHIFT:
                errors.append({"field": axis, "message": f"a shift in millimetres, -{MAX_SHIFT:g} to {MAX_SHIFT:g}"})
            else:
                setattr(row, axis, round(float(value), 2))
    if "stock" in data:
        if data["stock"] is not None and data["stock"] not in labels.STOCKS:
            errors.append({"field": "stock", "message": "unknown label stock", "known": sorted(labels.STOCKS)})
        else:
            row.stock = data["stock"]
    if existing is None:
        row.school_id = _printer_school(session, data.get("school"), scope, errors)
    if errors:
        raise invalid("the printer profile is not valid; nothing was saved", errors)
    if existing is None:
        if session.scalar(select(Printer.id).where(Printer.name == row.name)):
            raise FleetError("duplicate", f"a printer profile {row.name!r} exists already", {"field": "name"})
        session.add(row)
    session.flush()
    return row


def _printer_school(session: Session, reg: Any, scope: PrinterScope, errors: list) -> int | None:
    from fleet.models import School

    if reg is None:
        if scope.school_ids is not None and len(scope.school_ids) == 1:
            return next(iter(scope.school_ids))
        if scope.school_ids is not None:
            errors.append({"field": "school", "message": "say which of your schools the printer is at"})
        return None
    school = session.scalar(select(School).where(School.registration_number == reg)) if isinstance(reg, str) else None
    if school is None or (scope.school_ids is not None and school.id not in scope.school_ids):
        errors.append({"field": "school", "message": f"no school {reg!r}"})
        return None
    return school.id


def printer_json(row: Printer) -> dict:
    return {"name": row.name, "offset_x": row.offset_x, "offset_y": row.offset_y, "stock": row.stock,
            "school": row.school.registration_number if row.school is not None else None}


# --- print runs ------------------------------------------------------------------------------

def run_devices(session: Session, spec: dict, visible: Callable[[Device], bool]) -> list[Device]:
    """The devices of a print run: `devices` (refs), or every tagged device of a `delivery` or a
    `shipment`. All or nothing: every bad ref is reported with its index."""
    given = [k for k in ("devices", "delivery", "shipment") if spec.get(k) is not None]
    if len(given) != 1:
        raise invalid("say what to print: exactly one of devices, delivery, shipment",
                      [{"field": "devices"}, {"field": "delivery"}, {"field": "shipment"}])
    if given[0] == "devices":
        return _listed(session, spec["devices"], visible)
    ident = spec[given[0]]
    if not isinstance(ident, int) or isinstance(ident, bool):
        raise invalid(f"{given[0]} must be an id (a whole number)", [{"field": given[0]}])
    if given[0] == "delivery":
        query = select(Device).where(Device.delivery_id == ident)
    else:
        shipment = session.get(Shipment, ident)
        if shipment is None or not _sees_shipment(shipment, visible, session):
            raise FleetError("not_found", f"shipment {ident} not found", {"ref": ident})
        query = select(Device).join(shipment_items, shipment_items.c.device_id == Device.id) \
            .where(shipment_items.c.shipment_id == ident)
    query = query.order_by(*in_number_order(Device.asset_tag), Device.id)
    rows = [d for d in session.scalars(query).unique() if visible(d)]
    if given[0] == "delivery" and not rows:
        raise FleetError("not_found", f"delivery {ident} not found or has no device you may see", {"ref": ident})
    untagged = [d.serial for d in rows if d.asset_tag is None]
    if untagged:
        raise FleetError("conflict", f"{len(untagged)} device(s) have no asset tag yet (receive them first)",
                         {"serials": untagged[:100]})
    return rows


def _sees_shipment(shipment: Shipment, visible: Callable[[Device], bool], session: Session) -> bool:
    device = session.scalar(select(Device).join(shipment_items, shipment_items.c.device_id == Device.id)
                            .where(shipment_items.c.shipment_id == shipment.id).limit(1))
    return device is not None and visible(device)


def _listed(session: Session, refs: Any, visible: Callable[[Device], bool]) -> list[Device]:
    if not isinstance(refs, list) or not 1 <= len(refs) <= MAX_RUN:
        raise invalid(f"devices must be a list of 1-{MAX_RUN} serials, asset tags or label URLs", [{"field": "devices"}])
    errors, found, seen = [], [], {}
    for index, ref in enumerate(refs):
        try:
            device = resolvers.resolve(session, ref, visible)
            if device.id in seen:
                raise FleetError("duplicate", f"listed already as item {seen[device.id]}")
            if device.asset_tag is None:
                raise FleetError("conflict", "the device has no asset tag yet (receive it first)")
            seen[device.id] = index
            found.append(device)
        except FleetError as e:
            errors.append({"index": index, "ref": ref if isinstance(ref, str) else None, "code": e.code,
                           "message": e.message})
    if errors:
        raise invalid(f"nothing was printed: {len(errors)} of {len(refs)} device(s) cannot be printed", errors)
    return found


def record_prints(session: Session, devices: list[Device], reason: Any, stock_id: str, printer_row: Printer | None,
                  fmt: str, actor: str) -> str:
    """A ``label_printed`` event per device, all in the caller's transaction; returns the run id.

    A first print needs no reason; a reprint must say why (damaged, replacement, lost)."""
    if reason is not None and reason not in lifecycle.PRINT_REASONS:
        raise invalid(f"reason must be one of {', '.join(lifecycle.PRINT_REASONS)}", [{"field": "reason"}])
    printed = set(session.scalars(select(Event.device_id).where(
        Event.device_id.in_([d.id for d in devices]), Event.action == "label_printed")))
    errors = []
    for index, device in enumerate(devices):
        if device.id in printed and reason in (None, "first_print"):
            errors.append({"index": index, "ref": device.serial, "code": "conflict",
                           "message": "a label was printed before: a reprint needs a reason (damaged, replacement, lost)"})
        elif device.id not in printed and reason not in (None, "first_print"):
            errors.append({"index": index, "ref": device.serial, "code": "conflict",
                           "message": "no label was printed before: this is its first print"})
    if errors:
        raise invalid("nothing was printed: the reason does not fit every device", errors)
    run = uuid.uuid4().hex
    for device in devices:
        params = {"reason": reason or "first_print", "stock": stock_id, "run": run, "format": fmt}
        if printer_row is not None:
            params["printer"] = printer_row.name
        lifecycle.apply(session, device, "label_printed", params, actor, via="labels")
    return run


def confirm_label(session: Session, code: Any) -> None:
    """``label`` is confirmed by scanning the applied label, not the box's serial."""
    if resolvers.match(code).column != "asset_tag":
        raise invalid("scan the applied label (its QR code or asset tag) to confirm it, not the serial",
                      [{"field": "code"}])


# --- pre-printed batches -----------------------------------------------------------------------

def create_batch(session: Session, count: Any, stock_id: str, prefix: str, actor: str) -> LabelBatch:
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_BATCH:
        raise invalid(f"count must be a whole number 1-{MAX_BATCH}", [{"field": "count"}])
    batch = LabelBatch(count=count, stock=stock_id, created_by=actor)
    session.add(batch)
    session.flush()
    session.add_all(PreprintedTag(tag=allocate_tag(session, prefix), batch_id=batch.id) for _ in range(count))
    session.flush()
    return batch


def batch_tags(session: Session, batch: LabelBatch) -> list[str]:
    return list(session.scalars(select(PreprintedTag.tag).where(PreprintedTag.batch_id == batch.id)
                                .order_by(*in_number_order(PreprintedTag.tag))))


def batch_rows(session: Session, batch: LabelBatch) -> list[dict]:
    rows = session.execute(select(PreprintedTag.tag, Device.serial).outerjoin(Device, Device.id == PreprintedTag.device_id)
                           .where(PreprintedTag.batch_id == batch.id).order_by(*in_number_order(PreprintedTag.tag)))
    return [{"tag": tag, "serial": serial} for tag, serial in rows]


def batch_label(tag: str, public_url: str) -> labels.LabelData:
    return labels.LabelData(asset_tag=tag, serial="", qr_text=label_url(public_url, tag), programme=PROGRAMME)


def preprinted(session: Session, code: Any) -> PreprintedTag | None:
    """The pre-printed tag a scanned code names, if it is one (bound or not)."""
    try:
        m = resolvers.match(code)
    except FleetError:
        return None
    if m.column != "asset_tag":
        return None
    return session.get(PreprintedTag, m.value)


def bind(session: Session, code: Any, serial: Any, actor: str, visible: Callable[[Device], bool]) -> lifecycle.Outcome:
    """Bind a pre-printed tag to the device with `serial`: the label's first scan with the serial."""
    if not isinstance(serial, str) or not serial.strip():
        raise invalid("the device's serial is required to bind a pre-printed label", [{"field": "serial"}])
    tag = preprinted(session, code)
    if tag is None:
        raise FleetError("not_found", f"no pre-printed label {code!r}", {"ref": code})
    device = resolvers.resolve(session, serial, visible, lock=True)
    if tag.device_id is not None:
        if tag.device_id == device.id:
            return lifecycle.Outcome(device, session.scalar(
                select(Event).where(Event.device_id == device.id, Event.action == "tag_bound")
                .order_by(Event.seq.desc()).limit(1)), already=True)
        raise FleetError("conflict", f"the label {tag.tag} is on another device already", {"tag": tag.tag})
    outcome = lifecycle.apply(session, device, "tag_bound", {"tag": parse_tag(tag.tag), "batch": tag.batch_id},
                              actor, via="labels")
    tag.device_id = device.id
    tag.bound_by = actor
    session.flush()
    return outcome
