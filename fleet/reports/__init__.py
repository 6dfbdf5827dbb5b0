"""The programme's reports: what a report is (``Report``: a summary, tables and charts, all counts, never a
pupil), the registry of the reports by name, and who may read which figures (``Reach``).

A report is built once (``build(name, session, reach, params)``) and rendered many ways by
``fleet.reports.render``: JSON for the API, CSV (one table), XLSX (a sheet per table), a PDF with charts,
the dashboard's page. Builders live beside this module, one per report: ``milestones``, ``funding``,
``health``, ``pipeline`` read the roll-ups ``fleet worker`` refreshes (``rollup``) so that they
answer in milliseconds at a national scale, and say how fresh the figures are (``refreshed_at``);
``connectivity`` is computed live from the survey's answers and the measurements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from fleet.errors import FleetError, invalid
from fleet.i18n import Text, _l

Kind = Literal["text", "int", "money", "date", "percent", "days", "decimal"]  # decimal: a figure, one decimal


@dataclass(frozen=True)
class Column:
    """A table's column: the row's key, its header in the reader's language, and how values print."""

    key: str
    label: Text
    kind: Kind = "text"


@dataclass
class Table:
    """A table of a report: ``rows`` are dicts by the columns' keys (JSON values: str, int, float, None;
    dates as ISO text). ``name`` is its key in the JSON and the CSV's ``?table=``."""

    name: str
    title: Text
    columns: Sequence[Column]
    rows: list[dict[str, Any]]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Series:
    """One line or set of bars: (x, y) points; x an ISO date (a line over time) or a label (bars)."""

    label: Text
    points: Sequence[tuple[str, float]]


@dataclass(frozen=True)
class Mark:
    """A point marked on a chart: a target (its date and count) with its label."""

    x: str
    y: float
    label: Text


@dataclass(frozen=True)
class Chart:
    """A chart of a report, drawn by the PDF (reportlab) and the dashboard (SVG) alike. ``kind``: ``line``
    (cumulative over dates, with ``marks``) or ``bars`` (one bar per label, several series side by side).
    ``table``: the name of the table that holds its numbers (screen readers and print get the table)."""

    name: str
    title: Text
    kind: Literal["line", "bars"]
    series: Sequence[Series]
    table: str
    marks: Sequence[Mark] = ()


@dataclass
class Report:
    """A built report. ``summary``: its top-level figures as the API's JSON gives them (``provided``,
    ``targets`` …); ``tables`` and ``charts`` as above; ``refreshed_at``: when the roll-ups it read were
    refreshed (None: computed live)."""

    name: str
    title: Text
    as_of: date
    summary: dict[str, Any]
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    refreshed_at: datetime | None = None
    scope_label: str = ""  # who the figures cover: "all founders", a founder's name, a school's

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise invalid(_l("report %(report)s has no table %(table)s", report=self.name, table=name),
                      [{"field": "table", "reason": "unknown_table", "allowed": [t.name for t in self.tables]}])


@dataclass(frozen=True)
class Params:
    """What a reader asks of a report: the day (default today, Riga time), one founder (its code) or one
    school (its registration number), for the connectivity report one survey round (its code; default the
    latest), and for lists a page (``limit``, ``after``)."""

    as_of: date | None = None
    founder: str | None = None
    school: str | None = None
    round: str | None = None


@dataclass(frozen=True)
class Reach:
    """The schools whose figures a reader may see: every school (and the warehouse) for the ministry,
    auditors and admins; a founder manager's own schools. Built from the principal's scope."""

    all_schools: bool
    school_ids: frozenset[int] = frozenset()

    @classmethod
    def of(cls, scope) -> Reach:
        return cls(scope.all_schools, frozenset(scope.school_ids))


Builder = Callable[[Session, Reach, Params], Report]
REPORTS: dict[str, Builder] = {}
TITLES: dict[str, Text] = {}


def report(name: str, title: Text) -> Callable[[Builder], Builder]:
    """Register a report's builder under ``name`` (``GET /api/v1/reports/{name}``, ``fleet report NAME``)."""
    def register(builder: Builder) -> Builder:
        REPORTS[name] = builder
        TITLES[name] = title
        return builder
    return register


def names() -> list[str]:
    _load()
    return sorted(REPORTS)


def build(name: str, session: Session, reach: Reach, params: Params) -> Report:
    """Report ``name`` for a reader who may see ``reach``: ``not_found`` for a name no report has."""
    _load()
    if name not in REPORTS:
        raise FleetError("not_found", _l("no report is called %(name)s; the reports: %(names)s",
                                         name=name, names=", ".join(sorted(REPORTS))))
    return REPORTS[name](session, reach, params)


def _load() -> None:
    """Import the builders (each registers itself)."""
    from fleet.reports import connectivity, funding, health, milestones, pipeline  # noqa: F401
