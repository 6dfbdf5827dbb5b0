"""``/admin/users``: the accounts — list, add a local one (with its first password), change a role
and its schools or founders, end a user's sessions. Passwords are never shown. Each change is recorded
in the access log (who, to whom, from where; ``fleet.http.principal.record_account_change``)."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from fleet import db, display_names
from fleet.access import auth, sessions
from fleet.errors import FleetError, invalid, not_found
from fleet.http.principal import record_account_change
from fleet.i18n import _, _l
from fleet.models import ROLES, Founder, School, User
from fleet.web.admin.forms import codes, done, refused, text
from fleet.web.blueprint import bp
from fleet.web.pages import page


def _choices() -> dict:
    session = db.session()
    return {"roles": [(role, display_names.name("role", role)) for role in ROLES],
            "schools": session.scalars(select(School).order_by(School.registration_number).limit(500)).all(),
            "founders": session.scalars(select(Founder).order_by(Founder.code).limit(500)).all()}


def _list(**context):
    users = db.session().scalars(select(User).order_by(User.name)).all()
    return render_template("admin/users.html", users=users, form=context.pop("form", {}), **_choices(), **context)


@bp.get("/admin/users", endpoint="admin_users")
@page("accounts:write")
def users_page():
    return _list()


@bp.post("/admin/users", endpoint="admin_user_add")
@page("accounts:write")
def add_user():
    form = request.form
    try:
        _same_twice(form)
        user = auth.add_user(db.session(), text(form, "name"), text(form, "role"), codes(form, "schools"),
                             codes(form, "founders"))
        auth.set_password(user, form.get("password") or "")
        record_account_change("user_added", user.name, **_scope_recorded(user))
    except FleetError as e:
        users = db.session().scalars(select(User).order_by(User.name)).all()
        kept = {k: text(form, k) for k in ("name", "role", "schools", "founders")}  # never the passwords
        return refused(e, "admin/users.html", users=users, form=kept, **_choices())
    return done(_("User %(name)s added.", name=user.name), "web.admin_users")


def _same_twice(form) -> None:
    if (form.get("password") or "") != (form.get("password2") or ""):
        raise invalid(_l("the two passwords differ"), {"field": "password2"})


def _user(user_id: int) -> User:
    user = db.session().get(User, user_id)
    if user is None:
        raise not_found("user", str(user_id))
    return user


def _scope_text(user: User) -> dict:
    return {"role": user.role, "schools": " ".join(s.registration_number for s in user.schools),
            "founders": " ".join(f.code for f in user.founders)}


def _scope_recorded(user: User) -> dict:
    """The role and its schools or founders, as the access log records a change (no empty ones)."""
    return {k: v for k, v in _scope_text(user).items() if v}


@bp.get("/admin/users/<int:user_id>", endpoint="admin_user")
@page("accounts:write")
def user_page(user_id: int):
    user = _user(user_id)
    return render_template("admin/user.html", user=user, form=_scope_text(user), **_choices())


@bp.post("/admin/users/<int:user_id>", endpoint="admin_user_change")
@page("accounts:write")
def change_user(user_id: int):
    user, form = _user(user_id), request.form
    try:
        auth.change_role(db.session(), user, text(form, "role"), codes(form, "schools"), codes(form, "founders"))
        record_account_change("user_changed", user.name, **_scope_recorded(user))
    except FleetError as e:
        kept = {k: text(form, k) for k in ("role", "schools", "founders")}
        return refused(e, "admin/user.html", user=_user(user_id), form=kept, **_choices())
    return done(_("The role of %(name)s was changed.", name=user.name), "web.admin_user", user_id=user_id)


@bp.post("/admin/users/<int:user_id>/sessions", endpoint="admin_user_sessions")
@page("accounts:write")
def end_sessions(user_id: int):
    user = _user(user_id)
    ended = sessions.end_all(db.session(), user.id)
    record_account_change("sessions_ended", user.name, sessions=ended)
    return done(_("%(name)s: sessions ended: %(n)s.", name=user.name, n=ended), "web.admin_user",
                user_id=user_id)


@bp.post("/admin/users/<int:user_id>/password", endpoint="admin_user_password")
@page("accounts:write")
def set_password(user_id: int):
    user, form = _user(user_id), request.form
    try:
        _same_twice(form)
        auth.set_local_password(user, form.get("password") or "")
        record_account_change("password_set", user.name)
    except FleetError as e:
        return refused(e, "admin/user.html", user=_user(user_id), form=_scope_text(user), **_choices())
    return done(_("The password of %(name)s was set.", name=user.name), "web.admin_user", user_id=user_id)
