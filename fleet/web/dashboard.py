"""(being built) ``/dashboard``: the programme's managers' dashboard."""

from __future__ import annotations

from flask import render_template

from fleet.web.blueprint import bp
from fleet.web.pages import page


@bp.get("/dashboard", endpoint="dashboard")
@page("reports:read")
def dashboard():
    return render_template("dashboard/dashboard.html")
