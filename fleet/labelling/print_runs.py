"""Print runs: which devices a run holds (listed refs, a delivery or a shipment, all or nothing)
and the print record — a ``label_printed`` event per device with its reason, so a device's
history says which label is on it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import lifecycle, resolvers
from fleet.access.policy import Scope
from fleet.asset_tags import in_number_order
from fleet.errors import FleetError, invalid
from fleet.i18n import _l, api_locale
from fleet.models import Device, Event, Printer, Shipment, shipment_items

MAX_RUN = 5_000


def run_devices(session: Session, spec: dict, scope: Scope) -> list[Device]:
    """The devices of a print run: `devices` (refs), or every tagged device of a `delivery` or a
    `shipment`, those ``scope`` sees. All or nothing: every bad ref is reported with its index."""
    given = [k for k in ("devices", "delivery", "shipment") if spec.get(k) is not None]
    if len(given) != 1:
        raise invalid(_l("say what to print: exactly one of devices, delivery, shipment"),
                      [{"field": "devices"}, {"field": "delivery"}, {"field": "shipment"}])
    if given[0] == "devices":
        return _listed(session, spec["devices"], scope)
    ident = spec[given[0]]
    rows = grouped_devices(session, given[0], ident, scope)
    untagged = [d.serial for d in rows if d.asset_tag is None]
    if untagged:
        raise FleetError("conflict", _l("%(count)s device(s) have no asset tag yet (receive them first)",
                                        count=len(untagged)),
                         {"serials": untagged[:100]})
    return rows


def grouped_devices(session: Session, kind: str, ident: Any, scope: Scope) -> list[Device]:
    """Every device of a `delivery` or a `shipment` (``kind``) that ``scope`` sees, tagged or not, in
    asset-tag order; ``not_found`` when there is no such group the caller may see."""
    if not isinstance(ident, int) or isinstance(ident, bool):
        raise invalid(_l("%(field)s must be an id (a whole number)", field=kind), [{"field": kind}])
    if kind == "delivery":
        query = select(Device).where(Device.delivery_id == ident)
    else:
        shipment = session.get(Shipment, ident)
        if shipment is None or not _sees_shipment(shipment, scope, session):
            raise FleetError("not_found", _l("shipment %(shipment)s not found", shipment=ident), {"ref": ident})
        query = select(Device).join(shipment_items, shipment_items.c.device_id == Device.id) \
            .where(shipment_items.c.shipment_id == ident)
    query = query.order_by(*in_number_order(Device.asset_tag), Device.id)
    rows = [d for d in session.scalars(query).unique() if scope.sees_device(d)]
    if kind == "delivery" and not rows:
        raise FleetError("not_found", _l("delivery %(delivery)s not found or has no device you may see",
                                         delivery=ident),
                         {"ref": ident})
    return rows


def _sees_shipment(shipment: Shipment, scope: Scope, session: Session) -> bool:
    device = session.scalar(select(Device).join(shipment_items, shipment_items.c.device_id == Device.id)
                            .where(shipment_items.c.shipment_id == shipment.id).limit(1))
    return device is not None and scope.sees_device(device)


def _listed(session: Session, refs: Any, scope: Scope) -> list[Device]:
    if not isinstance(refs, list) or not 1 <= len(refs) <= MAX_RUN:
        raise invalid(_l("devices must be a list of 1-%(max)s serials, asset tags or label URLs", max=MAX_RUN),
                      [{"field": "devices"}])
    errors, found, seen = [], [], {}
    for index, ref in enumerate(refs):
        try:
            device = resolvers.resolve(session, ref, scope)
            if device.id in seen:
                raise FleetError("duplicate", _l("listed already as item %(item)s", item=seen[device.id]))
            if device.asset_tag is None:
                raise FleetError("conflict", _l("the device has no asset tag yet (receive it first)"))
            seen[device.id] = index
            found.append(device)
        except FleetError as e:
            errors.append({"index": index, "ref": ref if isinstance(ref, str) else None, "code": e.code,
                           "message": e.localized(api_locale())})
    if errors:
        raise invalid(_l("nothing was printed: %(bad)s of %(all)s device(s) cannot be printed", bad=len(errors),
                         all=len(refs)), errors)
    return found


def record_prints(session: Session, devices: list[Device], reason: Any, stock_id: str, printer_row: Printer | None,
                  fmt: str, actor: str) -> str:
    """A ``label_printed`` event per device, all in the caller's transaction; returns the run id.

    A first print needs no reason; a reprint must say why (damaged, replacement, lost)."""
    if reason is not None and reason not in lifecycle.PRINT_REASONS:
        raise invalid(_l("reason must be one of %(reasons)s", reasons=", ".join(lifecycle.PRINT_REASONS)),
                      [{"field": "reason"}])
    printed = set(session.scalars(select(Event.device_id).where(
        Event.device_id.in_([d.id for d in devices]), Event.action == "label_printed")))
    errors = []
    for index, device in enumerate(devices):
        if device.id in printed and reason in (None, "first_print"):
            errors.append({"index": index, "ref": device.serial, "code": "conflict", "message":
                           "a label was printed before: a reprint needs a reason (damaged, replacement, lost)"})
        elif device.id not in printed and reason not in (None, "first_print"):
            errors.append({"index": index, "ref": device.serial, "code": "conflict",
                           "message": "no label was printed before: this is its first print"})
    if errors:
        raise invalid(_l("nothing was printed: the reason does not fit every device"), errors)
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
        raise invalid(_l("scan the applied label (its QR code or asset tag) to confirm it, not the serial"),
                      [{"field": "code"}])
