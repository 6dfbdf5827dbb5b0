"""Authentication: users (local passwords hashed with scrypt), bearer API tokens (stored only as
SHA-256), and the principal a user acts as: its role, and for scoped roles the schools it sees.
Browser sessions are in ``fleet.access.sessions``, the sign-in itself (local or directory) in
``fleet.access.staff_login``."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from fleet import db, display_names
from fleet.access.policy import Principal
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.models import ROLES, ApiToken, Founder, School, User, user_founders, user_schools, utcnow

TOKEN_PREFIX = "flt_"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # write last_used_at at most this often
MIN_PASSWORD, MAX_PASSWORD = 12, 1024


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(session: Session, name: str, role: str, school_regs: list[str] = (), founder_codes: list[str] = (),
             source: str = "local") -> User:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise invalid(_l("user name must be 1-100 characters"), {"field": "name"})
    if role not in ROLES:
        raise invalid(_l("role must be one of %(roles)s", roles=", ".join(ROLES)), {"field": "role"})
    if session.scalar(select(User).where(User.name == name)):
        raise FleetError("duplicate", _l("user %(name)s already exists", name=repr(name)), {"field": "name"})
    user = User(name=name, role=role, source=source)
    assign_scope(session, user, role, school_regs, founder_codes)
    session.add(user)
    session.flush()
    return user


def assign_scope(session: Session, user: User, role: str, school_regs=(), founder_codes=()) -> None:
    """Set a user's role and what it is tied to: schools for school_it, founders (municipalities)
    for founder_manager, nothing for the other roles."""
    if role == "school_it" and not school_regs:
        raise invalid(_l("a school_it user needs --school REGNR"), {"field": "school"})
    if role != "school_it" and school_regs:
        raise invalid(_l("only school_it users are tied to schools"), {"field": "school"})
    if role == "founder_manager" and not founder_codes:
        raise invalid(_l("a founder_manager user needs --founder CODE"), {"field": "founder"})
    if role != "founder_manager" and founder_codes:
        raise invalid(_l("only founder_manager users are tied to founders"), {"field": "founder"})
    user.role = role
    user.schools = [_one(session, School, School.registration_number, reg, "school") for reg in school_regs]
    user.founders = [_one(session, Founder, Founder.code, code, "founder") for code in founder_codes]


def change_role(session: Session, user: User, role: str, school_regs=(), founder_codes=()) -> User:
    """An administrator's change of a local user's role and schools or founders (applies from its next
    request). The directory's users are the directory's to change: at their next sign-in it says again."""
    if user.source != "local":
        raise FleetError("conflict", _l("%(name)s signs in through the directory; change the role there",
                                        name=repr(user.name)), {"field": "role"})
    if role not in ROLES:
        raise invalid(_l("role must be one of %(roles)s", roles=", ".join(ROLES)), {"field": "role"})
    assign_scope(session, user, role, school_regs, founder_codes)
    session.flush()
    return user


def _one(session: Session, model, column, value: str, what: str):
    row = session.scalar(select(model).where(column == value))
    if row is None:
        raise FleetError("not_found", _l("%(what)s %(ref)s not found", what=display_names.text("thing", what),
                                                ref=repr(value)), {"field": what})
    return row


def set_password(user: User, password: str) -> None:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise invalid(_l("the password must be at least %(length)s characters", length=MIN_PASSWORD),
                      {"field": "password"})
    user.password_hash = generate_password_hash(password, method="scrypt")


def set_local_password(user: User, password: str) -> None:
    """An administrator sets a local user's password (the directory keeps its users' own)."""
    if user.source != "local":
        raise FleetError("conflict", _l("%(name)s signs in through the directory; its password is kept there",
                                        name=repr(user.name)), {"field": "password"})
    set_password(user, password)


_NO_USER_HASH = generate_password_hash("no such user: spend the same time", method="scrypt")


def check_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is the user's; without a user (or a password hash) it takes as long
    and says no, so the answer's timing does not tell which names exist."""
    stored = user.password_hash if user is not None and user.password_hash else None
    ok = check_password_hash(stored or _NO_USER_HASH, password)
    return ok and stored is not None


def create_token(session: Session, user_name: str, label: str = "cli") -> tuple[ApiToken, str]:
    """A new token for the user; the plain token is returned once and never stored."""
    user = session.scalar(select(User).where(User.name == user_name))
    if user is None:
        raise FleetError("not_found", _l("user %(name)s not found", name=repr(user_name)))
    if user.withdrawn_at is not None:
        raise FleetError("conflict", _l(
            "the directory withdrew %(name)s on %(date)s: it gets a token again once the directory gives it a role "
            "(at its next sign-in, or 'fleet directory sync')", name=repr(user_name),
            date=user.withdrawn_at.date().isoformat()), {"withdrawn_at": user.withdrawn_at.isoformat()})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=label, token_hash=hash_token(plain))
    session.add(token)
    session.flush()
    return token, plain


def revoke_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise FleetError("not_found", _l("token %(id)s not found", id=token_id))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


_tokens, _users = ApiToken.__table__, User.__table__
# Every API request runs it: a driver statement (fleet.db). A revoked token, or a withdrawn user's
# (revoked with it), matches no row; "stale" says whether last_used_at is due to be written again.
_TOKEN_LOOKUP = db.DriverStatement(
    select(_tokens.c.id, (_tokens.c.last_used_at.is_(None) | (_tokens.c.last_used_at < bindparam("stale_before")))
           .label("stale"), _users.c.id, _users.c.name, _users.c.role)
    .join(_users, _tokens.c.user_id == _users.c.id)
    .where(_tokens.c.token_hash == bindparam("token_hash"), _tokens.c.revoked_at.is_(None),
           _users.c.withdrawn_at.is_(None))
)


def authenticate_bearer(session: Session, header: str | None) -> Principal:
    """The principal behind an ``Authorization: Bearer`` header, or ``unauthorized``."""
    if not header:
        raise FleetError("unauthorized", _l("authentication required: send Authorization: Bearer <token>"))
    scheme, _, plain = header.partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        raise FleetError("unauthorized", _l("the Authorization header must be 'Bearer <token>'"))
    now = utcnow()
    rows = _TOKEN_LOOKUP.rows(session, {"token_hash": hash_token(plain.strip()),
                                        "stale_before": now - LAST_USED_RESOLUTION})
    if not rows:
        raise FleetError("unauthorized", _l("the token is unknown or revoked"))
    token_id, stale, user_id, name, role = rows[0]
    if stale:
        try:
            session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
            session.commit()
        except OperationalError:  # best effort: a busy SQLite must not refuse the request
            session.rollback()
    return load_principal(session, user_id, name, role)


_SCHOOLS_OF = {
    "school_it": select(user_schools.c.school_id).where(user_schools.c.user_id == bindparam("user_id")),
    "founder_manager": select(School.id).join(user_founders, School.founder_id == user_founders.c.founder_id)
    .where(user_founders.c.user_id == bindparam("user_id")),
}


def load_principal(session: Session, user_id: int, name: str, role: str) -> Principal:
    """The principal of a user: a scoped role sees its schools (school IT its own, a founder
    manager its municipalities'), read now, so a change applies to the next request."""
    schools = frozenset()
    if role in _SCHOOLS_OF:
        schools = frozenset(session.scalars(_SCHOOLS_OF[role], {"user_id": user_id}))
    return Principal(user_id, name, role, schools)
