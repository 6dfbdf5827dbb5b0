"""A report as an XLSX workbook, written with openpyxl's write-only workbook (rows streamed to the file, not
kept as cell objects; docs/decisions/0012-xlsx-writer.md): a summary sheet (title, who the figures cover,
as of when, how fresh, the summary's figures and its lists), then one sheet per table. Headers are bold,
numbers are numbers, money has two decimals, dates are dates; text is always a text cell, never a formula
(a name starting with = is shown as written)."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fleet.reports import Column, Report, Table
from fleet.reports.render import figures, headline, label, listed, say

MAX_SHEET_NAME = 31
_NOT_IN_NAME = re.compile(r"[\[\]:*?/\\]")
FORMATS = {"int": "#,##0", "days": "0", "money": "#,##0.00", "percent": "0.0", "decimal": "#,##0.0",
           "date": "yyyy-mm-dd"}
TEXT_WIDTH, NUMBER_WIDTH = 28, 14


def workbook(report: Report, lang: str) -> bytes:
    """The report's workbook as bytes."""
    from openpyxl import Workbook  # imported when a workbook is asked for, not with the app

    book = Workbook(write_only=True)
    names: set[str] = set()
    _summary(book.create_sheet(_name(say(report.title, lang), names)), report, lang)
    for table in report.tables:
        _table(book.create_sheet(_name(say(table.title, lang) or table.name, names)), table, lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _name(wanted: str, taken: set[str]) -> str:
    """A sheet's name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _NOT_IN_NAME.sub(" ", wanted).strip()[:MAX_SHEET_NAME] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: MAX_SHEET_NAME - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _bold(sheet, value: Any):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    made = WriteOnlyCell(sheet, value=value)
    made.font = Font(bold=True)
    return made


def _typed(sheet, value: Any, kind: str, lang: str):
    """A cell holding ``value`` as its kind says: a number, a date, or text (text is never a formula)."""
    from openpyxl.cell import WriteOnlyCell

    made = WriteOnlyCell(sheet, value=_value(value, kind, lang))
    if isinstance(made.value, str):
        made.data_type = "s"  # "=…" stays the text it is
    elif kind in FORMATS:
        made.number_format = FORMATS[kind]
    return made


def _value(value: Any, kind: str, lang: str) -> Any:
    if value is None:
        return None
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    if kind in ("int", "days") and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if kind in ("money", "percent", "decimal") and isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    if isinstance(value, bool) or isinstance(value, int | float | Decimal | date):
        return value
    return say(value, lang)


def _widths(sheet, kinds: list[str]) -> None:
    from openpyxl.utils import get_column_letter

    for i, kind in enumerate(kinds, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = TEXT_WIDTH if kind == "text" else NUMBER_WIDTH


def _summary(sheet, report: Report, lang: str) -> None:
    _widths(sheet, ["text", "text", "text", "text", "text"])
    sheet.append([_bold(sheet, say(report.title, lang))])
    for word, value in headline(report):
        sheet.append([say(word, lang), say(value, lang)])
    sheet.append([])
    for words, value in figures(report, lang):
        sheet.append([words, _typed(sheet, value, _kind_of(value), lang)])
    for key, items in listed(report):
        sheet.append([])
        sheet.append([_bold(sheet, label(key, lang))])
        keys = list(dict.fromkeys(k for item in items for k in item))
        sheet.append([_bold(sheet, label(k, lang)) for k in keys])
        for item in items:
            sheet.append([_typed(sheet, item.get(k), _kind_of(item.get(k), k), lang) for k in keys])


def _kind_of(value: Any, key: str = "") -> str:
    if key == "date" or key.endswith(("_on", "_date")):
        return "date"
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "percent"
    if isinstance(value, Decimal):
        return "money"
    return "text"


def _table(sheet, table: Table, lang: str) -> None:
    columns: list[Column] = list(table.columns)
    _widths(sheet, [c.kind for c in columns])
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, say(c.label, lang)) for c in columns])
    for row in table.rows:
        sheet.append([_typed(sheet, row.get(c.key), c.kind, lang) for c in columns])
