"""``POST /scan``: whatever the scanner typed — URL, asset tag or serial — optionally with an action."""

from __future__ import annotations

from flask import g, jsonify

from fleet import db, policy
from fleet.api import body, bp, endpoint, render
from fleet.api.devices import perform, visible_device
from fleet.errors import invalid


@bp.post("/scan")
@endpoint("devices:read")
def scan():
    data = body()
    if not isinstance(data, dict):
        raise invalid("the request body must be a JSON object {code, action?, …}")
    s = db.session()
    code, action, nonce = data.pop("code", None), data.pop("action", None), data.pop("nonce", None)
    if action is None:
        if data:
            raise invalid("parameters given without an action", [{"field": k} for k in sorted(data)])
        device = visible_device(s, code)
        return jsonify({"device": render.device(device), "applied": False, "already": False, "event": None})
    if not isinstance(action, str):
        raise invalid("action must be a string", [{"field": "action"}])
    policy.require(g.principal, "devices:act")
    outcome = perform(s, visible_device(s, code, lock=True), action, data, nonce)
    return jsonify(render.outcome(outcome))
