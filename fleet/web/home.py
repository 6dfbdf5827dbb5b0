"""The home page (who is signed in, the laptops they may see by status) and the health check."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, session, url_for
from sqlalchemy import text

from fleet import db, home
from fleet.access import sessions
from fleet.errors import FleetError
from fleet.web.blueprint import bp, config


@bp.get("/", endpoint="home")
def home_page():
    db_session = db.session()
    try:
        principal = sessions.principal(db_session, session.get("sid"), config())
    except FleetError:
        return redirect(url_for("web.login_form"), 303)
    return render_template("home/home.html", principal=principal, overview=home.overview(db_session, principal))


@bp.get("/healthz")
def healthz():
    try:
        db.session().execute(text("SELECT 1"))
    except Exception as e:  # noqa: BLE001  (any failure to reach the database is "not healthy")
        current_app.logger.warning("health check failed: %s", type(e).__name__)
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
