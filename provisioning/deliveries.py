"""Deliveries: a manifest of expected serials against a contract, intake by scan, reconciliation.

Creating a delivery registers every manifest serial as an ``expected`` device (all or nothing:
a serial already on another manifest or already in the fleet is a bad line). Intake applies
``receive`` through the lifecycle; a serial nobody expected is registered and received too, and
counted as unexpected. Every intake scan is kept, repeats too, so the report compares the
manifest with what was scanned: found, missing, unexpected, and scanned more than once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ARRAY, String, any_, bindparam, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fleet import db, display_names, lifecycle, paging, resolvers
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.models import Contract, Delivery, DeliveryItem, DeliveryScan, Device, Event
from provisioning.manifests import ManifestRow
from provisioning.reconciliation import Reconciliation, ensure_open, freeze, is_retry, reconcile


def create_delivery(session: Session, contract_number: Any, rows: list[ManifestRow], actor: str) -> Delivery:
    if not isinstance(contract_number, str) or not contract_number.strip():
        raise invalid(_l("a delivery needs its contract number"), [{"field": "contract", "message": _l("is required")}])
    contract = session.scalar(select(Contract).where(Contract.number == contract_number.strip()))
    if contract is None:
        raise invalid(_l("no contract %(contract)s", contract=repr(contract_number)),
                      [{"field": "contract", "message": _l("unknown contract")}])
    _refuse_known_serials(session, rows)
    delivery = Delivery(contract=contract, created_by=actor)
    session.add(delivery)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        db.copy_rows(session, "delivery_items", _ITEM_COLUMNS, (
            (delivery.id, r.line, r.serial, r.manufacturer, r.model, _macs_json(r.macs), r.po_line) for r in rows))
    else:
        session.execute(_ITEMS.insert(), [
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


_ITEMS = DeliveryItem.__table__
_ITEM_COLUMNS = ("delivery_id", "line", "serial", "manufacturer", "model", "macs", "po_line")


def _macs_json(macs: tuple[str, ...]) -> str:
    """Normalised MAC addresses (hexadecimal digits and colons) as a JSON list, for COPY."""
    return "[" + ",".join(f'"{m}"' for m in macs) + "]"


def _refuse_known_serials(session: Session, rows: list[ManifestRow]) -> None:
    line_of = {r.serial: r.line for r in rows}
    errors, reported = [], set()
    for serial, delivery_id in _known(session, DeliveryItem.serial, DeliveryItem.delivery_id, list(line_of)):
        errors.append({"line": line_of[serial], "message": _l("serial %(serial)s is already on delivery %(delivery)s",
                                                              serial=serial, delivery=delivery_id)})
        reported.add(serial)
    for serial, status in _known(session, Device.serial, Device.status, list(line_of)):
        if serial not in reported:
            errors.append({"line": line_of[serial], "message": _l(
                "serial %(serial)s is already in the fleet (%(status)s)", serial=serial,
                status=display_names.text("status", status))})
    if errors:
        raise invalid(_l("%(count)s bad line(s); nothing was imported", count=len(errors)),
                      sorted(errors, key=lambda e: e["line"]))


def _known(session: Session, serial_column, other, serials: list[str]):
    """(serial, other) of the rows whose serial is one of ``serials``: one query on PostgreSQL
    (the serials as one array parameter), chunks of 1,000 on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        yield from session.execute(select(serial_column, other).where(serial_column == any_(_SERIALS)),
                                   {"serials": serials})
        return
    for i in range(0, len(serials), 1000):
        yield from session.execute(select(serial_column, other).where(serial_column.in_(serials[i:i + 1000])))


_SERIALS = bindparam("serials", type_=ARRAY(String))


def list_deliveries(session: Session, limit: int, after: int | None = None) -> tuple[list[Delivery], int | None]:
    """The newest deliveries first, ``limit`` of them older than delivery ``after``. (deliveries, the
    last id when there are more)"""
    stmt = paging.newest_first(select(Delivery), Delivery.id, limit, after)
    return paging.split(session.scalars(stmt).all(), limit)


def get_delivery(session: Session, delivery_id: int, lock: str | None = None) -> Delivery:
    """The delivery; ``lock="share"`` for a scan (scans do not block each other), ``"update"`` to
    close it (waits for the scans under way, and they for it). The contract is joined to the
    locked row; a lock that waited re-reads the delivery row but not the contract, which is safe
    only because a delivery never changes its contract."""
    stmt = select(Delivery).where(Delivery.id == delivery_id).execution_options(populate_existing=True)
    if lock:
        stmt = stmt.with_for_update(read=lock == "share", of=Delivery)
    delivery = session.scalar(stmt)
    if delivery is None:
        raise FleetError("not_found", _l("delivery %(delivery)s not found", delivery=delivery_id), {"ref": delivery_id})
    return delivery


def receive(session: Session, delivery: Delivery, code: Any, actor: str, nonce: str | None = None):
    """Intake of one scanned laptop; (outcome, unexpected). Unknown serials are registered first.
    The scan is kept (a station's retry of the same scan, its nonce seen already, is not)."""
    ensure_open(delivery, "delivery")
    try:
        device = resolvers.resolve(session, code, lock=True)
    except FleetError as e:
        match = resolvers.match(code) if e.code == "not_found" else None
        if match is None or match.column != "serial" or match.missing is not None:
            raise
        device = _register_unexpected(session, delivery, match.value, actor)
    outcome = lifecycle.apply(session, device, "receive", {"delivery": delivery.id}, actor, nonce=nonce)
    if not is_retry(outcome, nonce):
        session.execute(_SCANS.insert(), {"delivery_id": delivery.id, "device_id": device.id, "actor": actor})
    on_manifest = session.scalar(
        select(DeliveryItem.id).where(DeliveryItem.delivery_id == delivery.id, DeliveryItem.serial == device.serial)
    )
    return outcome, on_manifest is None


_SCANS = DeliveryScan.__table__


def _register_unexpected(session: Session, delivery: Delivery, serial: str, actor: str) -> Device:
    """Register a serial nobody expected. When another station registered it a moment ago (its
    transaction committed while this one waited on the unique serial), take that device: the scan
    then answers ``already``, as a repeated scan does."""
    try:
        with session.begin_nested():
            device = Device(serial=serial, manufacturer="", model="", contract=delivery.contract,
                            delivery_id=delivery.id)
            return lifecycle.register(session, [device], actor)[0]
    except IntegrityError:
        device = lifecycle.lock_device(session, "serial", serial)
        if device is None:
            raise
        return device


def reconciliation(session: Session, delivery: Delivery) -> Reconciliation:
    """The manifest against the intake scans, in the order they came. A device of this delivery
    received by another path (a plain ``receive`` action, a bulk action) counts as one scan."""
    expected = session.scalars(select(DeliveryItem.serial).where(DeliveryItem.delivery_id == delivery.id))
    scans = session.execute(
        select(DeliveryScan.at, Device.serial).join(Device, Device.id == DeliveryScan.device_id)
        .where(DeliveryScan.delivery_id == delivery.id).order_by(DeliveryScan.id)
    ).all()
    scanned_here = exists().where(DeliveryScan.delivery_id == delivery.id, DeliveryScan.device_id == Device.id)
    elsewhere = session.execute(
        select(Event.at, Device.serial)
        .join(Event, (Event.device_id == Device.id) & (Event.action == "receive"))
        .where(Device.delivery_id == delivery.id, ~scanned_here)
        .order_by(Event.id)
    ).all()
    return reconcile(expected, [serial for _, serial in sorted(scans + elsewhere, key=lambda row: row[0])])


def report(session: Session, delivery: Delivery, reconciled: Reconciliation | None = None) -> dict:
    """The delivery's figures: frozen at closing, else the reconciliation now (``reconciled``: one made already)."""
    if delivery.summary is not None:
        return delivery.summary
    r = reconciled or reconciliation(session, delivery)
    return {
        "counts": {**r.counts(), "received": len(r.found) + len(r.unexpected)},
        "missing": list(r.missing),
        "unexpected": list(r.unexpected),
        "repeated": r.repeated,
    }


def report_rows(session: Session, delivery: Delivery,
                reconciled: Reconciliation | None = None) -> list[tuple[str, str, str, str, int]]:
    """One row per serial: (serial, result, asset tag, status, scans) — the result found, missing or unexpected,
    the asset tag and status now ("" for a serial never registered), and how often it was scanned at intake
    (above 1: scanned more than once). Codes; the export names them (``provisioning.api.deliveries``).
    ``reconciled``: the delivery's reconciliation, when the caller made it already."""
    r = reconciled or reconciliation(session, delivery)
    serials = [*r.found, *r.missing, *r.unexpected]
    devices = {serial: (tag, status) for serial, tag, status in session.execute(
        select(Device.serial, Device.asset_tag, Device.status).where(Device.serial.in_(serials)))} if serials else {}
    rows = []
    for result, group in (("found", r.found), ("missing", r.missing), ("unexpected", r.unexpected)):
        for serial in group:
            tag, status = devices.get(serial, ("", ""))
            scans = 0 if result == "missing" else r.repeated.get(serial, 1)
            rows.append((serial, result, tag or "", status, scans))
    return rows


def close(session: Session, delivery: Delivery, actor: str) -> Delivery:
    """Freeze the reconciliation and who closed it; later scans against it are refused."""
    return freeze(delivery, "delivery", report(session, delivery), actor)
