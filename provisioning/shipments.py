"""Shipments: devices sent to one school, and their arrival scanned at the school.

A shipment leaves the warehouse (labelled devices, each gets ``ship``) or another school (a
transfer: that school's ``at_school`` devices, each gets ``transfer``); the sender's side picks
the action, everything else is one path. Creating a shipment applies the action to every listed
device, all or nothing. At the receiving school each scan applies ``arrive`` and is kept, so the
reconciliation, seen by both sides, shows what never came (missing), what came without being on
the shipment (unexpected) and what was scanned twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fleet import lifecycle, paging, resolvers
from fleet.errors import FleetError, invalid
from fleet.models import ArrivalScan, Device, School, Shipment, shipment_items
from provisioning.reconciliation import Reconciliation, is_retry, reconcile

MAX_DEVICES = 5_000


def sending_action(from_school: School | None) -> str:
    """``ship`` from the warehouse, ``transfer`` from a school."""
    return "ship" if from_school is None else "transfer"


def create_shipment(
    session: Session, school_reg: Any, refs: Any, actor: str, from_school_reg: Any = None,
    may_send: Callable[[str, int | None], bool] = lambda _action, _school_id: True,
    visible: Callable[[Device], bool] | None = None,
) -> Shipment:
    """Send ``refs`` to the school ``school_reg``, from the warehouse or from ``from_school_reg``.

    ``may_send(action, from school id or None)`` says whether the caller may send from there; ``visible``
    hides devices the caller may not see (they answer ``not_found``).
    """
    if not isinstance(refs, list) or not refs or len(refs) > MAX_DEVICES:
        raise invalid(f"devices must be a list of 1-{MAX_DEVICES} serials or asset tags", [{"field": "devices"}])
    school = _school(session, school_reg, "school")
    from_school = _school(session, from_school_reg, "from_school") if from_school_reg is not None else None
    if from_school is not None and from_school.id == school.id:
        raise invalid("a shipment cannot go to the school it comes from",
                      [{"field": "school", "message": "is the same as from_school"}])
    action = sending_action(from_school)
    if not may_send(action, from_school.id if from_school else None):
        where = f"school {from_school.registration_number}" if from_school else "the warehouse"
        raise FleetError("forbidden", f"you may not send devices from {where} ({action})",
                         {"from_school": from_school.registration_number if from_school else None, "action": action})
    shipment = Shipment(school=school, from_school=from_school, created_by=actor)
    session.add(shipment)
    session.flush()
    errors, shipped = [], {}

    def listable(device: Device) -> bool:  # a device listed twice was visible before it was sent
        return visible is None or device.id in shipped or visible(device)

    for index, ref in enumerate(refs):
        try:
            device = resolvers.resolve(session, ref, listable, lock=True)
            if device.id in shipped:
                raise FleetError("duplicate", f"listed already as item {shipped[device.id]}")
            if from_school is not None and device.school_id != from_school.id:
                raise FleetError("conflict", f"the device is not at school {from_school.registration_number}")
            outcome = lifecycle.apply(session, device, action, {"school": school.registration_number}, actor)
            if outcome.already:
                raise FleetError("invalid_transition", f"already sent ({action})", {"allowed": []})
            shipped[device.id] = index
        except FleetError as e:
            errors.append({"index": index, "ref": ref if isinstance(ref, str) else None, "code": e.code,
                           "message": e.message})
    if errors:  # the caller's transaction rolls back every action applied above
        raise invalid(f"nothing was shipped: {len(errors)} of {len(refs)} device(s) cannot go", errors)
    session.execute(insert(shipment_items), [{"shipment_id": shipment.id, "device_id": d} for d in shipped])
    return shipment


def _school(session: Session, registration_number: Any, field: str) -> School:
    school = session.scalar(select(School).where(School.registration_number == registration_number)) \
        if isinstance(registration_number, str) else None
    if school is None:
        raise invalid(f"no school {registration_number!r}", [{"field": field, "message": "unknown school"}])
    return school


def get_shipment(session: Session, shipment_id: int, visible: Callable[[Shipment], bool] | None = None) -> Shipment:
    """The shipment; one that ``visible`` says the caller may not see is ``not_found``."""
    shipment = session.get(Shipment, shipment_id)
    if shipment is None or (visible is not None and not visible(shipment)):
        raise FleetError("not_found", f"shipment {shipment_id} not found", {"ref": shipment_id})
    return shipment


def list_shipments(
    session: Session, visible_schools: set[int] | None, limit: int, after: int | None = None,
) -> tuple[list[Shipment], int | None]:
    """The newest shipments first, ``limit`` of them older than shipment ``after``; with
    ``visible_schools`` only those to or from one of those schools. (shipments, the last id when
    there are more)"""
    stmt = paging.newest_first(select(Shipment), Shipment.id, limit, after)
    if visible_schools is not None:
        ids = sorted(visible_schools)
        stmt = stmt.where(Shipment.school_id.in_(ids) | Shipment.from_school_id.in_(ids))
    return paging.split(session.scalars(stmt).all(), limit)


def arrive(session: Session, shipment: Shipment, code: Any, actor: str, visible=None, nonce: str | None = None):
    """One scan at the receiving school; (outcome, unexpected). A station's retry of the same scan
    (its nonce seen already) is not kept a second time."""
    device = resolvers.resolve(session, code, visible, lock=True)
    on_it = session.scalar(select(shipment_items.c.device_id).where(
        shipment_items.c.shipment_id == shipment.id, shipment_items.c.device_id == device.id))
    outcome = lifecycle.apply(session, device, "arrive", {"school": shipment.school.registration_number}, actor,
                              nonce=nonce)
    if not is_retry(outcome, nonce):
        session.add(ArrivalScan(shipment_id=shipment.id, device_id=device.id, actor=actor))
    return outcome, on_it is None


def reconciliation(session: Session, shipment: Shipment) -> Reconciliation:
    expected = session.scalars(select(Device.serial).join(shipment_items, shipment_items.c.device_id == Device.id)
                               .where(shipment_items.c.shipment_id == shipment.id))
    scanned = session.scalars(select(Device.serial).join(ArrivalScan, ArrivalScan.device_id == Device.id)
                              .where(ArrivalScan.shipment_id == shipment.id).order_by(ArrivalScan.id))
    return reconcile(expected, scanned)
