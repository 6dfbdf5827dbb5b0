"""A built report (``fleet.reports.Report``) in words and figures: its JSON, the CSV of one table, and the
summary's words the workbook (``fleet.reports.sheets``) and the PDF (``fleet.reports.pdf``) share;
``fleet.reports.files`` picks the format.

Every renderer is pure: it takes the report, the language (``lv`` or ``en``) and its options, and returns
text or bytes; no request is read here. Headers, titles and the words of the summary are translated into
the language given; the figures are the report's, which hold counts only (never a pupil).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fleet import csv_export
from fleet.errors import invalid
from fleet.i18n import Text, _l
from fleet.reports import Column, Report, Table

SEPARATORS = {"semicolon": ";", "comma": ","}  # as fleet.csv_export's

# The summary's figures in words (a key no builder has named here is shown as it is, its _ as spaces).
SUMMARY_LABELS: dict[str, Text] = {
    "provided": _l("Devices provided to the target group"),
    "waiting_for_signature": _l("Hand-overs waiting only for a signature"),
    "targets": _l("Targets"),
    "target": _l("Target"),
    "achieved": _l("Achieved"),
    "date": _l("Date"),
    "wording": _l("Wording"),
    "needed_per_month": _l("Still needed per month"),
    "next_target": _l("Next target"),
    "withheld": _l("Withheld from the count"),
    "exceptions": _l("Exceptions"),
    "devices": _l("Devices"),
    "total": _l("Total"),
    "committed": _l("Committed"),
    "delivered": _l("Delivered"),
    "budget": _l("Budget"),
    "rule": _l("Counting rule"),
    "remaining": _l("Remaining"),
    "months": _l("Months left"),
    "met": _l("Met"),
    "other_source": _l("another funding source"),
    "no_contract": _l("no contract"),
    "other_fund": _l("in another fund's register"),
    "two_contracts": _l("under two contracts"),
    "no_contract_devices": _l("Devices with no contract"),
    "expected": _l("Expected"),
    "received": _l("Received"),
    "outstanding": _l("Outstanding"),
    "open_deliveries": _l("Open deliveries"),
    "shipments_in_transit": _l("Shipments in transit"),
    "devices_in_transit": _l("Devices in transit"),
    "waiting_in_warehouse": _l("Received, waiting to be imaged"),
    "waiting_imaged": _l("Imaged, waiting for a label"),
    "waiting_labelled": _l("Labelled, waiting to be shipped"),
    "waiting_in_transit": _l("In transit, waiting to arrive"),
    "waiting_at_school": _l("At school, waiting to be handed over"),
    "on_loan": _l("On loan"),
    "in_repair": _l("In repair"),
    "lost": _l("Lost"),
    "stolen": _l("Stolen"),
    "loss_rate": _l("Lost or stolen, %"),
    "unsigned": _l("Agreements awaiting a signature"),
    "unsigned_over_30": _l("Awaiting a signature for over 30 days"),
    "loans_active": _l("Active loans"),
    "loans_overdue": _l("Loans overdue for return"),
    "return_by": _l("Due back by"),
    "not_seen_90": _l("Not seen for 90 days"),
    "imaging_mismatches": _l("Imaging mismatches"),
}
YES, NO = _l("yes"), _l("no")


def add_labels(words: dict[str, Text]) -> None:
    """A report module's own summary words, beside the shared ones (a key already named keeps its words)."""
    for key, text in words.items():
        SUMMARY_LABELS.setdefault(key, text)

SCOPE, AS_OF, REFRESHED = _l("Covers"), _l("As of"), _l("Figures refreshed")
NOT_REFRESHED = _l("computed now")
PAGE = _l("Page")


def utc_z(value: datetime | None) -> str | None:
    """A timestamp in UTC with ``Z`` (a naive one is UTC), as the API gives them."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat() + "Z"


def say(value: Any, lang: str) -> str:
    """A message (``Text``) in ``lang``, true and false in words; anything else as text."""
    if isinstance(value, Text):
        return value.in_(lang)
    if isinstance(value, bool):
        return (YES if value else NO).in_(lang)
    return "" if value is None else str(value)


def label(key: str, lang: str) -> str:
    """A summary key in words."""
    known = SUMMARY_LABELS.get(key)
    return known.in_(lang) if known is not None else key.replace("_", " ").capitalize()


def plain(value: Any, lang: str) -> Any:
    """A value as JSON holds it: messages translated, dates ISO, timestamps UTC with Z, money as text."""
    if isinstance(value, Text):
        return value.in_(lang)
    if isinstance(value, datetime):
        return utc_z(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {str(k): plain(v, lang) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, lang) for v in value]
    return value


def as_json(report: Report, lang: str = "en") -> dict[str, Any]:
    """``{report, title, as_of, refreshed_at, scope, **summary, **{table: rows}}``."""
    out: dict[str, Any] = {"report": report.name, "title": say(report.title, lang),
                           "as_of": report.as_of.isoformat(), "refreshed_at": utc_z(report.refreshed_at),
                           "scope": say(report.scope_label, lang)}
    out.update(plain(report.summary, lang))
    for table in report.tables:
        out[table.name] = plain(table.rows, lang)
    return out


def table_of(report: Report, name: str | None) -> Table:
    """The table ``name`` (the report's first when None); an unknown one is ``invalid_input`` (``table``)."""
    if name is None:
        if not report.tables:
            raise invalid(_l("report %(report)s has no table", report=report.name), [{"field": "table"}])
        return report.tables[0]
    for table in report.tables:
        if table.name == name:
            return table
    allowed = [t.name for t in report.tables]
    raise invalid(_l("report %(report)s has no table %(table)s; its tables: %(tables)s", report=report.name,
                     table=name, tables=", ".join(allowed)),
                  [{"field": "table", "reason": "unknown_table", "allowed": allowed}])


def cell(value: Any, column: Column, lang: str) -> Any:
    """A value in a CSV cell: numbers as they are, text made safe from spreadsheet formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return csv_export.cell(say(value, lang))
    if column.kind in ("int", "days", "percent", "money", "decimal") and isinstance(value, int | float | Decimal):
        return plain(value, lang) if isinstance(value, Decimal) else value
    return csv_export.cell(str(plain(value, lang)))


def csv_rows(table: Table, lang: str) -> Iterable[list[Any]]:
    for row in table.rows:
        yield [cell(row.get(c.key), c, lang) for c in table.columns]


def as_csv(report: Report, table: str | None = None, sep: str = "semicolon", lang: str = "lv") -> str:
    """One table as CSV (``fleet.csv_export``): ``;`` and a byte-order mark (Excel), or ``,`` and none."""
    if sep not in SEPARATORS:
        raise invalid(_l("the CSV export's options are not valid"), [{"field": "sep", "reason": "unknown_separator"}])
    chosen = table_of(report, table)
    header = [csv_export.cell(say(c.label, lang)) for c in chosen.columns]
    return csv_export.text(header, csv_rows(chosen, lang), csv_export.Options(SEPARATORS[sep], lang))


def headline(report: Report) -> list[tuple[Text, Any]]:
    """The lines above the figures in the files: who they cover, as of when, and how fresh they are."""
    fresh = utc_z(report.refreshed_at.replace(microsecond=0)) if report.refreshed_at else None
    return [(SCOPE, report.scope_label), (AS_OF, report.as_of.isoformat()),
            (REFRESHED, fresh.replace("T", " ").replace("Z", " UTC") if fresh else NOT_REFRESHED)]


def figures(report: Report, lang: str) -> list[tuple[str, Any]]:
    """The summary's single figures (in words, value), in the builder's order; a group of figures
    (``withheld: {other_source: 2, …}``) one line each ("Withheld from the count: another source")."""
    out: list[tuple[str, Any]] = []
    for key, value in report.summary.items():
        if isinstance(value, dict):
            out += [(f"{label(key, lang)}: {label(k, lang).lower()}", v) for k, v in value.items()
                    if not isinstance(v, list | tuple | dict)]
        elif not isinstance(value, list | tuple):
            out.append((label(key, lang), value))
    return out


def listed(report: Report) -> list[tuple[str, list[dict]]]:
    """The summary's lists of flat records (``targets``), each shown as a small table; a list whose records nest
    lists or records (the connectivity report's ``items``) is the JSON's alone, its tables show it."""
    return [(k, list(v)) for k, v in report.summary.items()
            if isinstance(v, list | tuple) and v and all(isinstance(i, dict) and not any(
                isinstance(x, list | tuple | dict) for x in i.values()) for i in v)]
