"""The ``fleet`` command line, run as a user would (click's runner, configuration from FLEET_*)."""

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from fleet.auth import hash_token
from fleet.cli import main
from fleet.models import ApiToken, Device, User
from tests.factories import SchoolFactory


@pytest.fixture
def fleet(database_url, tmp_path, app):
    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path / "cli")}

    def run(*args, input=None):
        return CliRunner().invoke(main, list(args), env=env, input=input)

    return run


def test_db_upgrade_is_idempotent(fleet):
    result = fleet("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "database at revision 0009" in result.output


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
    (["tokens", "create", "nobody"], "user 'nobody' not found"),
    (["tokens", "revoke", "999"], "token 999 not found"),
])
def test_cli_refusals_exit_non_zero_with_a_coded_message(fleet, session, args, message):
    result = fleet(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert session.scalar(select(User).where(User.name == "x")) is None


def test_duplicate_user(fleet):
    assert fleet("users", "add", "anna", "--role", "admin").exit_code == 0
    result = fleet("users", "add", "anna", "--role", "admin")
    assert result.exit_code == 1 and "[duplicate]" in result.output


def test_password_from_stdin_is_hashed_with_scrypt(fleet, session):
    result = fleet("users", "add", "pēteris", "--role", "warehouse", "--password-stdin", input="correct horse battery\n")
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


def test_demo_loads_once_with_every_status_and_intact_histories(fleet, session):
    result = fleet("demo")
    assert result.exit_code == 0, result.output
    assert "48 devices" in result.output
    assert sum(line.strip().split()[-1].startswith("flt_") for line in result.output.splitlines()) == 4
    statuses = set(session.scalars(select(Device.status)))
    assert {"expected", "in_warehouse", "imaged", "labelled", "in_transit", "at_school", "in_repair", "lost"} <= statuses
    assert fleet("verify").exit_code == 0
    again = fleet("demo")
    assert again.exit_code == 1 and "already holds data" in again.output


def test_production_refuses_to_start_without_a_secret_key(database_url, tmp_path):
    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "production", "FLEET_SECRET_KEY": "",
           "FLEET_INSTANCE_PATH": str(tmp_path)}
    result = CliRunner().invoke(main, ["verify"], env=env)
    assert result.exit_code != 0
    assert "FLEET_SECRET_KEY must be set" in str(result.exception)
