"""The ``fleet`` command line, run as a user would (click's runner, configuration from FLEET_*)."""

from datetime import UTC, datetime

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import select

from fleet.access.auth import hash_token
from fleet.cli import main
from fleet.migrations import HERE as MIGRATIONS
from fleet.models import ApiToken, Device, User
from tests.conftest import sign_in
from tests.factories import SchoolFactory, UserFactory


def test_db_upgrade_is_idempotent(fleet):
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()  # the newest revision in fleet/migrations/versions
    assert head is not None and head.isdigit()
    result = fleet("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"database at revision {head}\n" == result.output


def test_users_add_and_token_create_prints_only_the_token(fleet, session):
    school = SchoolFactory()
    assert fleet("users", "add", "jānis", "--role", "school_it", "--school", school.registration_number).exit_code == 0
    result = fleet("tokens", "create", "jānis")
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert result.stdout == token + "\n" and token.startswith("flt_") and len(token) > 40
    session.expire_all()
    stored = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    assert stored.user.name == "jānis" and [s.id for s in stored.user.schools] == [school.id]
    assert token not in {t.token_hash for t in session.scalars(select(ApiToken))}


@pytest.mark.parametrize("args, message", [
    (["users", "add", "x", "--role", "pilot"], "role must be one of"),
    (["users", "add", "x", "--role", "school_it"], "needs --school"),
    (["users", "add", "x", "--role", "school_it", "--school", "9999999999"], "school '9999999999' not found"),
    (["users", "add", "x", "--role", "ministry", "--school", "9999999999"], "only school_it users"),
    (["users", "add", "x", "--role", "founder_manager"], "needs --founder"),
    (["users", "add", "x", "--role", "founder_manager", "--founder", "NAV"], "founder 'NAV' not found"),
    (["users", "add", "x", "--role", "auditor", "--founder", "NAV"], "only founder_manager users"),
    (["users", "password", "x"], "user 'x' not found"),
    (["tokens", "create", "nobody"], "user 'nobody' not found"),
    (["tokens", "revoke", "999"], "token 999 not found"),
])
def test_cli_refusals_exit_non_zero_with_a_coded_message(fleet, session, args, message):
    result = fleet(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert session.scalar(select(User).where(User.name == "x")) is None


def test_a_withdrawn_directory_user_is_listed_so_and_gets_no_token(fleet, session):
    UserFactory(name="aizgajusi", role="admin", source="directory",
                withdrawn_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    assert "aizgajusi\tadmin\tdirectory\t-\t-\twithdrawn 2026-12-01" in fleet("users", "list").output
    result = fleet("tokens", "create", "aizgajusi")
    assert result.exit_code == 1 and "[conflict]" in result.output
    assert "withdrew 'aizgajusi' on 2026-12-01" in result.output
    assert "flt_" not in result.output
    session.expire_all()
    assert session.scalar(select(ApiToken)) is None


def test_duplicate_user(fleet):
    assert fleet("users", "add", "anna", "--role", "admin").exit_code == 0
    result = fleet("users", "add", "anna", "--role", "admin")
    assert result.exit_code == 1 and "[duplicate]" in result.output


def test_password_from_stdin_is_hashed_with_scrypt(fleet, session):
    result = fleet("users", "add", "pēteris", "--role", "warehouse", "--password-stdin",
                   input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.name == "pēteris"))
    assert user.password_hash.startswith("scrypt:") and "correct horse" not in user.password_hash
    short = fleet("users", "add", "īss", "--role", "warehouse", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 12" in short.output


def test_tokens_list_and_revoke(fleet, client):
    fleet("users", "add", "marta", "--role", "ministry")
    token = fleet("tokens", "create", "marta", "--label", "atskaites").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/devices", headers=headers).status_code == 200
    listing = fleet("tokens", "list").output
    assert "marta\tatskaites\tactive" in listing and token not in listing
    token_id = listing.split("\t")[0]
    assert fleet("tokens", "revoke", token_id).exit_code == 0
    assert "revoked" in fleet("tokens", "list").output
    r = client.get("/api/v1/devices", headers=headers)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"


def test_demo_loads_once_with_every_status_and_intact_histories(fleet, session, client):
    result = fleet("demo")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Demo data loaded:")
    users = [line.split() for line in result.output.splitlines() if " flt_" in line]
    assert [u[1] for u in users] == ["admin", "warehouse", "school_it", "ministry", "founder_manager", "auditor"]
    name, _, _token, password = users[0]
    assert sign_in(client, name, password).status_code == 303  # the printed password opens /login
    statuses = set(session.scalars(select(Device.status)))
    assert {"expected", "in_warehouse", "imaged", "labelled", "in_transit", "at_school", "in_repair",
            "lost"} <= statuses
    assert fleet("verify").exit_code == 0
    again = fleet("demo")
    assert again.exit_code == 1 and "already holds data" in again.output


def test_production_refuses_to_start_without_a_secret_key(database_url, tmp_path):
    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "production", "FLEET_SECRET_KEY": "",
           "FLEET_INSTANCE_PATH": str(tmp_path)}
    result = CliRunner().invoke(main, ["verify"], env=env)
    assert result.exit_code != 0
    assert "FLEET_SECRET_KEY must be set" in result.output and "[invalid_input]" in result.output


@pytest.mark.parametrize("public_url", [None, "http://127.0.0.1:5000"])
def test_production_refuses_to_start_without_a_public_url(tmp_path, public_url):
    env = {"FLEET_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "FLEET_ENV": "production",
           "FLEET_SECRET_KEY": "s" * 40, "FLEET_INSTANCE_PATH": str(tmp_path), "FLEET_PUBLIC_URL": public_url}
    result = CliRunner().invoke(main, ["verify"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("error: FLEET_PUBLIC_URL") and result.output.count("\n") == 1
    assert "[invalid_input]" in result.output


def test_serve_gives_the_app_the_host_and_port_it_serves_on(monkeypatch, tmp_path):
    """``fleet serve --port`` in development: labels and agreements name that port (gunicorn's run is
    replaced by loading the app it would serve)."""
    from gunicorn.app.base import BaseApplication

    served = []
    monkeypatch.setattr(BaseApplication, "run", lambda self: served.append((self.cfg.bind, self.load())))
    env = {"FLEET_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "FLEET_ENV": "development",
           "FLEET_INSTANCE_PATH": str(tmp_path), "FLEET_PUBLIC_URL": None}
    result = CliRunner().invoke(main, ["serve", "--port", "5077"], env=env)
    assert result.exit_code == 0, result.output
    [(bind, app)] = served
    assert bind == ["127.0.0.1:5077"] and app.config["FLEET"].public_url == "http://127.0.0.1:5077"
    result = CliRunner().invoke(main, ["serve", "--host", "::1", "--port", "5078"], env=env)
    assert result.exit_code == 0 and served[-1][1].config["FLEET"].public_url == "http://[::1]:5078"
    result = CliRunner().invoke(main, ["serve", "--port", "5079"], env={**env, "FLEET_PUBLIC_URL": "http://x.lv"})
    assert result.exit_code == 0 and served[-1][1].config["FLEET"].public_url == "http://x.lv"  # an explicit one stays


def test_founder_manager_sees_its_municipalitys_schools(fleet, client):
    from tests.factories import DeviceFactory, FounderFactory

    founder = FounderFactory(code="DKN")
    mine, other = SchoolFactory(founder=founder), SchoolFactory()
    at_mine, _ = DeviceFactory(status="at_school", school=mine), DeviceFactory(status="at_school", school=other)
    assert fleet("users", "add", "māris", "--role", "founder_manager", "--founder", "DKN").exit_code == 0
    token = fleet("tokens", "create", "māris").stdout.strip()
    r = client.get("/api/v1/devices", headers={"Authorization": f"Bearer {token}"})
    assert [d["serial"] for d in r.get_json()["items"]] == [at_mine.serial]
    assert "māris\tfounder_manager\tlocal\tDKN\t-" in fleet("users", "list").output


def test_users_password_sets_a_local_password_and_refuses_a_short_one(fleet, session, client):
    fleet("users", "add", "ilze", "--role", "auditor")
    assert fleet("users", "password", "ilze", input="īss\n").exit_code == 1
    assert fleet("users", "password", "ilze", input="garā-parole-ilzei\n").exit_code == 0
    assert sign_in(client, "ilze", "garā-parole-ilzei").status_code == 303
    assert "ilze\tauditor\tlocal\t-\tpassword" in fleet("users", "list").output


def test_tokens_list_for_one_user(fleet):
    for name in ("anna", "ansis"):
        fleet("users", "add", name, "--role", "warehouse")
        fleet("tokens", "create", name, "--label", f"skeneris-{name}")
    listing = fleet("tokens", "list", "--user", "ansis").output.splitlines()
    assert len(listing) == 1 and "\tansis\tskeneris-ansis\tactive\tlast used never" in listing[0]
