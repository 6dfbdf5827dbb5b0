"""Stocktakes (inventarizācija): count what a school or the warehouse holds.

The expected set is taken when the count starts: every device that should be there (a school:
``at_school`` and ``on_loan``; the warehouse: ``in_warehouse``, ``imaged``, ``labelled``). Each
scan records an ``audited`` fact in the device's history (the status stays). The result lists
what was found, what is missing (with its last event), and what turned up unexpected (with
where the system thinks it is). Where the caller may count is its ``Scope``'s ``may_count``; a
stocktake elsewhere is ``not_found``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import lifecycle, resolvers
from fleet.access.policy import Scope
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.models import Device, Event, School, Stocktake, StocktakeScan
from provisioning.reconciliation import ensure_open, freeze, is_retry, reconcile

HELD = {"school": ("at_school", "on_loan"), "warehouse": ("in_warehouse", "imaged", "labelled")}


def start(session: Session, scope: Scope, school_reg: Any) -> Stocktake:
    school = None
    if school_reg is not None:
        school = session.scalar(select(School).where(School.registration_number == school_reg)) \
            if isinstance(school_reg, str) else None
        if school is None:
            raise invalid(_l("no school %(school)s", school=repr(school_reg)),
                          [{"field": "school", "message": "unknown school"}])
    if not scope.may_count(school.id if school else None):
        raise FleetError("forbidden", _l("you may not count there"), {"school": school_reg})
    where = Device.school_id == school.id if school else Device.school_id.is_(None)
    statuses = HELD["school" if school else "warehouse"]
    expected = sorted(session.scalars(select(Device.serial).where(where, Device.status.in_(statuses))))
    stocktake = Stocktake(school=school, created_by=scope.actor, expected=expected)
    session.add(stocktake)
    session.flush()
    return stocktake


def get(session: Session, stocktake_id: int, scope: Scope) -> Stocktake:
    stocktake = session.get(Stocktake, stocktake_id)
    if stocktake is None or not scope.may_count(stocktake.school_id):
        raise FleetError("not_found", _l("stocktake %(stocktake)s not found", stocktake=stocktake_id),
                         {"ref": stocktake_id})
    return stocktake


def scan(session: Session, scope: Scope, stocktake: Stocktake, code: Any,
         nonce: str | None = None) -> lifecycle.Outcome:
    """One device counted. A station's retry of the same scan (its nonce seen already) is not kept twice."""
    ensure_open(stocktake, "stocktake")
    device = resolvers.resolve(session, code, scope, lock=True)
    outcome = lifecycle.apply(session, device, "audited", {"stocktake": stocktake.id}, scope.actor, via="stocktakes",
                              nonce=nonce)
    if not is_retry(outcome, nonce):
        session.add(StocktakeScan(stocktake_id=stocktake.id, device_id=device.id, actor=scope.actor))
    return outcome


def _utc_z(at: str) -> str:
    """A stored event time as every answer gives it: UTC with ``Z`` (a frozen summary may hold ``+00:00``,
    SQLite's times have no offset)."""
    return at if at.endswith("Z") else at.removesuffix("+00:00") + "Z"


def result(session: Session, stocktake: Stocktake) -> dict:
    if stocktake.summary is not None:
        summary = stocktake.summary
        missing = [{**m, "last_event": {**m["last_event"], "at": _utc_z(m["last_event"]["at"])}}
                   for m in summary.get("missing", [])]
        return {**summary, "missing": missing}
    scanned = list(session.scalars(select(Device.serial).join(StocktakeScan, StocktakeScan.device_id == Device.id)
                                   .where(StocktakeScan.stocktake_id == stocktake.id).order_by(StocktakeScan.id)))
    r = reconcile(stocktake.expected, scanned)
    listed = session.scalars(select(Device).where(Device.serial.in_([*r.missing, *r.unexpected])))
    devices = {d.serial: d for d in listed}
    missing = []
    for serial in r.missing:
        d = devices[serial]
        last = session.scalar(select(Event).where(Event.device_id == d.id, Event.to_status.is_not(None))
                              .order_by(Event.seq.desc()).limit(1))
        missing.append({"serial": serial, "asset_tag": d.asset_tag, "status": d.status,
                        "last_event": {"action": last.action, "at": _utc_z(last.at.isoformat()), "actor": last.actor}})
    unexpected = [{"serial": s, "asset_tag": devices[s].asset_tag, "status": devices[s].status,
                   "school": devices[s].school_registration}
                  for s in r.unexpected]
    return {"counts": r.counts(), "found": list(r.found), "missing": missing, "unexpected": unexpected,
            "repeated": r.repeated}


def close(session: Session, scope: Scope, stocktake: Stocktake) -> Stocktake:
    return freeze(stocktake, "stocktake", result(session, stocktake), scope.actor)
