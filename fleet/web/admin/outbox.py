"""``/admin/outbox``: the e-mails ``fleet worker`` sends — waiting, being sent, sent or given up — with
their attempts and last error (the error's type, never the content; the recipient is not shown). The domain
has no "send again" for a message it gave up on, so there is no retry button."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import render_template, request

from fleet import db, outbox
from fleet.errors import FleetError
from fleet.i18n import _l
from fleet.web.admin.forms import bad_fields, readable
from fleet.web.blueprint import bp
from fleet.web.pages import page

STATES = {"queued": _l("waiting"), "sending": _l("being sent"), "sent": _l("sent"), "dead": _l("given up")}
KINDS = {"sign_link": _l("signing link"), "signed_copy": _l("signed copy")}


@bp.get("/admin/outbox", endpoint="admin_outbox")
@page("outbox:read")
def outbox_page():
    state = (request.args.get("state") or "").strip()
    rows, next_cursor, refusal = [], None, None
    try:
        rows, next_cursor = outbox.listing(db.session(), state or None, request.args.get("after") or None)
    except FleetError as e:
        refusal = readable(e)
    next_url = "?" + urlencode({k: v for k, v in {"state": state, "after": next_cursor}.items() if v}) \
        if next_cursor else None
    body = render_template("admin/outbox.html", rows=rows, state=state, states=[(k, str(v)) for k, v in STATES.items()],
                           names=STATES, kinds=KINDS, next_url=next_url, refusal=refusal,
                           bad=bad_fields(refusal) if refusal else set(), max_attempts=outbox.MAX_ATTEMPTS)
    return body, refusal.status if refusal else 200
