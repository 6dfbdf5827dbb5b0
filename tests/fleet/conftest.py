"""Fixtures shared by fleet's tests: a school and its IT staff member, signed in to the API; the ``fleet``
command on the test's database; a connection that may edit the append-only history."""

from __future__ import annotations

import pytest

from tests.factories import SchoolFactory


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def it(api_as, school):
    """The API client of the school's IT staff member (``school_it`` of ``school``)."""
    return api_as("school_it", school=school)


@pytest.fixture
def fleet(database_url, tmp_path, app):
    """``fleet(*args, input=None)``: the ``fleet`` command run on the test's database (migrated by ``app``)."""
    from click.testing import CliRunner

    from fleet.cli import main

    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path / "cli")}

    def run(*args, input=None):
        return CliRunner().invoke(main, list(args), env=env, input=input)

    return run


@pytest.fixture
def raw(app):
    """A connection that may edit history, as someone with the database's password could: the events'
    append-only triggers are off for it (tests of what ``fleet verify`` and the device page then find)."""
    engine = app.extensions["fleet.engine"]
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        if postgres:
            conn.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER events_append_only")
        else:
            conn.exec_driver_sql("DROP TRIGGER events_no_update")
            conn.exec_driver_sql("DROP TRIGGER events_no_delete")
    yield engine
    if postgres:
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE events ENABLE TRIGGER events_append_only")
