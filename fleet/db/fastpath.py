"""The scan's fast path: ``DriverStatement`` runs a statement compiled once on psycopg's own
cursor, skipping SQLAlchemy's per-statement work, and ``as_sqlalchemy_error`` turns what the
driver raises into what SQLAlchemy would have raised.

Both use less public parts of SQLAlchemy (a compiled statement's binds and ``positiontup``, a type's
bind and result processors, ``DBAPIError.instance``), which is why SQLAlchemy is pinned below its
next minor release. Why this exists, what it costs and what would replace it:
docs/decisions/0009-driver-statements.md. tests/fleet/test_db.py holds the driver path to the same
rows, types, errors and ORM state as the Core path.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session


def as_sqlalchemy_error(conn: Connection, statement: str, params: Any, e: Exception) -> DBAPIError:
    """What SQLAlchemy raises for a driver error met on its connection's cursor (``IntegrityError``,
    ``DataError``, ``OperationalError``, …); a connection found dead is invalidated, as SQLAlchemy
    does for its own statements."""
    dialect = conn.dialect
    invalidated = dialect.is_disconnect(e, conn.connection.driver_connection, None)
    if invalidated:
        conn.invalidate(e)
    return DBAPIError.instance(statement, params, e, dialect.loaded_dbapi.Error, connection_invalidated=invalidated,
                               dialect=dialect)


class DriverStatement:
    """A statement on the scan's hot path, run on the driver's own cursor on PostgreSQL.

    SQLAlchemy compiles it once per dialect (the SQL with its casts, and each parameter's bind
    processing, e.g. JSON); every execution then skips SQLAlchemy's per-statement work: the
    cache lookup, the execution context, the result's metadata. On a scan that work cost as much
    as the database's answer (the token lookup: 0.41 M instructions through Core, 0.12 M here).
    psycopg prepares the statement on the server. Values go through their types' bind and result
    processing, as through Core (JSON, UTC datetimes), but rows are plain tuples. Other databases and
    drivers (SQLite) run it through Core as usual. Errors are SQLAlchemy's (``IntegrityError``,
    ``OperationalError``, …), and a connection found dead is invalidated, as for any statement.
    """

    def __init__(self, statement: Executable, column_keys: Sequence[str] | None = None):
        self.statement, self.column_keys = statement, column_keys
        # dialect → (sql, bind processors, parameter order, result processors)
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def rows(self, session: Session, params: dict[str, Any]) -> list[tuple]:
        """The statement's rows, in the session's transaction; like ``Session.execute``, it
        flushes the session's pending changes first (unless autoflush is off)."""
        if session.autoflush:
            session.flush()
        conn = session.connection()
        dialect = conn.dialect
        if dialect.driver != "psycopg":
            return list(conn.execute(self.statement, params))
        sql, processors, order, results = self._compiled.get(dialect) or self._compile(dialect)
        args: dict[str, Any] | list[Any] = dict(params)
        for name, process in processors:
            args[name] = process(args[name])
        if order is not None:
            args = [args[name] for name in order]
        try:
            with conn.connection.driver_connection.cursor() as cursor:
                cursor.execute(sql, args, prepare=True)
                rows = cursor.fetchall()
        except dialect.loaded_dbapi.Error as e:
            raise as_sqlalchemy_error(conn, sql, args, e) from e
        if results:  # e.g. UTC datetimes
            rows = [tuple(value if process is None else process(value)
                          for process, value in zip(results, row, strict=True)) for row in rows]
        return rows

    def _compile(self, dialect) -> tuple[str, list, list[str] | None, list | None]:
        compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
        processors = [(name, process) for name, bind in compiled.binds.items()
                      if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None]
        results = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                   for column in self.statement.exported_columns]
        entry = self._compiled[dialect] = (compiled.string, processors,
                                           list(compiled.positiontup) if compiled.positional else None,
                                           results if any(results) else None)
        return entry
