"""The outbox, for admins: which e-mails wait, went, or were given up (``?state=dead``), and why;
never their recipients or content."""

from __future__ import annotations

from flask import jsonify, request

from fleet import db, outbox
from fleet.api import bp, render
from fleet.http import endpoint


@bp.get("/outbox")
@endpoint("outbox:read")
def list_outbox():
    args = request.args
    rows, cursor = outbox.listing(db.session(), state=args.get("state"), after=args.get("after"),
                                  limit=args.get("limit"))
    return jsonify(render.page([outbox.as_json(r) for r in rows], cursor))
