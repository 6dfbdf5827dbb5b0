"""What the dashboard's page shows, worked out from the reports (``fleet.reports.build``) so that the view
stays thin: each panel's report (or why it is missing), the targets in words (met, not met, what a month
still needs), the founders' table sorted by ``?sort=``, the exceptions' counts, how fresh the figures are,
values printed by their column's kind, the charts as SVG (``fleet.reports.svg``), and the connectivity
panel's figures (the round, its budget against the plan's total, the schools without data; that report is
computed live, so the page keeps it for the roll-ups' period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import ceil
from time import monotonic
from typing import Any

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.errors import FleetError
from fleet.i18n import Text, _l, current_locale
from fleet.models import Founder
from fleet.reports import Chart, Column, Params, Reach, Report, Series, Table, build, rollup, svg

YES, NO = _l("yes"), _l("no")  # a true or false value in a table, in words
PANELS = ("milestones", "pipeline", "health", "funding", "connectivity")
LIVE = ("connectivity",)  # computed from the rows on each build, not from the roll-ups
FORMATS = ("pdf", "xlsx", "csv")
# The exceptions: the list behind each (``fleet.reports.lists``), the report whose summary counts it and the key.
EXCEPTIONS = (("double_funding", "funding", "double_funding", _l("Devices under two contracts or funds")),
              ("unsigned", "health", "unsigned_over_30", _l("Agreements unsigned for more than 30 days")),
              ("not_seen", "health", "not_seen_90", _l("Devices not seen for 90 days")))


@dataclass
class Panel:
    """A report as the page shows it: built, or the refusal that says why not (not built yet, …)."""

    name: str
    report: Report | None
    missing: FleetError | None = None


def panels(session: Session, reach: Reach, params: Params) -> dict[str, Panel]:
    """Every panel's report for this reader; one that cannot be built is shown as missing, not a 500."""
    out = {}
    for name in PANELS:
        try:
            out[name] = Panel(name, _built(name, session, reach, params))
        except FleetError as refusal:
            out[name] = Panel(name, None, refusal)
    return out


def _built(name: str, session: Session, reach: Reach, params: Params) -> Report:
    """A panel's report. One computed live (``LIVE``: the connectivity report analyses every measurement, seconds
    at a national scale) is kept for the roll-ups' period per reader, founder and language, so that the page stays
    as quick as the roll-ups make the rest of it and its figures no older than the page says they are."""
    if name not in LIVE:
        return build(name, session, reach, params)
    kept = current_app.extensions.setdefault("fleet.dashboard_live", {})
    every, now = current_app.config["FLEET"].rollup_seconds, monotonic()
    key = (name, reach, params, current_locale())
    found = kept.get(key)
    if found is not None and now - found[0] < every:
        return found[1]
    made = build(name, session, reach, params)
    for old in [k for k, (at, _) in kept.items() if now - at >= every]:
        kept.pop(old, None)
    kept[key] = (now, made)
    return made


def founders(session: Session, reach: Reach) -> list[Founder]:
    """The founders to pick from: every founder for readers of every school; none for a founder manager."""
    if not reach.all_schools:
        return []
    return list(session.scalars(select(Founder).order_by(Founder.name, Founder.code)))


def day(value: Any) -> str:
    """A date as Latvian readers write it, ``31.12.2022`` (an ISO date or a ``date``)."""
    if value in (None, ""):
        return "—"
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return d.strftime("%d.%m.%Y")


def number(value: Any) -> str:
    return "—" if value is None else svg.number(float(value), current_locale())


def cell(value: Any, column: Column) -> str:
    """A table's value printed by its column's kind."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return (YES if value else NO).in_(current_locale())
    if column.kind in ("int", "days"):
        return number(value)
    if column.kind == "decimal":
        return f"{float(value):,.1f}".replace(",", "\u00a0").replace(".", "," if current_locale() == "lv" else ".")
    if column.kind == "money":
        whole, _, cents = f"{float(value):,.2f}".partition(".")
        sep, point = ("\u00a0", ",") if current_locale() == "lv" else (",", ".")
        return f"{whole.replace(',', sep)}{point}{cents}\u00a0€"
    if column.kind == "percent":
        return f"{float(value):.1f}\u00a0%".replace(".", "," if current_locale() == "lv" else ".")
    if column.kind == "date":
        return day(value)
    return str(value)


def months_between(start: date, end: date) -> int:
    """Calendar months from ``start``'s month to ``end``'s, both counted (as the milestones report counts)."""
    return max(1, (end.year * 12 + end.month) - (start.year * 12 + start.month) + 1)


@dataclass
class Target:
    """A target as the page says it: ``achieved`` of ``target`` by ``due``, and whether it is met, missed or
    still open (then ``per_month``: what each month left must add)."""

    due: date
    target: int
    achieved: int
    wording: str
    state: str  # met | missed | open
    per_month: int | None


def targets(report: Report | None) -> list[Target]:
    """The milestones report's targets in words; what a month still needs comes from its ``next_target``
    (else it is worked out here the same way: the calendar months left, both ends counted)."""
    if report is None:
        return []
    provided = int(report.summary.get("provided") or 0)
    following = report.summary.get("next_target") or {}
    out = []
    for t in report.summary.get("targets") or []:
        due = date.fromisoformat(str(t["date"])[:10])
        target, achieved = int(t["target"]), int(t.get("achieved") or 0)
        if t.get("met", achieved >= target):
            state, per_month = "met", None
        elif due < report.as_of:
            state, per_month = "missed", None
        else:
            state = "open"
            per_month = following.get("needed_per_month") if following.get("date") == t["date"] else None
            if per_month is None:
                per_month = ceil(max(target - provided, 0) / months_between(report.as_of, due))
        out.append(Target(due, target, achieved, str(t.get("wording") or ""), state, per_month))
    return out


def sort_rows(table: Table, sort: str | None, default: str) -> tuple[list[dict], str, bool]:
    """``table``'s rows sorted by ``?sort=KEY`` (``-KEY``: descending); an unknown key sorts by ``default``.
    Returns (rows, key, descending)."""
    keys = {c.key: c for c in table.columns}
    descending = bool(sort and sort.startswith("-"))
    key = (sort or "").lstrip("-")
    if key not in keys:
        key, descending = default.lstrip("-"), default.startswith("-")
    if key not in keys:
        return list(table.rows), key, descending
    numeric = keys[key].kind in ("int", "money", "percent", "days", "decimal")

    def order(row):
        value = row.get(key)
        if value is None:
            return (1, 0 if numeric else "")
        return (0, float(value) if numeric else str(value).casefold())

    present = [r for r in table.rows if r.get(key) is not None]
    absent = [r for r in table.rows if r.get(key) is None]
    return sorted(present, key=order, reverse=descending) + absent, key, descending


def founder_bars(report: Report | None) -> Chart | None:
    """The founders' bar chart: the report's own, else one drawn from its ``by_founder`` table."""
    if report is None:
        return None
    for chart in report.charts:
        if chart.kind == "bars":
            return chart
    try:
        table = report.table("by_founder")
    except FleetError:
        return None
    rows = sorted(table.rows, key=lambda r: -(r.get("provided") or 0))
    return Chart("by_founder", table.title, "bars",
                 [Series(_l("Provided"), [(str(r.get("name") or r.get("founder")), r.get("provided") or 0)
                                          for r in rows])], "by_founder")


def line_chart(report: Report | None) -> Chart | None:
    if report is None:
        return None
    return next((c for c in report.charts if c.kind == "line"), None)


def draw(chart: Chart, ident: str) -> Markup:
    return Markup(svg.draw(chart, ident, locale=current_locale(), empty=str(_l("No figures yet"))))  # noqa: S704


def table_of(report: Report | None, name: str) -> Table | None:
    if report is None:
        return None
    try:
        return report.table(name)
    except FleetError:
        return None


def exception_counts(built: dict[str, Panel]) -> list[tuple[str, Text, int | None]]:
    """(list name, title, count — None when its report is not available) of each exception. The funding
    report counts the double-funding check's exceptions by kind: their sum (a device may be of two kinds)."""
    out = []
    for name, source, key, title in EXCEPTIONS:
        report = built[source].report
        found = None if report is None else report.summary.get(key)
        if isinstance(found, dict):
            found = sum(v for v in found.values() if isinstance(v, int))
        out.append((name, title, found if isinstance(found, int) else None))
    return out


def refreshed(session: Session, built: dict[str, Panel]):
    """When the figures shown were made: the oldest refresh the reports read, else the roll-ups' last."""
    times = [p.report.refreshed_at for p in built.values() if p.report is not None and p.report.refreshed_at]
    if times:
        return min(times)
    run = rollup.latest(session)
    return run.finished_at if run is not None else None


PIPELINE_FIGURES = (("devices_in_transit", _l("devices on the road to schools")),
                    ("shipments_in_transit", _l("shipments in transit")),
                    ("outstanding", _l("devices still expected from suppliers")))


def pipeline_figures(report: Report | None) -> list[tuple[str, Text, int]]:
    """The pipeline's headline counts: (key, words, count)."""
    if report is None:
        return []
    return [(key, words, report.summary[key]) for key, words in PIPELINE_FIGURES
            if isinstance(report.summary.get(key), int)]


def chart_of(report: Report | None, name: str) -> Chart | None:
    if report is None:
        return None
    return next((c for c in report.charts if c.name == name), None)


@dataclass
class Connectivity:
    """The connectivity panel's figures: the round (None: no round yet), its budget (None: not set), the
    plan's total and what the budget funds, the schools and those without data."""

    round: dict | None
    budget: str | None
    total: str | None
    funded: str | None
    remaining: str | None
    schools: int
    without_data: int


def connectivity(report: Report | None) -> Connectivity | None:
    if report is None:
        return None
    s = report.summary
    return Connectivity(s.get("round"), s.get("budget"), s.get("total_cost"), s.get("funded"), s.get("remaining"),
                        int(s.get("school_count") or 0), int(s.get("without_data") or 0))


def euros(value: Any) -> str:
    """An amount in EUR as the page prints money (``—`` for none)."""
    return cell(value, Column("amount", _l("Amount"), "money"))
