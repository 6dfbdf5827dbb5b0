"""Who is calling: a bearer token, or else a browser session; and the record of who used what."""

from __future__ import annotations

from flask import current_app, g, request, session

from fleet import db
from fleet.access import access_log, csrf, policy, sessions
from fleet.access.auth import authenticate_bearer
from fleet.access.policy import Principal
from fleet.http.caching import personal_data


def authenticate() -> Principal:
    """The caller: an ``Authorization`` header's token, or else the browser's session (whose
    writes need the ``X-CSRF-Token`` header)."""
    header = request.headers.get("Authorization")
    sid = session.get("sid") if header is None else None
    if sid is None:
        g.auth_via = "token"
        return authenticate_bearer(db.session(), header)
    principal = sessions.principal(db.session(), sid, current_app.config["FLEET"])
    g.auth_via = "session"
    csrf.require_header()
    return principal


def require_document(document: str) -> None:
    """``forbidden`` unless the caller may read this kind of loan document (``policy.DOCUMENTS``);
    once allowed, the read is recorded as a use of personal data (``endpoint(documents=True)``)."""
    policy.require_document(g.principal, document)
    record_access("personal_data")


def record_access(event: str) -> None:
    """Record who uses personal data or exports, committed before the answer is made (a handler
    may also call it, e.g. for an export chosen by a query parameter). An answer whose use of
    personal data is recorded is also kept by no cache (``fleet.http.personal_data``)."""
    if event == "personal_data":
        personal_data()
    db_session = db.session()
    db_session.commit()  # the authentication's reads end here: the record goes in a transaction of its own
    access_log.record(db_session, event, g.principal.name, address=request.remote_addr, via=g.auth_via,
                      what=f"{request.method} {request.path}")
    db_session.commit()


def record_account_change(event: str, user: str, **details) -> None:
    """Record the signed-in administrator's change to ``user``'s account (``access_log.account_changed``),
    in the change's own transaction: committed with it, rolled back with a refusal."""
    access_log.account_changed(db.session(), event, g.principal.name, user, address=request.remote_addr,
                               via=g.auth_via, what=f"{request.method} {request.path}", **details)
