"""The PostgreSQL reset between tests (``tests/postgres_reset.py``), both ways it empties tables:
after it every table but the migrations' configuration is empty and every used sequence starts
again, whoever wrote the rows and even when the rows that used a sequence were rolled back."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from fleet.models import EligibilityGroup, FundingSource, ProgrammeTarget
from tests.factories import DeviceFactory, PupilFactory, UserFactory, current_session, token_for
from tests.postgres_reset import KEPT, PostgresReset

pytestmark = pytest.mark.postgres_only


@pytest.fixture(params=[False, True], ids=["delete", "truncate"])
def reset(request, pg_app):
    reset = PostgresReset(pg_app.config["FLEET"].database_url, truncate=request.param)
    yield reset
    reset.close()


@pytest.fixture
def session(pg_app):
    """The factories' session, on PostgreSQL only (the suite's ``session`` runs on both databases)."""
    return current_session()


def _rows(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        return {t: conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar() for t in tables}


def _used_sequences(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.exec_driver_sql("SELECT sequencename FROM pg_sequences WHERE last_value IS NOT NULL "
                                         "AND schemaname = current_schema() ORDER BY 1").scalars())


def test_it_leaves_only_the_migrations_rows_and_restarts_the_sequences(reset, session):
    groups_before = session.scalar(sa.select(sa.func.count()).select_from(EligibilityGroup))
    DeviceFactory(status="labelled")  # a device with events (append-only: no DELETE trigger may stop the reset)
    PupilFactory()
    token_for(UserFactory(role="admin"))
    session.commit()
    written = set(reset.holding_rows(session.connection()))
    session.commit()
    assert {"devices", "events", "pupils", "users", "api_tokens", "schools"} <= written
    assert not written & KEPT
    assert "asset_tag_seq" in _used_sequences(reset.engine)

    reset()

    rows = _rows(reset.engine)
    assert {t: n for t, n in rows.items() if n and t not in KEPT} == {}
    assert rows["eligibility_groups"] == groups_before > 0
    assert [s for s in _used_sequences(reset.engine) if not s.startswith(tuple(KEPT))] == []
    with reset.engine.connect() as conn:
        assert reset.holding_rows(conn) == []


def test_the_migrations_configuration_a_test_changed_comes_back(reset, session):
    session.execute(sa.update(FundingSource).where(FundingSource.code == "rrf").values(budget=1))
    session.execute(sa.delete(ProgrammeTarget))
    session.add(ProgrammeTarget(due_on=date(2024, 6, 30), target=1, wording_lv="x", wording_en="x"))
    session.commit()
    reset()
    session.expunge_all()
    assert session.scalar(sa.select(FundingSource.budget).where(FundingSource.code == "rrf")) == 15_000_000
    assert session.scalars(sa.select(ProgrammeTarget.target).order_by(ProgrammeTarget.due_on)).all() == [13_310, 26_620]
    session.add(ProgrammeTarget(due_on=date(2024, 6, 30), target=1, wording_lv="x", wording_en="x"))
    session.commit()  # the id sequence was not set back below the restored rows' ids


def test_sequences_moved_by_rolled_back_rows_start_again(reset, session):
    first = DeviceFactory(status="labelled")
    first_id, first_tag = first.id, first.asset_tag
    reset()
    session.expunge_all()
    with reset.engine.connect() as conn:  # sequences are not transactional: a rollback leaves them moved
        conn.exec_driver_sql("SELECT nextval('asset_tag_seq'), nextval(pg_get_serial_sequence('devices', 'id'))")
        conn.rollback()
        assert reset.holding_rows(conn) == []
    assert {"asset_tag_seq", "devices_id_seq"} <= set(_used_sequences(reset.engine))
    reset()
    again = DeviceFactory(status="labelled")
    assert (again.id, again.asset_tag) == (first_id, first_tag)
