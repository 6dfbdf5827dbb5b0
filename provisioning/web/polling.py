"""The live parts of the pages (a delivery's reconciliation, a stocktake's result), which htmx polls
every 2 s while the count is open: each poll carries the version it shows (``?seen=``), and one that
would change nothing is answered 204 — htmx then leaves the page as it is, with the focus where the
reader put it — so the part is swapped only when a station scanned something."""

from __future__ import annotations

from flask import request


def version(counts: dict, refused: int, closed: bool) -> str:
    """What the part shows, in a few characters: the counts, the refused scans, whether it is closed."""
    shown = [counts.get(k, 0) for k in ("expected", "found", "missing", "unexpected", "repeated")]
    return "-".join(str(n) for n in [*shown, refused, int(closed)])


def unchanged(shown: str) -> bool:
    """Whether the poll's page shows this version already."""
    return request.args.get("seen") == shown
