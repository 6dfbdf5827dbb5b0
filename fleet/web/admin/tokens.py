"""``/admin/tokens``: API tokens — create one for a user (the token is shown once, on the answer to
the form, never stored in plain), list them (never the tokens themselves), revoke one. Creating and
revoking are recorded in the access log by the token's name and id, never the token."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from fleet import db
from fleet.access import auth
from fleet.errors import FleetError, invalid
from fleet.http import caching
from fleet.http.principal import record_account_change
from fleet.i18n import _, _l
from fleet.models import ApiToken, User
from fleet.web.admin.forms import done, refused, text
from fleet.web.blueprint import bp
from fleet.web.pages import page

SHOWN = 200  # the newest tokens listed


def _context() -> dict:
    session = db.session()
    return {"tokens": session.scalars(select(ApiToken).order_by(ApiToken.id.desc()).limit(SHOWN)).all(),
            "users": [(name, name) for name in session.scalars(select(User.name).where(User.withdrawn_at.is_(None))
                                                                .order_by(User.name))]}


@bp.get("/admin/tokens", endpoint="admin_tokens")
@page("accounts:write")
def tokens_page():
    return render_template("admin/tokens.html", form={}, **_context())


@bp.post("/admin/tokens", endpoint="admin_token_create")
@page("accounts:write")
def create_token():
    form = {"user": text(request.form, "user"), "name": text(request.form, "name")}
    try:
        if not 1 <= len(form["name"]) <= 100:
            raise invalid(_l("say what the token is for (1-100 characters)"), {"field": "name"})
        token, plain = auth.create_token(db.session(), form["user"], form["name"])
        record_account_change("token_created", token.user.name, token=token.name, token_id=token.id)
    except FleetError as e:
        return refused(e, "admin/tokens.html", form=form, **_context())
    db.session().commit()
    # The answer to the form itself (no redirect: the token must not travel in a cookie or a URL); never cached,
    # and admin.js replaces the address with the list's, so reloading shows the list without the token.
    caching.personal_data()  # (Cache-Control: no-store: a secret, like pupils' data)
    return render_template("admin/token_created.html", token=token, plain=plain)


@bp.post("/admin/tokens/<int:token_id>/revoke", endpoint="admin_token_revoke")
@page("accounts:write")
def revoke_token(token_id: int):
    token = auth.revoke_token(db.session(), token_id)
    record_account_change("token_revoked", token.user.name, token=token.name, token_id=token.id)
    return done(_("Token “%(name)s” of %(user)s revoked.", name=token.name, user=token.user.name), "web.admin_tokens")
