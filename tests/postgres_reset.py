"""Emptying the PostgreSQL test database between tests: cheaply, and to exactly the state the
migrations left (every table empty but the migrations' own configuration rows, every sequence
back at its start).

``TRUNCATE`` of all ~30 tables cost about half a second a test (each truncated table and index gets
a new file, and the commit waits for them), more than most tests themselves. Instead one query asks
which tables hold a row (``EXISTS`` on each: exact, unlike the statistics views, which lag), only
those are emptied, and only the sequences that were used are set back. Emptying is a ``DELETE`` with
``session_replication_role = replica`` — foreign keys and the ``events`` append-only triggers are not
fired, which is right when every table of the schema ends empty — and needs a superuser; any other
role gets ``TRUNCATE … CASCADE`` of the tables that hold rows, correct but slower.
"""

from __future__ import annotations

import sqlalchemy as sa

from fleet.db import make_engine

# The migrations' own rows: configuration, not test data. Those a test may change (a budget, a target) are
# put back as the migrations left them at every reset (RESTORED: deleted and inserted again, a few rows).
RESTORED = ("funding_sources", "programme_targets", "connectivity_prices", "connectivity_thresholds")
KEPT = frozenset({"alembic_version", "eligibility_groups", *RESTORED})

_TABLES = """
SELECT c.relname FROM pg_class c
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""

# Sequences of the schema, except those owned by a kept table (its rows stay, so must its counter).
_SEQUENCES = """
SELECT s.relname FROM pg_class s
WHERE s.relnamespace = current_schema()::regnamespace AND s.relkind = 'S'
  AND NOT EXISTS (
    SELECT FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
      AND t.relname = ANY(:kept))
ORDER BY s.relname
"""

# pg_sequences.last_value is NULL until nextval() (or setval(…, true)) has been called since the start.
_RESTART_USED_SEQUENCES = """
SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) FROM pg_sequences
WHERE schemaname = current_schema() AND last_value IS NOT NULL AND sequencename::text = ANY(:names)
"""


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


class PostgresReset:
    """``reset()`` empties what the last test wrote. ``truncate=None`` picks by the role: ``DELETE``
    as a superuser, ``TRUNCATE`` otherwise; True or False forces one (the suite tests both)."""

    def __init__(self, url: str, truncate: bool | None = None):
        self.url = url
        self.engine = make_engine(url)
        with self.engine.connect() as conn:
            self.tables = [t for t in conn.execute(sa.text(_TABLES)).scalars() if t not in KEPT]
            self.sequences = list(conn.execute(sa.text(_SEQUENCES), {"kept": sorted(KEPT)}).scalars())
            superuser = conn.exec_driver_sql("SELECT current_setting('is_superuser')").scalar() == "on"
            metadata = sa.MetaData()
            self.restored = [(table, [dict(r) for r in conn.execute(sa.select(table)).mappings()])
                             for table in (sa.Table(name, metadata, autoload_with=conn) for name in RESTORED)]
        self.truncate = (not superuser) if truncate is None else truncate
        self._probe = sa.text(" UNION ALL ".join(
            f"SELECT {_literal(t)} WHERE EXISTS (SELECT FROM {_quoted(t)})" for t in self.tables))

    def holding_rows(self, conn: sa.Connection) -> list[str]:
        """The tables (of those the reset empties) that hold at least one row."""
        return list(conn.execute(self._probe).scalars())

    def __call__(self) -> None:
        with self.engine.begin() as conn:
            written = self.holding_rows(conn)
            if written and self.truncate:
                conn.exec_driver_sql(f"TRUNCATE {', '.join(map(_quoted, written))} CASCADE")
            elif written:
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
                for table in written:
                    conn.exec_driver_sql(f"DELETE FROM {_quoted(table)}")
            conn.execute(sa.text(_RESTART_USED_SEQUENCES), {"names": self.sequences}).all()
            for table, rows in self.restored:
                conn.execute(sa.delete(table))
                conn.execute(sa.insert(table), rows)

    def close(self) -> None:
        self.engine.dispose()
