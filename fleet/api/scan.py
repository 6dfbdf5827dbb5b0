"""``POST /scan``: whatever the scanner typed — URL, asset tag or serial — optionally with an action."""

from __future__ import annotations

from flask import g, jsonify, request

from fleet import db, devices, labelling, refused_scans
from fleet.access import policy
from fleet.api import bp, render
from fleet.api.devices import perform, visible_device
from fleet.errors import invalid
from fleet.http import SCAN_BODY, body, endpoint


@bp.post("/scan")
@endpoint("devices:read", scan=SCAN_BODY)
def scan():
    data = body()
    if not isinstance(data, dict):
        raise invalid("the request body must be a JSON object {code, action?, …}")
    s = db.session()
    # The body itself is left as it came: a refusal keeps its code and action (``endpoint(scan=…)``).
    code, action, nonce = data.get("code"), data.get("action"), data.get("nonce")
    data = {k: v for k, v in data.items() if k not in ("code", "action", "nonce")}
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


@bp.get("/scans/refused")
@endpoint("devices:read")
def list_refused_scans():
    """``?delivery=|shipment=|stocktake=&limit=&after=``: the refused scans the caller may see,
    newest first — at one place (where the caller scans: ``policy.scans_at``), or all of them:
    those at its places and its own at ``/scan``."""
    s = db.session()
    args = request.args
    given = [kind for kind in ("delivery", "shipment", "stocktake") if args.get(kind) is not None]
    if len(given) > 1:
        raise invalid("give at most one of delivery, shipment, stocktake", [{"field": k} for k in given])
    place = {}
    if given:
        raw = args[given[0]]
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= devices.MAX_ID:
            raise invalid(f"{given[0]} must be an id", [{"field": given[0]}])
        place = refused_scans.place_of(s, g.principal, given[0], int(raw))
    after = args.get("after")
    rows, last = refused_scans.listing(s, g.principal, place, devices.parse_limit(args.get("limit")),
                                       devices.decode_cursor(after) if after is not None else None)
    return jsonify(render.page([render.refused_scan(r, d) for r, d in rows],
                               devices.encode_cursor(last) if last else None))
