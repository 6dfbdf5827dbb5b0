"""The page of a keyset-paged list the reader asks for (``?after=`` a cursor), and the next one's."""

from __future__ import annotations

from flask import request

from fleet import paging

PAGE_SIZE = 50


def after() -> int | None:
    """The row the page starts after (``?after=`` a cursor this service gave out), None for the first page."""
    cursor = request.args.get("after")
    return None if cursor is None else paging.decode_cursor(cursor)


def next_page(last_id: int | None) -> str | None:
    """The ``?after=`` cursor of the next page, None on the last one."""
    return paging.encode_cursor(last_id)
