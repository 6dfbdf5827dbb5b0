"""Many rows at once: PostgreSQL's ``COPY … FROM STDIN`` on the driver's cursor, in the session's
transaction (registering a manifest of tens of thousands of devices)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from fleet.db.fastpath import as_sqlalchemy_error


def copy_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write many rows into ``table`` with PostgreSQL's ``COPY … FROM STDIN``, in the session's
    transaction. Values go as the database reads them (JSON as its text, aware datetimes); a row
    the database refuses raises SQLAlchemy's exception (``IntegrityError``, ``DataError``, …) as
    an INSERT would."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    conn = session.connection()
    try:
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except conn.dialect.loaded_dbapi.Error as e:
        raise as_sqlalchemy_error(conn, statement, None, e) from e
