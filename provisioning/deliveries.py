"""Deliveries: a manifest of expected serials against a contract, intake by scan, reconciliation.

Creating a delivery registers every manifest serial as an ``expected`` device (all or nothing:
a serial already on another manifest or already in the fleet is a bad line). Intake applies
``receive`` through the lifecycle; a serial nobody expected is registered and received too, and
counted as unexpected. The report compares the manifest with the devices received against it.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fleet import lifecycle, resolvers
from fleet.errors import FleetError, invalid
from fleet.models import Contract, Delivery, DeliveryItem, Device, Event
from provisioning.manifests import ManifestRow
from provisioning.reconciliation import Reconciliation, ensure_open, freeze, reconcile


def create_delivery(session: Session, contract_number: Any, rows: list[ManifestRow], actor: str) -> Delivery:
    if not isinstance(contract_number, str) or not contract_number.strip():
        raise invalid("a delivery needs its contract number", [{"field": "contract", "message": "is required"}])
    contract = session.scalar(select(Contract).where(Contract.number == contract_number.strip()))
    if contract is None:
        raise invalid(f"no contract {contract_number!r}", [{"field": "contract", "message": "unknown contract"}])
    _refuse_known_serials(session, rows)
    delivery = Delivery(contract=contract, created_by=actor)
    session.add(delivery)
    session.flush()
    session.execute(insert(DeliveryItem), [
        {"delivery_id": delivery.id, "line": r.line, "serial": r.serial, "manufacturer": r.manufacturer,
         "model": r.model, "macs": list(r.macs), "po_line": r.po_line}
        for r in rows
    ])
    lifecycle.register_rows(session, [
        {"serial": r.serial, "manufacturer": r.manufacturer, "model": r.model, "contract": contract,
         "delivery_id": delivery.id}
        for r in rows
    ], actor)
    return delivery


def _refuse_known_serials(session: Session, rows: list[ManifestRow]) -> None:
    line_of = {r.serial: r.line for r in rows}
    errors, reported = [], set()
    for chunk in _chunks(list(line_of), 1000):
        for serial, delivery_id in session.execute(
            select(DeliveryItem.serial, DeliveryItem.delivery_id).where(DeliveryItem.serial.in_(chunk))
        ):
            errors.append({"line": line_of[serial], "message": f"serial {serial} is already on delivery {delivery_id}"})
            reported.add(serial)
        for serial, status in session.execute(select(Device.serial, Device.status).where(Device.serial.in_(chunk))):
            if serial not in reported:
                errors.append({"line": line_of[serial], "message": f"serial {serial} is already in the fleet ({status})"})
    if errors:
        raise invalid(f"{len(errors)} bad line(s); nothing was imported", sorted(errors, key=lambda e: e["line"]))


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def get_delivery(session: Session, delivery_id: int, lock: str | None = None) -> Delivery:
    """The delivery; ``lock="share"`` for a scan (scans do not block each other), ``"update"`` to
    close it (waits for the scans under way, and they for it)."""
    stmt = select(Delivery).where(Delivery.id == delivery_id).execution_options(populate_existing=True)
    if lock:
        stmt = stmt.with_for_update(read=lock == "share", of=Delivery)
    delivery = session.scalar(stmt)
    if delivery is None:
        raise FleetError("not_found", f"delivery {delivery_id} not found", {"ref": delivery_id})
    return delivery


def receive(session: Session, delivery: Delivery, code: Any, actor: str, nonce: str | None = None):
    """Intake of one scanned laptop; (outcome, unexpected). Unknown serials are registered first."""
    ensure_open(delivery, "delivery")
    try:
        device = resolvers.resolve(session, code, lock=True)
    except FleetError as e:
        match = resolvers.match(code) if e.code == "not_found" else None
        if match is None or match.column != "serial" or match.missing is not None:
            raise
        device = Device(serial=match.value, manufacturer="", model="", contract=delivery.contract,
                        delivery_id=delivery.id)
        device = lifecycle.register(session, [device], actor)[0]
    outcome = lifecycle.apply(session, device, "receive", {"delivery": delivery.id}, actor, nonce=nonce)
    on_manifest = session.scalar(
        select(DeliveryItem.id).where(DeliveryItem.delivery_id == delivery.id, DeliveryItem.serial == device.serial)
    )
    return outcome, on_manifest is None


def reconciliation(session: Session, delivery: Delivery) -> Reconciliation:
    expected = session.scalars(select(DeliveryItem.serial).where(DeliveryItem.delivery_id == delivery.id))
    received = session.scalars(
        select(Device.serial)
        .join(Event, (Event.device_id == Device.id) & (Event.action == "receive"))
        .where(Device.delivery_id == delivery.id)
        .order_by(Event.id)
    )
    return reconcile(expected, received)


def report(session: Session, delivery: Delivery) -> dict:
    if delivery.summary is not None:
        return delivery.summary
    r = reconciliation(session, delivery)
    return {
        "counts": {**r.counts(), "received": len(r.found) + len(r.unexpected)},
        "missing": list(r.missing),
        "unexpected": list(r.unexpected),
    }


def report_csv(session: Session, delivery: Delivery) -> str:
    """One line per serial: found, missing or unexpected, with its asset tag and status now."""
    r = reconciliation(session, delivery)
    serials = [*r.found, *r.missing, *r.unexpected]
    devices = {d.serial: d for d in session.scalars(select(Device).where(Device.serial.in_(serials)))} if serials else {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["serial", "result", "asset_tag", "status"])
    for result, group in (("found", r.found), ("missing", r.missing), ("unexpected", r.unexpected)):
        for serial in group:
            d = devices.get(serial)
            writer.writerow([serial, result, (d.asset_tag or "") if d else "", d.status if d else ""])
    return out.getvalue()


def close(session: Session, delivery: Delivery, actor: str) -> Delivery:
    """Freeze the reconciliation and who closed it; later scans against it are refused."""
    return freeze(delivery, "delivery", report(session, delivery), actor)
