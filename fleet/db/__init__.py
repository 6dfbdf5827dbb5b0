"""The database: engine set-up for SQLite and PostgreSQL, and the per-request session.

The package: ``engines`` (SQLite and PostgreSQL engines), ``sessions`` (the app's session
factories and the session of a request or command), ``bulk_copy`` (``copy_rows``: COPY of many
rows), ``fastpath`` (``DriverStatement``: the scan's statements on psycopg's cursor). Every name
callers use is re-exported here: ``from fleet import db; db.session()``.
"""

from __future__ import annotations

from fleet.db.bulk_copy import copy_rows
from fleet.db.engines import SQLITE_BUSY_TIMEOUT_MS, WRITES, default_sqlite_url, make_engine
from fleet.db.fastpath import DriverStatement, as_sqlalchemy_error
from fleet.db.sessions import READ_METHODS, engine, init_app, session

__all__ = [
    "READ_METHODS", "SQLITE_BUSY_TIMEOUT_MS", "WRITES", "DriverStatement", "as_sqlalchemy_error", "copy_rows",
    "default_sqlite_url", "engine", "init_app", "make_engine", "session",
]
