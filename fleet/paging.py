"""Keyset pages: a statement limited to one page past a cursor row, the cursor of the next page, and
the one cursor format every paged list gives out and takes back.

A page asks for one row more than it shows: that row's presence says another page follows, and the
last row shown is where the next one starts. The cursor is opaque to clients: the row's id as
``{"id": n}`` in unpadded URL-safe base64 (``eyJpZCI6IDQyfQ``), whichever the list."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select

from fleet.errors import invalid

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
MAX_ROW_ID = 2**63 - 1  # a bigint; a list over a 32-bit id column passes its own maximum


def newest_first(stmt, id_column, limit: int, after: int | None):
    """``stmt`` ordered newest first, ``limit`` (and one) rows older than row ``after``."""
    stmt = stmt.order_by(id_column.desc()).limit(limit + 1)
    return stmt if after is None else stmt.where(id_column < after)


def split(rows: Sequence, limit: int, cursor: Callable[[Any], Any] = lambda row: row.id) -> tuple[list, Any]:
    """(the page's rows, the next page's cursor, or None when this is the last page)."""
    page = list(rows[:limit])
    return page, cursor(page[-1]) if len(rows) > limit else None


def encode_cursor(last_id: int | None) -> str | None:
    """The cursor of the page after row ``last_id`` (None: no next page)."""
    if last_id is None:
        return None
    return base64.urlsafe_b64encode(json.dumps({"id": last_id}).encode()).decode().rstrip("=")


def cursor_id(cursor: str, maximum: int = MAX_ROW_ID) -> int | None:
    """The row id a cursor names, or None when it is not one this service gave out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        last_id = json.loads(raw)["id"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(last_id, int) or isinstance(last_id, bool) or not 0 <= last_id <= maximum:
        return None
    return last_id


def decode_cursor(cursor: str, maximum: int = MAX_ROW_ID) -> int:
    """``cursor_id``, refused as ``invalid_input`` (field ``after``) when it is not a cursor."""
    last_id = cursor_id(cursor, maximum) if isinstance(cursor, str) else None
    if last_id is None:
        raise invalid("the 'after' cursor is not one this service gave out", [{"field": "after"}])
    return last_id


def parse_limit(raw: str | None, default: int = DEFAULT_LIMIT) -> int:
    """``?limit=``: ASCII digits, 1 to ``MAX_LIMIT``."""
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise invalid(f"limit must be a whole number 1-{MAX_LIMIT}", [{"field": "limit"}])
    return int(raw)


def in_order(stmt, key_column, id_column, limit: int, after: int | None):
    """``stmt`` ordered by a unique ``key_column`` (a code, a registration number), ``limit`` (and one)
    rows past row ``after`` (an id, so the cursor keeps its one format): keyset paging by that key."""
    stmt = stmt.order_by(key_column).limit(limit + 1)
    if after is None:
        return stmt
    return stmt.where(key_column > select(key_column).where(id_column == after).scalar_subquery())
