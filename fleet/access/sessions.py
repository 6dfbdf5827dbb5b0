"""Browser sessions: started by a sign-in, kept on the server, ended by signing out or by time.

The browser's (signed, HttpOnly, SameSite=Lax, Secure over HTTPS) session cookie holds a random
session id and the CSRF token; the database holds only the id's SHA-256, the user, and when the
session expires: ``FLEET_SESSION_MINUTES`` after sign-in, or ``FLEET_SESSION_IDLE_MINUTES``
after the last request (``last_seen_at``, written at most once a minute and often enough for the
idle time: ``seen_every``). Signing out ends the row, so a copied cookie stops working too.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fleet.access.auth import LAST_USED_RESOLUTION, hash_token, load_principal
from fleet.access.policy import Principal
from fleet.config import Config
from fleet.errors import FleetError
from fleet.i18n import _l
from fleet.models import User, WebSession, utcnow


def start(session: Session, user: User, config: Config) -> str:
    """A new session for ``user``; the plain id (for the cookie) is returned, only its hash stored.
    The user's sessions that have ended or expired are removed on the way (the access log keeps
    the sign-ins and sign-outs)."""
    plain = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.user_id == user.id,
                                             or_(WebSession.ended_at.is_not(None), WebSession.expires_at <= now)))
    session.add(WebSession(token_hash=hash_token(plain), user_id=user.id, created_at=now, last_seen_at=now,
                           expires_at=now + timedelta(minutes=config.session_minutes)))
    session.flush()
    return plain


_sessions, _users = WebSession.__table__, User.__table__
_LOOKUP = (
    select(_sessions.c.id, _sessions.c.expires_at, _sessions.c.last_seen_at, _sessions.c.ended_at,
           _users.c.id, _users.c.name, _users.c.role)
    .join(_users, _sessions.c.user_id == _users.c.id)
    .where(_sessions.c.token_hash == bindparam("token_hash"), _users.c.withdrawn_at.is_(None))
)


def seen_every(config: Config) -> timedelta:
    """How stale ``last_seen_at`` may grow before a request writes it again: at most once a minute
    (as a token's last use), and at least four times per idle time, so that a session in use never
    looks idle — with ``FLEET_SESSION_IDLE_MINUTES=1`` every 15 s."""
    return min(LAST_USED_RESOLUTION, timedelta(minutes=config.session_idle_minutes) / 4)


def principal(session: Session, plain: str | None, config: Config) -> Principal:
    """The principal of a live session, or ``unauthorized`` (unknown, ended, expired or idle)."""
    row = session.execute(_LOOKUP, {"token_hash": hash_token(plain)}).one_or_none() if plain else None
    now = utcnow()
    idle = timedelta(minutes=config.session_idle_minutes)
    if row is None or row.ended_at is not None:
        raise FleetError("unauthorized", _l("not signed in: sign in at /login, or send Authorization: Bearer <token>"))
    session_id, expires_at, last_seen, _, user_id, name, role = row
    if now >= expires_at or now - last_seen > idle:
        raise FleetError("unauthorized", _l("the session has expired: sign in again at /login"))
    if now - last_seen > seen_every(config):
        try:
            session.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=now))
            session.commit()
        except OperationalError:  # best effort, as for tokens: a busy SQLite must not refuse the request
            session.rollback()
    return load_principal(session, user_id, name, role)


def end(session: Session, plain: str | None) -> bool:
    """End the session (signing out); whether there was a live one."""
    if not plain:
        return False
    result = session.execute(update(WebSession).where(WebSession.token_hash == hash_token(plain),
                                                      WebSession.ended_at.is_(None)).values(ended_at=utcnow()))
    return result.rowcount == 1


def end_all(session: Session, user_id: int) -> int:
    """End every live session of a user (their role was taken away, or an admin says so)."""
    result = session.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
                             .values(ended_at=utcnow()))
    return result.rowcount
