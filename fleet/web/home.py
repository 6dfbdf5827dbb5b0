"""The home page (who is signed in, the laptops they may see by status) and the health check."""

from __future__ import annotations

from flask import current_app, g, jsonify, render_template
from sqlalchemy import text

from fleet import db, home
from fleet.web.blueprint import bp
from fleet.web.pages import page


@bp.get("/", endpoint="home")
@page()
def home_page():
    return render_template("home/home.html", overview=home.overview(db.session(), g.principal))


@bp.get("/healthz")
def healthz():
    try:
        db.session().execute(text("SELECT 1"))
    except Exception as e:  # noqa: BLE001  (any failure to reach the database is "not healthy")
        current_app.logger.warning("health check failed: %s", type(e).__name__)
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
