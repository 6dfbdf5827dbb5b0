"""Devices: register, read, list, history, and lifecycle actions, one device or many (also reached
through /scan)."""

from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import db, devices, paging, resolvers, scanning
from fleet.api import bp, render
from fleet.api.schemas import Page, PageQuery
from fleet.api.schemas import devices as schemas
from fleet.http import ERROR, Raw, created, endpoint, json_or_none, record_access
from fleet.lending import agreements, loans
from fleet.models import Device, Event

ACTED = {200: schemas.Outcome, 404: ERROR, 409: ERROR}


def visible_device(session: Session, ref: str, lock: bool = False) -> Device:
    """The device ``ref`` names, if this principal may see it; otherwise ``not_found``."""
    return resolvers.resolve(session, ref, g.principal.scope, lock=lock)


# Checked by fleet.devices, whose refusals name each bad item's index and field.
_REGISTRATION = Raw({"application/json": schemas.DeviceIn | schemas.DeviceBatchIn},
                    "one device, or {devices: [...]} (all registered, or none; each refusal names its index)")


@bp.post("/devices")
@endpoint("devices:write", body=_REGISTRATION,
          answers={201: schemas.Device | schemas.DeviceList, 409: ERROR, 413: ERROR})
def create_devices():
    """Register expected devices by serial: one, or a batch of up to 10,000 (all or none)."""
    rows, many = devices.create_devices(db.session(), json_or_none(), g.principal.name)
    db.session().commit()
    if many:
        return created({"items": [render.device(d) for d in rows], "count": len(rows)})
    return created(render.device(rows[0]))


@bp.get("/devices")
@endpoint("devices:read", query=schemas.DeviceQuery, answers={200: Page[schemas.Device]})
def list_devices(query: schemas.DeviceQuery):
    """The devices the caller sees, in registration order, a page at a time."""
    rows, last = devices.list_devices(db.session(), g.principal.scope.device_filter(), status=query.status,
                                      school=query.school, limit=query.limit, after=query.after)
    return render.paged([render.device(d) for d in rows], last)


@bp.get("/devices/<path:ref>/events")
@endpoint("devices:read", query=PageQuery, answers={200: Page[schemas.Event], 404: ERROR})
def device_events(ref: str, query: PageQuery):
    """A device's history, oldest first, a page at a time: every event, hash-chained."""
    session = db.session()
    device = visible_device(session, ref)
    stmt = paging.in_order(select(Event).where(Event.device_id == device.id), Event.seq, Event.id, query.limit,
                           query.after)
    rows, last = paging.split(session.scalars(stmt).all(), query.limit)
    return render.paged([render.event(e) for e in rows], last)


@bp.get("/devices/<path:ref>")
@endpoint("devices:read", answers={200: schemas.Device, 404: ERROR})
def get_device(ref: str):
    """The device (``ref``: serial, asset tag or URL); when it is on loan and the caller works with its
    pupil's school's loans, the loan too (recorded in the access log: it names the pupil)."""
    session = db.session()
    scope = g.principal.scope
    device = visible_device(session, ref)
    payload = render.device(device)
    if device.status == "on_loan" and scope.allows("loans:write"):
        loan = loans.active_loan(session, device)
        if loan is not None and scope.sees_school(loan.school_id):
            payload["loan"] = render.loan(loan, agreements.for_loan(session, loan))
            record_access("personal_data")
    return jsonify(payload)


@bp.post("/devices/<path:ref>/actions/<action>")
@endpoint("devices:act", body=schemas.ActionParams, answers=ACTED, path={"action": schemas.DIRECT_ACTIONS})
def device_action(ref: str, action: str, body: schemas.ActionParams):
    """Apply a lifecycle action with its parameters; ``nonce`` makes a station's retry harmless."""
    session = db.session()
    params = body.model_dump(exclude={"nonce"}, exclude_unset=True)
    done = scanning.act(session, g.principal.scope, ref, action, params, body.nonce)
    session.commit()
    return render.outcome(done.outcome)


@bp.post("/bulk")
@endpoint("devices:act", body=schemas.BulkIn, answers={200: schemas.BulkAnswer, 403: ERROR})
def bulk(body: schemas.BulkIn):
    """``{action, devices: [ref, …], params?}``: the action for each device on its own; one device's
    refusal never blocks the others, and no device is ever half-changed."""
    session = db.session()
    results = devices.apply_to_each(session, g.principal.scope, body.action, body.devices, body.params)
    session.commit()
    return render.bulk(results)

