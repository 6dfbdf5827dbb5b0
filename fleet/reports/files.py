"""A report as a file, in the format asked for: the CSV of one table (``render``), the workbook (``sheets``), the
PDF with its charts (``pdf``) — the one place that knows all three."""

from __future__ import annotations

from dataclasses import dataclass

from fleet.errors import invalid
from fleet.i18n import _l
from fleet.reports import Report, pdf, sheets
from fleet.reports.render import as_csv, table_of

FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class File:
    data: bytes
    media_type: str
    filename: str


def filename(report: Report, fmt: str, table: str | None = None) -> str:
    """``milestones-2023-12-31.pdf``; a CSV names its table: ``milestones-by_founder-2023-12-31.csv``."""
    middle = f"-{table}" if table else ""
    return f"{report.name}{middle}-{report.as_of.isoformat()}.{fmt}"


def as_file(report: Report, fmt: str, lang: str, table: str | None = None, sep: str = "semicolon") -> File:
    """The report in ``fmt`` (csv, xlsx, pdf); an unknown format is ``invalid_input`` (``fmt``)."""
    if fmt == "csv":
        chosen = table_of(report, table)
        text = as_csv(report, chosen.name, sep, lang)
        return File(text.encode("utf-8"), FORMATS[fmt], filename(report, fmt, chosen.name))
    if fmt == "xlsx":
        return File(sheets.workbook(report, lang), FORMATS[fmt], filename(report, fmt))
    if fmt == "pdf":
        return File(pdf.document(report, lang), FORMATS[fmt], filename(report, fmt))
    raise invalid(_l("a report is given as %(formats)s", formats=", ".join(("json", *FORMATS))),
                  [{"field": "fmt", "reason": "unknown_format"}])
