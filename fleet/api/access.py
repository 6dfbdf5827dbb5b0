"""The access log, for admins and auditors: who signed in, used personal data or exported, when."""

from __future__ import annotations

from flask import jsonify, request

from fleet import db
from fleet.access import access_log
from fleet.api import bp, render
from fleet.http import endpoint


@bp.get("/access-log")
@endpoint("access_log:read")
def list_access_log():
    args = request.args
    rows, cursor = access_log.listing(db.session(), event=args.get("event"), actor=args.get("actor"),
                                      after=args.get("after"), limit=args.get("limit"))
    return jsonify(render.page([access_log.as_json(e) for e in rows], cursor))
