"""The live parts of the pages (a delivery's reconciliation, a stocktake's result), which htmx polls
every 2 s while the count is open: each poll carries the version it shows (``?seen=``), and one that
would change nothing is answered 204 — htmx then leaves the page as it is, with the focus where the
reader put it — so the part is swapped only when a station scanned something."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import render_template, request


def version(counts: dict, refused: int, closed: bool) -> str:
    """What the part shows, in a few characters: the counts, the refused scans, whether it is closed."""
    shown = [counts.get(k, 0) for k in ("expected", "found", "missing", "unexpected", "repeated")]
    return "-".join(str(n) for n in [*shown, refused, int(closed)])


def unchanged(shown: str) -> bool:
    """Whether the poll's page shows this version already."""
    return request.args.get("seen") == shown


def answer(fragment: str, shown: Callable[[], dict], whole_page: Callable[[], Any]):
    """A poll's answer: the whole page when it was opened as a page (not htmx's request), nothing (204)
    when the part would look as it does, else the part (``fragment`` rendered with ``shown()``)."""
    if not request.headers.get("HX-Request"):
        return whole_page()
    values = shown()
    if unchanged(values["version"]):
        return "", 204
    return render_template(fragment, **values)
