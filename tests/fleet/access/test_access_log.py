"""The access log: sign-ins, use of pupils' personal data through a token or a session, exports —
who, when, what, and never the data; read back by admins and auditors."""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify
from sqlalchemy import select

from fleet.access import auth
from fleet.http import endpoint, install_error_handlers
from fleet.models import AccessLogEntry
from tests.conftest import error_code, sign_in
from tests.factories import DeliveryFactory, UserFactory, token_for


def entries(session) -> list[AccessLogEntry]:
    session.commit()
    return list(session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)))


@pytest.fixture
def personal_route(app):
    """A route needing a personal-data permission (as those of pupils, loans and agreements do),
    answering a name: the auditor's signed agreements."""

    bp = Blueprint("test_personal", __name__, url_prefix="/api/v1/_test")
    install_error_handlers(bp)

    @bp.get("/agreements/<int:agreement_id>")
    @endpoint("agreements:signed")
    def agreement(agreement_id: int):
        return jsonify({"id": agreement_id, "signer_name": "Anna Ņikitina", "pupil": "Ērika Ņikitina"})

    app.register_blueprint(bp)
    return "/api/v1/_test/agreements/17?grade=5.b"


def test_token_use_on_personal_data_is_recorded_without_the_data(client, session, personal_route):
    user = UserFactory(name="revidents", role="auditor")
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    assert client.get(personal_route, headers=headers, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    [entry] = entries(session)
    assert (entry.event, entry.actor, entry.via, entry.address, entry.what) == (
        "personal_data", "revidents", "token", "10.1.2.3", "GET /api/v1/_test/agreements/17")
    assert "Ērika" not in repr(vars(entry)) and "5.b" not in repr(vars(entry))  # neither the answer nor the query


def test_session_use_on_personal_data_is_recorded_too(client, session, personal_route):
    user = UserFactory(name="anna", role="auditor")
    auth.set_password(user, "garā-parole-annai")
    session.commit()
    sign_in(client, "anna", "garā-parole-annai")
    assert client.get(personal_route).status_code == 200
    assert [(e.event, e.actor, e.via) for e in entries(session)] == [("signin", "anna", "form"),
                                                                     ("personal_data", "anna", "session")]


@pytest.mark.parametrize("role", ["warehouse", "ministry", "founder_manager"])
def test_a_refused_request_uses_no_personal_data_and_is_not_recorded_as_use(client, session, personal_route, role):
    r = client.get(personal_route, headers={"Authorization": f"Bearer {token_for(UserFactory(role=role))}"})
    assert r.status_code == 403 and error_code(r) == "forbidden"
    assert entries(session) == []


def test_routes_without_personal_data_are_not_recorded(api, session):
    assert api.get("devices").status_code == 200
    assert entries(session) == []


def test_an_export_is_recorded(api_as, session):
    delivery = DeliveryFactory()
    warehouse = api_as("warehouse")
    assert warehouse.get(f"deliveries/{delivery.id}/report.csv").status_code == 200
    [entry] = entries(session)
    assert (entry.event, entry.what) == ("export", f"GET /api/v1/deliveries/{delivery.id}/report.csv")


def test_sign_out_is_recorded(client, session):
    user = UserFactory(name="anna", role="admin")
    auth.set_password(user, "garā-parole-annai")
    session.commit()
    sign_in(client, "anna", "garā-parole-annai")
    import re

    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    client.post("/logout", data={"csrf_token": token})
    assert [(e.event, e.actor, e.via) for e in entries(session)][-1] == ("signout", "anna", "session")


def test_admins_and_auditors_read_it_newest_first_page_by_page(api_as, session, client):
    for n in range(5):
        sign_in(client, f"nav-{n}", "nepareizi")
    auditor = api_as("auditor")
    r = auditor.get("access-log?limit=2")
    assert r.status_code == 200
    page = r.get_json()
    assert [e["actor"] for e in page["items"]] == ["nav-4", "nav-3"] and page["next"]
    rest = auditor.get(f"access-log?limit=10&after={page['next']}").get_json()
    assert [e["actor"] for e in rest["items"]] == ["nav-2", "nav-1", "nav-0"] and rest["next"] is None
    item = rest["items"][0]
    assert set(item) == {"id", "at", "event", "actor", "address", "via", "what", "details"}
    assert auditor.get("access-log?event=signin").get_json()["items"] == []
    assert [e["actor"] for e in auditor.get("access-log?actor=nav-1").get_json()["items"]] == ["nav-1"]


@pytest.mark.parametrize("query, field", [
    ("event=nope", "event"), ("limit=0", "limit"), ("limit=501", "limit"), ("limit=x", "limit"), ("after=abc", "after"),
])
def test_bad_queries_are_invalid_input(api, query, field):
    r = api.get(f"access-log?{query}")
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert [d["field"] for d in r.get_json()["error"]["details"]] == [field]


# --- retention -------------------------------------------------------------------------------------

def test_purge_deletes_only_the_entries_older_than_the_retention(session):
    from datetime import timedelta

    from fleet.access import access_log
    from fleet.models import utcnow

    now = utcnow()
    for days in (800, 740, 700, 10):  # 24 months are about 730.5 days
        access_log.record(session, "personal_data", "ilze", what="GET /api/v1/pupils/7").at = now - timedelta(days=days)
    session.commit()
    assert access_log.purge(session, 24, now=now) == 2
    session.commit()
    assert sorted((now - e.at).days for e in entries(session)) == [10, 700]
    assert access_log.purge(session, 24, now=now) == 0  # idempotent


def test_privacy_purge_trims_the_access_log_and_refuses_a_bad_retention(database_url, tmp_path, session):
    from datetime import timedelta

    from click.testing import CliRunner

    from fleet.access import access_log
    from fleet.cli import main
    from fleet.models import utcnow

    access_log.record(session, "export", "ilze").at = utcnow() - timedelta(days=100)
    session.commit()
    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path / "cli")}
    result = CliRunner().invoke(main, ["privacy", "purge"], env=env)
    assert result.exit_code == 0 and "0 access-log entries deleted (retention 24 months)" in result.output
    result = CliRunner().invoke(main, ["privacy", "purge", "--access-log-months", "3"], env=env)
    assert result.exit_code == 0 and "1 access-log entry deleted (retention 3 months)" in result.output
    for bad in ("0", "two", "-1"):
        result = CliRunner().invoke(main, ["privacy", "purge"], env={**env, "FLEET_ACCESS_LOG_RETENTION_MONTHS": bad})
        assert result.exit_code == 1 and "FLEET_ACCESS_LOG_RETENTION_MONTHS" in result.output
        assert "[invalid_input]" in result.output and "Traceback" not in result.output
    for option in ("--months", "--access-log-months"):
        result = CliRunner().invoke(main, ["privacy", "purge", option, "0"], env=env)
        assert result.exit_code == 1 and "[invalid_input]" in result.output
    assert entries(session) == []
