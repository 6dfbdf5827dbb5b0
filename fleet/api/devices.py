"""Devices: register, read, list, history, and lifecycle actions (also reached through /scan)."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import db, devices, lifecycle, resolvers
from fleet.access import policy
from fleet.api import bp, render
from fleet.errors import FleetError, invalid
from fleet.http import body, checked_nonce, created, endpoint, json_or_none, record_access
from fleet.lending import agreements, loans
from fleet.models import Device, Event


def visible_device(session: Session, ref: str, lock: bool = False) -> Device:
    """The device ``ref`` names, if this principal may see it; otherwise ``not_found``."""
    principal = g.principal
    return resolvers.resolve(session, ref, lambda d: policy.can_see_device(principal, d), lock=lock)


def perform(session: Session, device: Device, action: str, params: dict[str, Any], nonce: Any) -> lifecycle.Outcome:
    """Apply a lifecycle action for the current principal and commit it."""
    nonce = checked_nonce(nonce)
    if action in lifecycle.ACTIONS and lifecycle.ACTIONS[action].owner is None:
        policy.require_action(g.principal, action)
    outcome = lifecycle.apply(session, device, action, params, g.principal.name, nonce=nonce)
    session.commit()
    return outcome


@bp.post("/devices")
@endpoint("devices:write")
def create_devices():
    rows, many = devices.create_devices(db.session(), body(), g.principal.name)
    db.session().commit()
    if many:
        return created({"items": [render.device(d) for d in rows], "count": len(rows)})
    return created(render.device(rows[0]))


@bp.get("/devices")
@endpoint("devices:read")
def list_devices():
    args = request.args
    rows, cursor = devices.list_devices(
        db.session(), policy.device_filter(g.principal),
        status=args.get("status"), school=args.get("school"),
        limit=devices.parse_limit(args.get("limit")), after=args.get("after"),
    )
    return jsonify(render.page([render.device(d) for d in rows], cursor))


@bp.get("/devices/<path:ref>/events")
@endpoint("devices:read")
def device_events(ref: str):
    s = db.session()
    device = visible_device(s, ref)
    rows = s.scalars(select(Event).where(Event.device_id == device.id).order_by(Event.seq))
    return jsonify(render.page([render.event(e) for e in rows], None))


@bp.get("/devices/<path:ref>")
@endpoint("devices:read")
def get_device(ref: str):
    """The device; when it is on loan and the caller works with its pupil's school's loans, the
    loan too (recorded in the access log: it names the pupil)."""
    s = db.session()
    device = visible_device(s, ref)
    payload = render.device(device)
    if device.status == "on_loan" and policy.allows(g.principal, "loans:write"):
        loan = loans.active_loan(s, device)
        if loan is not None and policy.sees_school(g.principal, loan.school_id):
            payload["loan"] = render.loan(loan, agreements.for_loan(s, loan))
            record_access("personal_data")
    return jsonify(payload)


@bp.post("/devices/<path:ref>/actions/<action>")
@endpoint("devices:act")
def device_action(ref: str, action: str):
    data = json_or_none() if request.content_length else {}
    if not isinstance(data, dict):
        raise invalid("the request body must be a JSON object of the action's parameters")
    s = db.session()
    nonce = data.pop("nonce", None)
    outcome = perform(s, visible_device(s, ref, lock=True), action, data, nonce)
    return jsonify(render.outcome(outcome))


MAX_BULK = 2_000


@bp.post("/bulk")
@endpoint("devices:act")
def bulk():
    """``{action, devices: [ref, …], params?}``: the action for each device on its own; one device's
    refusal never blocks the others, and no device is ever half-changed (a savepoint each)."""
    data = body()
    if not isinstance(data, dict) or set(data) - {"action", "devices", "params"}:
        raise invalid('the body must be {"action": …, "devices": [ … ], "params"?: { … }}')
    action, refs, params = data.get("action"), data.get("devices"), data.get("params", {})
    if not isinstance(action, str) or action not in lifecycle.ACTIONS or lifecycle.ACTIONS[action].owner:
        raise invalid("action must be a lifecycle action that may be applied directly", [{"field": "action"}])
    if not isinstance(refs, list) or not 1 <= len(refs) <= MAX_BULK:
        raise invalid(f"devices must be a list of 1-{MAX_BULK} serials, asset tags or URLs", [{"field": "devices"}])
    if not isinstance(params, dict):
        raise invalid("params must be an object", [{"field": "params"}])
    policy.require_action(g.principal, action)
    s = db.session()
    items = []
    for index, ref in enumerate(refs):
        savepoint = s.begin_nested()
        try:
            outcome = lifecycle.apply(s, visible_device(s, ref, lock=True), action, dict(params), g.principal.name)
            savepoint.commit()
            items.append({"index": index, "ref": ref, "result": "already" if outcome.already else "applied",
                          "device": render.device(outcome.device)})
        except FleetError as e:
            savepoint.rollback()
            items.append({"index": index, "ref": ref, "result": "error", "code": e.code, "message": e.message})
    s.commit()
    counts = {k: sum(1 for i in items if i["result"] == k) for k in ("applied", "already", "error")}
    return jsonify({"items": items, "counts": counts})
