"""``POST /scan``: whatever the scanner typed — URL, asset tag or serial — optionally with an action."""

from __future__ import annotations

from flask import g, jsonify

from fleet import db, labelling, policy
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
    if action == "bind":  # a pre-printed label's first scan, with the device's serial
        policy.require(g.principal, "labels:preprint")
        outcome = labelling.bind(s, code, data.pop("serial", None), g.principal.name,
                                 lambda d: policy.can_see_device(g.principal, d))
        s.commit()
        return jsonify(render.outcome(outcome))
    policy.require(g.principal, "devices:act")
    if action == "label":
        policy.require_action(g.principal, "label")
        labelling.confirm_label(s, code)
    outcome = perform(s, visible_device(s, code, lock=True), action, data, nonce)
    return jsonify(render.outcome(outcome))
