"""Shipments: devices sent to one school, and their arrival scanned at the school.

A shipment leaves the warehouse (labelled devices, each gets ``ship``) or another school (a
transfer: that school's ``at_school`` devices, each gets ``transfer``); the sender's side picks
the action, everything else is one path. Creating a shipment applies the action to every listed
device, all or nothing. At the receiving school each scan applies ``arrive`` and is kept, so the
reconciliation, seen by both sides, shows what never came (missing), what came without being on
the shipment (unexpected) and what was scanned twice. Who may send from where, receive where and
see which shipment is the caller's ``Scope``; a shipment outside it is ``not_found``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fleet import lifecycle, paging, resolvers
from fleet.access.policy import Scope
from fleet.errors import FleetError, invalid
from fleet.i18n import _l, api_locale
from fleet.models import ArrivalScan, Device, School, Shipment, shipment_items
from provisioning.reconciliation import Reconciliation, is_retry, reconcile

MAX_DEVICES = 5_000


def sending_action(from_school: School | None) -> str:
    """``ship`` from the warehouse, ``transfer`` from a school."""
    return "ship" if from_school is None else "transfer"


def create_shipment(
    session: Session, scope: Scope, school_reg: Any, refs: Any, from_school_reg: Any = None,
) -> Shipment:
    """Send ``refs`` to the school ``school_reg``, from the warehouse or from ``from_school_reg``: the
    scope must be allowed to send from there, and devices it does not see answer ``not_found``."""
    actor = scope.actor
    if not isinstance(refs, list) or not refs or len(refs) > MAX_DEVICES:
        raise invalid(_l("devices must be a list of 1-%(max)s serials or asset tags", max=MAX_DEVICES),
                      [{"field": "devices"}])
    school = _school(session, school_reg, "school")
    from_school = _school(session, from_school_reg, "from_school") if from_school_reg is not None else None
    if from_school is not None and from_school.id == school.id:
        raise invalid(_l("a shipment cannot go to the school it comes from"),
                      [{"field": "school", "message": "is the same as from_school"}])
    action = sending_action(from_school)
    if not scope.may_send(action, from_school.id if from_school else None):
        where = _l("school %(school)s", school=from_school.registration_number) if from_school else _l("the warehouse")
        raise FleetError("forbidden",
                         _l("you may not send devices from %(where)s (%(action)s)", where=where, action=action),
                         {"from_school": from_school.registration_number if from_school else None, "action": action})
    shipment = Shipment(school=school, from_school=from_school, created_by=actor)
    session.add(shipment)
    session.flush()
    errors, shipped = [], {}
    for index, ref in enumerate(refs):
        try:
            device = resolvers.resolve(session, ref, lock=True)
            if device.id not in shipped and not scope.sees_device(device):  # listed twice: seen before it was sent
                raise resolvers.not_found(ref)
            if device.id in shipped:
                raise FleetError("duplicate", _l("listed already as item %(item)s", item=shipped[device.id]))
            if from_school is not None and device.school_id != from_school.id:
                raise FleetError("conflict", _l("the device is not at school %(school)s",
                                                school=from_school.registration_number))
            outcome = lifecycle.apply(session, device, action, {"school": school.registration_number}, actor)
            if outcome.already:
                raise FleetError("invalid_transition", _l("already sent (%(action)s)", action=action), {"allowed": []})
            shipped[device.id] = index
        except FleetError as e:
            errors.append({"index": index, "ref": ref if isinstance(ref, str) else None, "code": e.code,
                           "message": e.localized(api_locale())})
    if errors:  # the caller's transaction rolls back every action applied above
        raise invalid(_l("nothing was shipped: %(bad)s of %(all)s device(s) cannot go", bad=len(errors),
                         all=len(refs)), errors)
    session.execute(insert(shipment_items), [{"shipment_id": shipment.id, "device_id": d} for d in shipped])
    return shipment


def ship_scan(session: Session, scope: Scope, school_reg: Any, code: Any, shipment_id: int | None = None,
              nonce: str | None = None) -> tuple[Shipment | None, lifecycle.Outcome]:
    """The packing station: one scanned device is shipped to ``school_reg`` and put on the station's
    open shipment ``shipment_id`` (None: a new one, started by this scan); (shipment, outcome).

    A double scan, or a station's retry (its nonce seen), is ``already`` and answered with the
    shipment the device went on (None if it was shipped without one). A shipment that has begun to
    arrive, or goes elsewhere, takes no more devices (``conflict``: start a new one)."""
    if not scope.may_send("ship", None):
        raise FleetError("forbidden", _l("you may not send devices from %(where)s (%(action)s)",
                                         where=_l("the warehouse"), action="ship"), {"action": "ship"})
    school = _school(session, school_reg, "school")
    shipment = get_shipment(session, shipment_id, scope) if shipment_id is not None else None
    if shipment is not None and (shipment.school_id != school.id or shipment.from_school_id is not None):
        raise FleetError("conflict", _l("shipment %(shipment)s does not go from the warehouse to school %(school)s",
                                        shipment=shipment.id, school=school.registration_number),
                         {"shipment": shipment.id})
    if shipment is not None and session.scalar(select(ArrivalScan.id).where(ArrivalScan.shipment_id == shipment.id)
                                               .limit(1)) is not None:
        raise FleetError("conflict", _l("shipment %(shipment)s is arriving already: start a new one",
                                        shipment=shipment.id), {"shipment": shipment.id})
    device = resolvers.resolve(session, code, scope, lock=True)
    outcome = lifecycle.apply(session, device, "ship", {"school": school.registration_number}, scope.actor,
                              nonce=nonce)
    if outcome.already:
        held = session.scalar(select(Shipment).join(shipment_items, shipment_items.c.shipment_id == Shipment.id)
                              .where(shipment_items.c.device_id == device.id).order_by(Shipment.id.desc()).limit(1))
        return held, outcome
    if shipment is None:
        shipment = Shipment(school=school, created_by=scope.actor)
        session.add(shipment)
        session.flush()
    session.execute(insert(shipment_items), [{"shipment_id": shipment.id, "device_id": device.id}])
    return shipment, outcome


def _school(session: Session, registration_number: Any, field: str) -> School:
    school = session.scalar(select(School).where(School.registration_number == registration_number)) \
        if isinstance(registration_number, str) else None
    if school is None:
        raise invalid(_l("no school %(school)s", school=repr(registration_number)),
                      [{"field": field, "message": "unknown school"}])
    return school


def get_shipment(session: Session, shipment_id: int, scope: Scope) -> Shipment:
    """The shipment; one outside the scope (neither side is the caller's school) is ``not_found``."""
    shipment = session.get(Shipment, shipment_id)
    if shipment is None or not scope.sees_shipment(shipment):
        raise FleetError("not_found", _l("shipment %(shipment)s not found", shipment=shipment_id), {"ref": shipment_id})
    return shipment


def list_shipments(
    session: Session, scope: Scope, limit: int, after: int | None = None,
) -> tuple[list[Shipment], int | None]:
    """The newest shipments first, ``limit`` of them older than shipment ``after``; for a scope tied
    to schools only those to or from one of them. (shipments, the last id when there are more)"""
    visible_schools = scope.visible_schools()
    stmt = paging.newest_first(select(Shipment), Shipment.id, limit, after)
    if visible_schools is not None:
        ids = sorted(visible_schools)
        stmt = stmt.where(Shipment.school_id.in_(ids) | Shipment.from_school_id.in_(ids))
    return paging.split(session.scalars(stmt).all(), limit)


def arrive(session: Session, scope: Scope, shipment: Shipment, code: Any, nonce: str | None = None):
    """One scan at the receiving school (never by the sender); (outcome, unexpected). A station's
    retry of the same scan (its nonce seen already) is not kept a second time."""
    if not scope.may_receive(shipment.school_id):
        raise FleetError("forbidden", _l("arrivals are scanned at the receiving school"), {"shipment": shipment.id})
    actor = scope.actor
    device = resolvers.resolve(session, code, scope, lock=True)
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
