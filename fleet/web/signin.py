"""Signing in and out: the form, the post that starts a session, and signing out."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for

from fleet import db
from fleet.access import access_log, csrf, sessions, staff_login
from fleet.errors import FleetError
from fleet.i18n import _
from fleet.web.blueprint import bp, config
from fleet.web.language import safe_next


def _refusal(e: FleetError) -> str:
    """Why the sign-in was refused, in the page's language (the code stays on the page as data-code; the
    refusal's own message follows it as the detail)."""
    messages = {
        "invalid_input": _("Enter your username and password."),
        "unauthorized": _("Wrong username or password."),
        "throttled": _("Too many failed attempts; try again later."),
        "unavailable": _("The directory cannot be reached just now; try again later (local accounts work)."),
        "forbidden": _("This account has no access to Fleet; ask an administrator."),
    }
    return messages.get(e.code, "")


@bp.get("/login")
def login_form():
    return render_template("signin/login.html", next=safe_next(request.args.get("next")))


@bp.post("/login")
def login():
    db_session = db.session()
    username = request.form.get("username")
    try:
        user = staff_login.sign_in(db_session, config(), username, request.form.get("password"), request.remote_addr)
    except FleetError as e:
        db_session.rollback()
        detail = e.localized() if e.code in ("forbidden", "invalid_input") else ""  # (the others say no more)
        page = render_template("signin/login.html", error=e, message=_refusal(e), detail=detail,
                               username=username if isinstance(username, str) else "",
                               next=safe_next(request.form.get("next")))
        headers = {"Retry-After": str(e.details["retry_after"])} if e.code == "throttled" else {}
        return page, e.status, headers
    sessions.end(db_session, session.get("sid"))  # signing in again in the same browser ends its earlier session
    plain = sessions.start(db_session, user, config())
    db_session.commit()
    session.clear()  # a new session: nothing carried over from before the sign-in (fixation)
    session.permanent = True
    session["sid"] = plain
    csrf.rotate()
    return redirect(safe_next(request.form.get("next")), 303)  # back to the page that sent here, else home


@bp.post("/logout")
def logout():
    db_session = db.session()
    plain = session.get("sid")
    try:
        principal = sessions.principal(db_session, plain, config())
    except FleetError:
        principal = None
    if principal is not None and sessions.end(db_session, plain):
        access_log.record(db_session, "signout", principal.name, address=request.remote_addr, via="session",
                          what="POST /logout")
    db_session.commit()
    session.clear()
    return redirect(url_for("web.login_form"), 303)
