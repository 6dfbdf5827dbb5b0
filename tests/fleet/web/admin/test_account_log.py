"""Administrators' changes to accounts leave their mark in the access log: a user added, a role changed,
a password set, sessions ended, a token created or revoked — on the pages (via the session, from the
browser's address) and at the command line (via "cli", as the operator). Exactly one entry a change, with
who did it and to whom, never the password or the token; a refused change leaves none. The access log
page names these events in words and offers them in its filter."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from fleet.access import sessions
from fleet.cli.common import operator
from fleet.models import ACCOUNT_EVENTS, AccessLogEntry, ApiToken, User
from tests.factories import SchoolFactory, UserFactory, current_session
from tests.fleet.web.admin.forms import as_role, post

PASSWORD = "Ļoti-slepena-2026"


def _entries(session, event: str | None = None) -> list[AccessLogEntry]:
    session.commit()  # (a new read: the pages and commands wrote in their own transactions)
    session.expire_all()
    query = select(AccessLogEntry).where(AccessLogEntry.event.in_(ACCOUNT_EVENTS)).order_by(AccessLogEntry.id)
    return session.scalars(query if event is None else query.where(AccessLogEntry.event == event)).all()


def _admin(app):
    """An admin's client and the admin's name (the newest user: client_as has just made it)."""
    client = as_role(app, "admin")
    name = current_session().scalar(select(User.name).order_by(User.id.desc()).limit(1))
    return client, name


def _no_secret(entry: AccessLogEntry, *secrets: str) -> None:
    text = json.dumps([entry.actor, entry.what, entry.details], ensure_ascii=False)
    for secret in (PASSWORD, *secrets):
        assert secret not in text


def test_each_change_on_the_pages_leaves_one_entry_naming_who_and_whom(app, session):
    school = SchoolFactory()
    client, admin = _admin(app)
    assert post(client, "/admin/users", {"name": "jauna", "role": "warehouse", "password": PASSWORD,
                                         "password2": PASSWORD}).status_code == 303
    session.commit()
    user_id = session.scalar(select(User.id).where(User.name == "jauna"))
    sessions.start(session, session.get(User, user_id), app.config["FLEET"])
    session.commit()
    post(client, f"/admin/users/{user_id}", {"role": "school_it", "schools": school.registration_number})
    post(client, f"/admin/users/{user_id}/password", {"password": PASSWORD + "!", "password2": PASSWORD + "!"})
    post(client, f"/admin/users/{user_id}/sessions")
    created = post(client, "/admin/tokens", {"user": "jauna", "name": "inventārs"}).get_data(as_text=True)
    plain = re.search(r"flt_[A-Za-z0-9_-]+", created).group(0)
    session.commit()
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.name == "inventārs"))
    post(client, f"/admin/tokens/{token_id}/revoke")

    entries = _entries(session)
    assert [e.event for e in entries] == ["user_added", "user_changed", "password_set", "sessions_ended",
                                          "token_created", "token_revoked"]
    for entry in entries:
        assert (entry.actor, entry.via, entry.address) == (admin, "session", "127.0.0.1")
        assert entry.details["user"] == "jauna"
        _no_secret(entry, PASSWORD + "!", plain)
    added, changed, password, ended, token, revoked = entries
    assert added.details == {"user": "jauna", "role": "warehouse"} and added.what == "POST /admin/users"
    assert changed.details == {"user": "jauna", "role": "school_it", "schools": school.registration_number}
    assert password.details == {"user": "jauna"} and password.what == f"POST /admin/users/{user_id}/password"
    assert ended.details == {"user": "jauna", "sessions": 1}
    assert token.details == revoked.details == {"user": "jauna", "token": "inventārs", "token_id": token_id}


@pytest.mark.parametrize("path, form", [
    ("/admin/users", {"name": "jau-ir", "role": "warehouse", "password": PASSWORD, "password2": PASSWORD}),
    ("/admin/users", {"name": "cits", "role": "warehouse", "password": PASSWORD, "password2": "cita"}),
    ("/admin/tokens", {"user": "neviens", "name": "inventārs"}),
])
def test_a_refused_change_leaves_no_entry(app, session, path, form):
    UserFactory(name="jau-ir")
    client, _ = _admin(app)
    assert post(client, path, form).status_code in (400, 404, 409)
    assert _entries(session) == []


def test_a_refused_role_change_and_password_leave_no_entry(app, session):
    user = UserFactory(name="no-direktorija", source="directory")
    session.commit()
    client, _ = _admin(app)
    assert post(client, f"/admin/users/{user.id}", {"role": "auditor"}).status_code == 409
    assert post(client, f"/admin/users/{user.id}/password", {"password": PASSWORD, "password2": PASSWORD}
                ).status_code == 409
    assert _entries(session) == []


def test_each_change_at_the_command_line_leaves_one_entry_as_the_operator(fleet, session):
    school = SchoolFactory()
    session.commit()
    assert fleet("users", "add", "jānis", "--role", "school_it", "--school", school.registration_number,
                 "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert fleet("users", "password", "jānis", input=PASSWORD + "?\n").exit_code == 0
    plain = fleet("tokens", "create", "jānis", "--label", "skripts").stdout.strip()
    session.commit()
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.name == "skripts"))
    assert fleet("tokens", "revoke", str(token_id)).exit_code == 0

    entries = _entries(session)
    assert [(e.event, e.what) for e in entries] == [
        ("user_added", "fleet users add"), ("password_set", "fleet users password"),
        ("token_created", "fleet tokens create"), ("token_revoked", "fleet tokens revoke")]
    for entry in entries:
        assert (entry.actor, entry.via, entry.address) == (operator(), "cli", None)
        _no_secret(entry, PASSWORD + "?", plain)
    assert entries[0].details == {"user": "jānis", "role": "school_it", "schools": school.registration_number}
    assert entries[2].details == {"user": "jānis", "token": "skripts", "token_id": token_id}

    assert fleet("users", "add", "jānis", "--role", "warehouse").exit_code == 1  # a duplicate: refused
    assert fleet("tokens", "create", "nav-tāda").exit_code == 1
    assert len(_entries(session)) == 4


@pytest.mark.parametrize("lang, word", [("lv", "pievienoja lietotāju"), ("en", "added a user")])
def test_the_access_log_page_names_the_changes_and_filters_by_them(app, session, lang, word):
    client, admin = _admin(app)
    post(client, "/admin/users", {"name": "jauna", "role": "warehouse", "password": PASSWORD, "password2": PASSWORD})
    client.set_cookie("lang", lang)
    page = client.get("/admin/access-log?event=user_added").get_data(as_text=True)
    rows = re.findall(r'<tr data-event="([a-z_]+)"', page)
    assert rows == ["user_added"]
    assert word in page and "user: jauna" in page and PASSWORD not in page
    for event in ACCOUNT_EVENTS:
        assert f'<option value="{event}"' in page
