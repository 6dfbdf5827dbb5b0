"""Keyset pages: a statement limited to one page past a cursor row, and the cursor of the next page.

A page asks for one row more than it shows: that row's presence says another page follows, and the
last row shown is where the next one starts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def newest_first(stmt, id_column, limit: int, after: int | None):
    """``stmt`` ordered newest first, ``limit`` (and one) rows older than row ``after``."""
    stmt = stmt.order_by(id_column.desc()).limit(limit + 1)
    return stmt if after is None else stmt.where(id_column < after)


def split(rows: Sequence, limit: int, cursor: Callable[[Any], Any] = lambda row: row.id) -> tuple[list, Any]:
    """(the page's rows, the next page's cursor, or None when this is the last page)."""
    page = list(rows[:limit])
    return page, cursor(page[-1]) if len(rows) > limit else None
