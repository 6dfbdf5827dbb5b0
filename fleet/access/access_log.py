"""The access log: who signed in (or failed to), who used pupils' personal data, who exported, which
administrator changed whose account (``account_changed``) — when, from where, through what. Never the
data itself: ``what`` is the method and path (ids, no query string) or the command, ``details`` a reason,
the token's id, or the account changed (never a password or a token).

Rows are written in the caller's transaction and committed with it; what must be recorded even
when the request then fails (a failed sign-in) is committed before the error is raised. The
sign-in throttle (``fleet.access.throttle``) counts the ``signin_failed`` rows. ``fleet privacy purge``
deletes the entries older than the retention (``purge``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fleet import paging
from fleet.errors import invalid
from fleet.models import ACCESS_EVENTS, ACCOUNT_EVENTS, AccessLogEntry, months_before, utcnow

MAX_LIMIT = 500


def record(session: Session, event: str, actor: str, *, address: str | None = None, via: str | None = None,
           what: str | None = None, details: dict[str, Any] | None = None) -> AccessLogEntry:
    if event not in ACCESS_EVENTS:
        raise ValueError(f"unknown access-log event {event!r}")
    entry = AccessLogEntry(at=utcnow(), event=event, actor=actor[:100], address=(address or None) and address[:45],
                           via=via, what=what and what[:200], details=details or None)
    session.add(entry)
    session.flush()
    return entry


def account_changed(session: Session, event: str, actor: str, user: str, *, via: str, address: str | None = None,
                    what: str | None = None, **details: Any) -> AccessLogEntry:
    """``actor`` (an administrator, or the operator at the command line) changed the account ``user``:
    added it, changed its role, set its password, ended its sessions, created or revoked a token of it
    (``ACCOUNT_EVENTS``). ``details`` name what changed — a role, schools, a token's name and id — never
    a password or a token. Written in the change's transaction: a refused change leaves no entry."""
    if event not in ACCOUNT_EVENTS:
        raise ValueError(f"not an account change: {event!r}")
    return record(session, event, actor, address=address, via=via, what=what, details={"user": user, **details})


def _whole_number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes '²' and other digits ``int`` refuses."""
    return text.isascii() and text.isdigit()


def listing(session: Session, *, event: str | None = None, actor: str | None = None, after: str | None = None,
            limit: str | None = None, since: date | None = None,
            until: date | None = None) -> tuple[list[AccessLogEntry], str | None]:
    """Newest first; ``after`` is the cursor of the previous page; ``since``/``until``: from and to these
    days (UTC), both included."""
    errors = []
    if event is not None and event not in ACCESS_EVENTS:
        errors.append({"field": "event", "message": f"event must be one of {', '.join(ACCESS_EVENTS)}"})
    size = 100
    if limit is not None:
        size = int(limit) if _whole_number(limit) else 0
        if not 1 <= size <= MAX_LIMIT:
            errors.append({"field": "limit", "message": f"limit must be 1-{MAX_LIMIT}"})
    if after is not None and not (_whole_number(after) and int(after) < 2**63):
        errors.append({"field": "after", "message": "after must be a cursor from a previous page"})
    if errors:
        raise invalid("; ".join(e["message"] for e in errors), errors)
    query = paging.newest_first(select(AccessLogEntry), AccessLogEntry.id, size, int(after) if after else None)
    if event:
        query = query.where(AccessLogEntry.event == event)
    if actor:
        query = query.where(AccessLogEntry.actor == actor)
    if since is not None:
        query = query.where(AccessLogEntry.at >= datetime.combine(since, time(), UTC))
    if until is not None:
        query = query.where(AccessLogEntry.at < datetime.combine(until + timedelta(days=1), time(), UTC))
    return paging.split(session.scalars(query).all(), size, lambda row: str(row.id))


def purge(session: Session, months: int, now: datetime | None = None) -> int:
    """Delete the entries older than ``months`` (the log's retention: it names who looked at
    which pupil's records, so it is kept no longer than needed); how many went."""
    cutoff = months_before(now or utcnow(), months)
    return session.execute(delete(AccessLogEntry).where(AccessLogEntry.at < cutoff)).rowcount
