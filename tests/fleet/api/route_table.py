"""The role × endpoint table's row (``Route``) and the role sets its rows name. The table itself is
``ROUTES`` in ``test_access.py``, with the rows of ``routes_<area>.py`` beside it (each ``ROUTES = [Route(...)]``),
so that an area adds its routes without touching the others'."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

ROLES = ("admin", "warehouse", "school_it", "ministry", "founder_manager", "auditor")
EVERYONE = frozenset(ROLES)
READ_ONLY = ("ministry", "founder_manager", "auditor")


# --- the role × endpoint table --------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    """One call of one API route; ``roles`` get ``ok``, every other role gets 403 ``forbidden``.

    ``rule`` is the route as ``app.url_map`` spells it, so that a route missing from this table
    fails ``test_table_covers_every_api_route``. Each call is made as every role, and as school_it
    and founder_manager of another school too: a route touching the world school's data sets
    ``elsewhere`` (404 where that data is then invisible). Strings in ``path`` and ``body`` may name the
    ``world`` fixture's objects: {founder}, {school}, {contract}, {serial}.
    """

    method: str
    rule: str
    path: str
    body: dict | None
    ok: int
    roles: frozenset[str]
    scoped_out: frozenset[str] = frozenset()  # may use the route, but not for this object: 404
    elsewhere: int | None = None  # the answer for a scoped role of another school (None: as ``ok``)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


WRITE_CATALOG = frozenset({"admin"})
WRITE_DEVICES = frozenset({"admin", "warehouse"})
ACT = frozenset({"admin", "warehouse", "school_it"})
READ_DELIVERIES = frozenset({"admin", "warehouse", "ministry", "auditor"})
COUNT = frozenset({"admin", "school_it"})  # a school's stocktake; the warehouse counts only its own
WAREHOUSE = frozenset({"warehouse"})
PRINT = frozenset({"admin", "warehouse", "school_it"})
PREPRINT = frozenset({"admin", "warehouse"})
PUPILS = frozenset({"admin", "school_it"})  # pupils and loans: never the warehouse, ministry or founder managers
SIGNED_AGREEMENTS = frozenset({"admin", "school_it", "auditor"})  # the auditor: signed copies, none of the rest
REPORTS = frozenset({"admin", "ministry", "founder_manager", "auditor"})  # the programme's reports: counts only
CONNECTIVITY_READ = frozenset({"admin", "school_it", "ministry", "founder_manager", "auditor"})
SURVEY_ANSWER = frozenset({"admin", "school_it", "founder_manager"})  # school IT its school, a founder its schools
MEASURE = frozenset({"admin", "school_it"})
PLAN = frozenset({"admin", "ministry"})  # the rounds, the plan's budget, prices and thresholds


def area_routes() -> list[Route]:
    """The rows of every ``routes_<area>.py`` beside this module."""
    rows: list[Route] = []
    for path in sorted(Path(__file__).parent.glob("routes_*.py")):
        rows += importlib.import_module(f"tests.fleet.api.{path.stem}").ROUTES
    return rows
