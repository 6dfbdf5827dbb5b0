"""Pages outside the API: the health check, and the finder's page a label's QR code opens."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import select, text

from fleet import db
from fleet.asset_tags import parse_tag
from fleet.errors import FleetError
from fleet.models import Device

bp = Blueprint("web", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session().execute(text("SELECT 1"))
    except Exception as e:  # any failure to reach the database is "not healthy"
        current_app.logger.warning("health check failed: %s", type(e).__name__)
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@bp.get("/d/<tag>")
@bp.get("/D/<tag>")
def device_page(tag: str):
    """What a finder needs, without login: whose laptop it is and how to return it. No pupil data."""
    try:
        device = db.session().scalar(select(Device).where(Device.asset_tag == parse_tag(tag)))
    except FleetError:
        device = None
    if device is None:
        return render_template("device_unknown.html", tag=tag), 404
    return render_template("device_public.html", device=device)
