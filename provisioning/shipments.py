"""Shipments: labelled devices sent to one school, and their arrival scanned at the school.

Creating a shipment applies ``ship`` to every listed device, all or nothing. At the school each
scan applies ``arrive`` and is kept, so the reconciliation shows what never came (missing), what
came without being on the shipment (unexpected) and what was scanned twice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fleet import lifecycle, resolvers
from fleet.errors import FleetError, invalid
from fleet.models import ArrivalScan, Device, School, Shipment, shipment_items
from provisioning.reconciliation import Reconciliation, reconcile

MAX_DEVICES = 5_000


def create_shipment(session: Session, school_reg: Any, refs: Any, actor: str) -> Shipment:
    if not isinstance(refs, list) or not refs or len(refs) > MAX_DEVICES:
        raise invalid(f"devices must be a list of 1-{MAX_DEVICES} serials or asset tags", [{"field": "devices"}])
    school = session.scalar(select(School).where(School.registration_number == school_reg)) \
        if isinstance(school_reg, str) else None
    if school is None:
        raise invalid(f"no school {school_reg!r}", [{"field": "school", "message": "unknown school"}])
    shipment = Shipment(school=school, created_by=actor)
    session.add(shipment)
    session.flush()
    errors, shipped = [], {}
    for index, ref in enumerate(refs):
        try:
            device = resolvers.resolve(session, ref, lock=True)
            if device.id in shipped:
                raise FleetError("duplicate", f"listed already as item {shipped[device.id]}")
            outcome = lifecycle.apply(session, device, "ship", {"school": school.registration_number}, actor)
            if outcome.already:
                raise FleetError("invalid_transition", "already shipped", {"allowed": []})
            shipped[device.id] = index
        except FleetError as e:
            errors.append({"index": index, "ref": ref if isinstance(ref, str) else None, "code": e.code,
                           "message": e.message})
    if errors:  # the caller's transaction rolls back every ship applied above
        raise invalid(f"nothing was shipped: {len(errors)} of {len(refs)} device(s) cannot go", errors)
    session.execute(insert(shipment_items), [{"shipment_id": shipment.id, "device_id": d} for d in shipped])
    return shipment


def get_shipment(session: Session, shipment_id: int, visible_school=None) -> Shipment:
    shipment = session.get(Shipment, shipment_id)
    if shipment is None or (visible_school is not None and not visible_school(shipment.school_id)):
        raise FleetError("not_found", f"shipment {shipment_id} not found", {"ref": shipment_id})
    return shipment


def arrive(session: Session, shipment: Shipment, code: Any, actor: str, visible=None, nonce: str | None = None):
    """One scan at the receiving school; (outcome, unexpected)."""
    device = resolvers.resolve(session, code, visible, lock=True)
    on_it = session.scalar(select(shipment_items.c.device_id).where(
        shipment_items.c.shipment_id == shipment.id, shipment_items.c.device_id == device.id))
    outcome = lifecycle.apply(session, device, "arrive", {"school": shipment.school.registration_number}, actor,
                              nonce=nonce)
    session.add(ArrivalScan(shipment_id=shipment.id, device_id=device.id, actor=actor))
    return outcome, on_it is None


def reconciliation(session: Session, shipment: Shipment) -> Reconciliation:
    expected = session.scalars(select(Device.serial).join(shipment_items, shipment_items.c.device_id == Device.id)
                               .where(shipment_items.c.shipment_id == shipment.id))
    scanned = session.scalars(select(Device.serial).join(ArrivalScan, ArrivalScan.device_id == Device.id)
                              .where(ArrivalScan.shipment_id == shipment.id).order_by(ArrivalScan.id))
    return reconcile(expected, scanned)
