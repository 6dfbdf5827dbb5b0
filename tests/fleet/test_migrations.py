"""The schema comes from the Alembic revisions, on both databases, and they run down and up."""

import sqlalchemy as sa

from fleet.db import make_engine
from fleet.migrations import current, downgrade, upgrade
from fleet.models import Base


def test_migrations_match_the_models_and_run_down_and_up(database_url):
    engine = make_engine(database_url)
    try:
        assert current(engine) == "0017"
        tables = set(sa.inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        downgrade(engine, "base")
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert current(engine) == "0017"
        assert set(Base.metadata.tables) <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_no_model_change_is_missing_a_migration(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    finally:
        engine.dispose()
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name == "asset_tag_numbers")]
    assert diff == []
