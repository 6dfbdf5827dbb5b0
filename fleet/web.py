"""Pages outside the API: the health check, the finder's page a label's QR code opens, and
signing in and out (``fleet.access.staff_login`` decides; the session is ``fleet.access.sessions``'; every form
carries a CSRF token, ``fleet.access.csrf``)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import func, select, text

from fleet import db
from fleet.access import access_log, csrf, policy, sessions, staff_login
from fleet.asset_tags import parse_tag
from fleet.errors import FleetError
from fleet.models import Device, School

bp = Blueprint("web", __name__)

SIGNIN_MESSAGES_LV = {
    "invalid_input": "Ievadiet lietotājvārdu un paroli.",
    "unauthorized": "Nepareizs lietotājvārds vai parole.",
    "throttled": "Pārāk daudz neveiksmīgu mēģinājumu; mēģiniet vēlāk.",
    "unavailable": "Direktorijs pašlaik nav sasniedzams; mēģiniet vēlāk (vietējie konti darbojas).",
    "forbidden": "Šim kontam nav piekļuves Fleet; vērsieties pie administratora.",
}


def _config():
    return current_app.config["FLEET"]


@bp.get("/login")
def login_form():
    return render_template("login.html")


@bp.post("/login")
def login():
    s = db.session()
    username = request.form.get("username")
    try:
        user = staff_login.sign_in(s, _config(), username, request.form.get("password"), request.remote_addr)
    except FleetError as e:
        s.rollback()
        page = render_template("login.html", error=e, message_lv=SIGNIN_MESSAGES_LV.get(e.code, ""),
                               username=username if isinstance(username, str) else "")
        headers = {"Retry-After": str(e.details["retry_after"])} if e.code == "throttled" else {}
        return page, e.status, headers
    sessions.end(s, session.get("sid"))  # signing in again in the same browser ends its earlier session
    plain = sessions.start(s, user, _config())
    s.commit()
    session.clear()  # a new session: nothing carried over from before the sign-in (fixation)
    session.permanent = True
    session["sid"] = plain
    csrf.rotate()
    return redirect(url_for("web.home"), 303)


@bp.post("/logout")
def logout():
    s = db.session()
    plain = session.get("sid")
    try:
        principal = sessions.principal(s, plain, _config())
    except FleetError:
        principal = None
    if principal is not None and sessions.end(s, plain):
        access_log.record(s, "signout", principal.name, address=request.remote_addr, via="session", what="POST /logout")
    s.commit()
    session.clear()
    return redirect(url_for("web.login_form"), 303)


@bp.get("/")
def home():
    """Who is signed in, and the laptops they may see, counted by status."""
    s = db.session()
    try:
        principal = sessions.principal(s, session.get("sid"), _config())
    except FleetError:
        return redirect(url_for("web.login_form"), 303)
    counts = s.execute(select(Device.status, func.count()).where(policy.device_filter(principal))
                       .group_by(Device.status).order_by(Device.status)).all()
    schools = s.scalars(select(School).where(School.id.in_(sorted(principal.school_ids)))
                        .order_by(School.registration_number)).all()
    return render_template("home.html", principal=principal, counts=counts, schools=schools)


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
