"""``/admin/access-log`` (admins and auditors): who signed in or failed to, used pupils' data, exported,
changed whose account — newest first, a page at a time, filtered by user, event and days. It shows what the
log holds (the route, a reason, a token's id, the account changed), never the data that was looked at."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import render_template, request

from fleet import db
from fleet.access import access_log
from fleet.errors import FleetError, invalid
from fleet.http import caching
from fleet.i18n import _l
from fleet.models import ACCESS_EVENTS
from fleet.web.admin.forms import bad_fields, readable
from fleet.web.blueprint import bp
from fleet.web.pages import page

EVENTS = {
    "signin": _l("signed in"),
    "signin_failed": _l("sign-in failed"),
    "signin_refused": _l("sign-in refused"),
    "signout": _l("signed out"),
    "personal_data": _l("used pupils' data"),
    "export": _l("exported"),
    "throttle_cleared": _l("sign-in throttle cleared"),
    "user_added": _l("added a user"),
    "user_changed": _l("changed a user's role"),
    "password_set": _l("set a user's password"),
    "sessions_ended": _l("ended a user's sessions"),
    "token_created": _l("created an API token"),
    "token_revoked": _l("revoked an API token"),
}
VIA = {"form": _l("sign-in form"), "session": _l("browser session"), "token": _l("API token"),
       "cli": _l("command line")}
PAGE = "100"


def _day(name: str) -> date | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(_l("a date is written YYYY-MM-DD"), {"field": name}) from None


@bp.get("/admin/access-log", endpoint="admin_access_log")
@page("access_log:read")
def access_log_page():
    caching.personal_data()  # who looked at which pupil's records: no cache keeps it
    args = request.args
    filters = {k: (args.get(k) or "").strip() for k in ("actor", "event", "since", "until")}
    rows, next_cursor, refusal = [], None, None
    try:
        rows, next_cursor = access_log.listing(db.session(), event=filters["event"] or None,
                                               actor=filters["actor"] or None, after=args.get("after") or None,
                                               limit=PAGE, since=_day("since"), until=_day("until"))
    except FleetError as e:
        refusal = readable(e)
    events = [(code, str(EVENTS.get(code, code))) for code in ACCESS_EVENTS]
    next_url = None
    if next_cursor:
        next_url = "?" + urlencode({k: v for k, v in {**filters, "after": next_cursor}.items() if v})
    page_ = render_template("admin/access_log.html", rows=rows, events=events, names=EVENTS, via=VIA, filters=filters,
                            next_url=next_url, refusal=refusal, bad=bad_fields(refusal) if refusal else set())
    return page_, refusal.status if refusal else 200
