"""Authentication: bearer API tokens (stored only as SHA-256) and the users they act for."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fleet.errors import FleetError, invalid
from fleet.models import ROLES, ApiToken, School, User, user_schools, utcnow
from fleet.policy import Principal

TOKEN_PREFIX = "flt_"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # write last_used_at at most this often


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(session: Session, name: str, role: str, school_regs: list[str] = ()) -> User:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise invalid("user name must be 1-100 characters", {"field": "name"})
    if role not in ROLES:
        raise invalid(f"role must be one of {', '.join(ROLES)}", {"field": "role"})
    if role == "school_it" and not school_regs:
        raise invalid("a school_it user needs --school REGNR", {"field": "school"})
    if role != "school_it" and school_regs:
        raise invalid("only school_it users are tied to schools", {"field": "school"})
    if session.scalar(select(User).where(User.name == name)):
        raise FleetError("duplicate", f"user {name!r} already exists", {"field": "name"})
    schools = []
    for reg in school_regs:
        school = session.scalar(select(School).where(School.registration_number == reg))
        if school is None:
            raise FleetError("not_found", f"school {reg!r} not found", {"field": "school"})
        schools.append(school)
    user = User(name=name, role=role, schools=schools)
    session.add(user)
    session.flush()
    return user


def create_token(session: Session, user_name: str, label: str = "cli") -> tuple[ApiToken, str]:
    """A new token for the user; the plain token is returned once and never stored."""
    user = session.scalar(select(User).where(User.name == user_name))
    if user is None:
        raise FleetError("not_found", f"user {user_name!r} not found")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=label, token_hash=hash_token(plain))
    session.add(token)
    session.flush()
    return token, plain


def revoke_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise FleetError("not_found", f"token {token_id} not found")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


_tokens, _users = ApiToken.__table__, User.__table__
_TOKEN_LOOKUP = (  # a plain Core statement: every API request runs it
    select(_tokens.c.id, _tokens.c.revoked_at, _tokens.c.last_used_at, _users.c.id, _users.c.name, _users.c.role)
    .join(_users, _tokens.c.user_id == _users.c.id)
    .where(_tokens.c.token_hash == bindparam("token_hash"))
)


def authenticate_bearer(session: Session, header: str | None) -> Principal:
    """The principal behind an ``Authorization: Bearer`` header, or ``unauthorized``."""
    if not header:
        raise FleetError("unauthorized", "authentication required: send Authorization: Bearer <token>")
    scheme, _, plain = header.partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        raise FleetError("unauthorized", "the Authorization header must be 'Bearer <token>'")
    row = session.execute(_TOKEN_LOOKUP, {"token_hash": hash_token(plain.strip())}).one_or_none()
    if row is None or row[1] is not None:
        raise FleetError("unauthorized", "the token is unknown or revoked")
    token_id, _, last_used, user_id, name, role = row
    now = utcnow()
    if last_used is None or now - last_used > LAST_USED_RESOLUTION:
        try:
            session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
            session.commit()
        except OperationalError:  # best effort: a busy SQLite must not refuse the request
            session.rollback()
    schools = frozenset()
    if role == "school_it":
        schools = frozenset(session.scalars(select(user_schools.c.school_id).where(user_schools.c.user_id == user_id)))
    return Principal(user_id, name, role, schools)
