"""Engines for SQLite and PostgreSQL: the SQLite file's default place, and SQLite set up for
concurrent writers (WAL, a busy timeout, foreign keys, ``BEGIN IMMEDIATE`` for writing sessions)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event

SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITES = "fleet_writes"  # the execution option of the sessions that write: SQLite begins them IMMEDIATE


def default_sqlite_url(instance_path: str) -> str:
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(instance_path) / 'fleet.sqlite3'}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and ``BEGIN IMMEDIATE`` for writing transactions.

    SQLite has no ``SELECT … FOR UPDATE``: a transaction that begins IMMEDIATE takes the
    database's write lock at once, so two lifecycle transactions on one device run one after
    the other instead of both reading the old status (the SQLAlchemy "serializable isolation"
    recipe for pysqlite). Sessions for reading begin DEFERRED and never block a writer.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITES) else "BEGIN")

