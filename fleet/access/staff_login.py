"""Signing in with a username and password: a local account, or the directory's word for it.

``sign_in`` decides, in this order, and records every outcome in the access log:

1. the input: a username of 1-100 characters without control characters, a password of 1-1024
   characters (``invalid_input``; nothing recorded);
2. the throttle (``fleet.access.throttle``): too many recent failures for this username or address →
   ``throttled``, without looking at the password;
3. a local account of exactly that name → its scrypt hash decides. Local accounts work whether
   or not the directory is configured or reachable;
4. otherwise the directory, when configured (``fleet.access.directory``): a right password gives a Fleet
   user of that name (lower-cased, as directories compare names), created or updated from what the
   directory says now — exactly one role from the groups, and for school IT the schools (for a
   founder manager the founders) Fleet knows among those named; a directory that cannot be
   asked is ``unavailable``;
5. otherwise "wrong username or password", after the same hashing work as a real check.

Outcomes: ``signin``; ``signin_failed`` (wrong password or unknown user — the one the throttle
counts); ``signin_refused`` (throttled, directory unavailable, no role or several, no school Fleet
knows, a local account's name). When the directory no longer gives an existing user a usable role,
its tokens are revoked and its sessions ended. Failures are committed before the error is raised.

``sync`` (``fleet directory sync``) applies the directory's word to every directory user between
sign-ins: roles and schools as they are now, and leavers' tokens and sessions revoked.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fleet.access import access_log, auth, directory, sessions, throttle
from fleet.config import Config
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.models import ApiToken, Founder, School, User, utcnow

log = logging.getLogger(__name__)

WRONG = _l("wrong username or password")
WHAT = "POST /login"


def sign_in(session: Session, config: Config, username: str, password: str, address: str | None) -> User:
    username, password = _checked(username, password)
    try:
        throttle.check(session, username, address, config)
    except FleetError as e:
        raise _refused(session, username, address, "throttled", e) from None
    local = session.scalar(select(User).where(User.name == username, User.source == "local"))
    if local is not None or config.directory is None:
        if not auth.check_password(local, password):
            raise _failed(session, username, address)
        user = local
    else:
        user = _from_directory(session, config, username, password, address)
    access_log.record(session, "signin", user.name, address=address, via="form", what=WHAT,
                      details={"source": user.source})
    return user


def _checked(username, password) -> tuple[str, str]:
    errors = []
    if not isinstance(username, str) or not 1 <= len(username.strip()) <= 100 or _has_control(username):
        errors.append({"field": "username", "message": "the username must be 1-100 characters"})
    if not isinstance(password, str) or not 1 <= len(password) <= auth.MAX_PASSWORD:
        errors.append({"field": "password", "message": "the password must be 1-1024 characters"})
    if errors:
        raise invalid("; ".join(e["message"] for e in errors), errors)
    return username.strip(), password


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)


def _from_directory(session: Session, config: Config, username: str, password: str, address: str | None) -> User:
    try:
        found = directory.authenticate(config.directory, username, password)
    except directory.BadCredentials:
        raise _failed(session, username, address) from None
    except directory.DirectoryUnavailable:
        raise _refused(session, username, address, "directory_unavailable", FleetError(
            "unavailable", _l("the directory cannot be reached just now; try again later (local accounts still work)"),
        )) from None
    name = username.lower()
    user = session.scalar(select(User).where(User.name == name))
    if user is not None and user.source != "directory":
        raise _refused(session, username, address, "local_account", FleetError(
            "forbidden", _l("%(name)s is a local account: sign in with its own name and password", name=repr(name))))
    try:
        role, schools, founders = _grant(session, found)
    except _Refusal as refusal:
        if user is not None:
            _withdraw(session, user)
        raise _refused(session, username, address, refusal.reason, FleetError("forbidden", refusal.message)) from None
    if user is None:
        user = User(name=name, role=role, source="directory")
        session.add(user)
    user.role, user.schools, user.founders, user.withdrawn_at = role, schools, founders, None
    session.flush()
    return user


class _Refusal(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


def _grant(session: Session, found: directory.DirectoryUser) -> tuple[str, list[School], list[Founder]]:
    """What the directory's word gives: exactly one role, and for school IT the schools (for a
    founder manager the founders) Fleet knows among those named; or a ``_Refusal`` saying why not."""
    if len(found.roles) != 1:
        if not found.roles:
            raise _Refusal("no_role", "the directory gives this account no Fleet role; ask your administrator")
        raise _Refusal("several_roles", f"the directory gives this account several Fleet roles "
                                        f"({', '.join(sorted(found.roles))}); it must give one")
    role = next(iter(found.roles))
    schools = _known(session, School, School.registration_number, found.school_regs) if role == "school_it" else []
    founders = _known(session, Founder, Founder.code, found.founder_codes) if role == "founder_manager" else []
    if role == "school_it" and not schools or role == "founder_manager" and not founders:
        what = "school registration number" if role == "school_it" else "founder code"
        raise _Refusal("no_scope",
                       f"the directory names no {what} Fleet knows for this account; ask your administrator")
    return role, schools, founders


@dataclass
class SyncReport:
    unchanged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)  # tokens and sessions taken away, no new ones


def sync(session: Session, config: Config) -> SyncReport:
    """Ask the directory (as the service account) about every directory user Fleet knows, and apply
    its word now rather than at their next sign-in: a changed role or school is applied; an account
    gone from the directory, or one it no longer gives a usable role, loses its tokens and sessions.
    Raises ``unavailable`` and changes nothing when the directory cannot be asked. Run it from cron."""
    if config.directory is None:
        raise FleetError("invalid_input", "no directory is configured (FLEET_LDAP_URL)")
    users = list(session.scalars(select(User).where(User.source == "directory").order_by(User.name)))
    try:
        found = directory.lookup(config.directory, [u.name for u in users])
    except directory.DirectoryUnavailable as e:
        raise FleetError("unavailable", f"the directory cannot be asked just now: {e}") from None
    report = SyncReport()
    for user in users:
        try:
            if found[user.name] is None:
                raise _Refusal("gone", "the directory no longer has this account")
            role, schools, founders = _grant(session, found[user.name])
        except _Refusal:
            (report.withdrawn if _withdraw(session, user) else report.unchanged).append(user.name)
            continue
        granted = (role, {school.id for school in schools}, {founder.id for founder in founders}, None)
        held = (user.role, {school.id for school in user.schools}, {founder.id for founder in user.founders},
                user.withdrawn_at)
        if granted == held:
            report.unchanged.append(user.name)
            continue
        user.role, user.schools, user.founders, user.withdrawn_at = role, schools, founders, None
        report.updated.append(user.name)
    session.flush()
    return report


def _known(session: Session, model, column, values: tuple[str, ...]) -> list:
    rows = list(session.scalars(select(model).where(column.in_(values)).order_by(column))) if values else []
    if len(rows) < len(values):
        log.warning("directory: %d of %d %s values name nothing Fleet knows", len(values) - len(rows), len(values),
                    column.key)
    return rows


def _withdraw(session: Session, user: User) -> bool:
    """The directory took the user's role away: its tokens and sessions stop working now, and it
    gets no new token until the directory gives it a role again. Whether this changed anything
    (the user was not withdrawn yet, or still had live tokens or sessions)."""
    now = utcnow()
    tokens = session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                             .values(revoked_at=now)).rowcount
    live = tokens + sessions.end_all(session, user.id)
    newly = user.withdrawn_at is None
    if newly:
        user.withdrawn_at = now
    return bool(live) or newly


def _failed(session: Session, username: str, address: str | None) -> FleetError:
    access_log.record(session, "signin_failed", throttle.key(username), address=address, via="form", what=WHAT)
    session.commit()
    return FleetError("unauthorized", WRONG)


def _refused(session: Session, username: str, address: str | None, reason: str, error: FleetError) -> FleetError:
    access_log.record(session, "signin_refused", throttle.key(username), address=address, via="form", what=WHAT,
                      details={"reason": reason})
    session.commit()
    return error
