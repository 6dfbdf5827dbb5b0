"""The reconciliation report: an expected set of serials against a scanned one (a delivery, a shipment or a
stocktake) on one A4 page, in Latvian with the English beside it."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from labels.catalog import LANGUAGES, N_, bilingual, text
from labels.documents.sheet import sheet, styles, table

EXPECTED, FOUND = N_("Expected"), N_("Found")
MISSING, UNEXPECTED, SCANNED_TWICE = N_("Missing"), N_("Unexpected"), N_("Scanned twice")
EVERYTHING_MATCHES = N_("Everything matches.")
HANDED = N_("Handed over: the supplier's representative")
RECEIVED = N_("Received: the warehouse's representative")
NAME, SIGNATURE, DATE = N_("name, surname"), N_("signature"), N_("date")
MAX_LISTED = 240  # serials listed on the one page, all lists together; the rest counted (the CSV has all)


@dataclass(frozen=True)
class Reconciliation:
    """An expected set of serials against a scanned one: a delivery, a shipment or a stocktake."""

    title: str  # "Piegāde 12 / Delivery 12"
    facts: Sequence[tuple[str, str]]  # ("Līgums / Contract", "IZM-2024/17"), ...
    expected: int
    found: int
    missing: Sequence[str]
    unexpected: Sequence[str]
    scanned_twice: Sequence[str] = ()
    status: str = ""  # "Slēgta 2026-11-28, J. Bērziņš / Closed …", or "open"


def reconciliation_pdf(report: Reconciliation) -> bytes:
    """One page: the facts, the counts, and the missing, unexpected and twice-scanned serials, as
    many as the page holds (missing first); the rest are counted."""
    room = MAX_LISTED
    while True:
        pdf, pages = _reconciliation(report, room)
        if pages == 1 or room == 0:
            return pdf
        room = max(0, room - 30)


def _reconciliation(report: Reconciliation, room: int) -> tuple[bytes, int]:
    st = styles()
    story = [Paragraph(report.title, st["title"])]
    if report.status:
        story.append(Paragraph(report.status, st["body"]))
    story.append(Spacer(1, 3 * mm))
    story.append(table([[Paragraph(k, st["cell"]), Paragraph(v, st["cell"])] for k, v in report.facts],
                       [55 * mm, 125 * mm], header=False, grid=False))
    counts = [[Paragraph(_heading(message), st["cell"]) for message in (EXPECTED, FOUND, MISSING, UNEXPECTED,
                                                                          SCANNED_TWICE)],
              [str(report.expected), str(report.found), str(len(report.missing)), str(len(report.unexpected)),
               str(len(report.scanned_twice))]]
    counted = table(counts, [36 * mm] * 5)
    if report.missing or report.unexpected:
        counted.setStyle(TableStyle([("TEXTCOLOR", (2, 1), (3, 1), colors.HexColor("#b00020"))]))
    story += [Spacer(1, 3 * mm), counted]
    for message, serials in ((MISSING, report.missing), (UNEXPECTED, report.unexpected),
                             (SCANNED_TWICE, report.scanned_twice)):
        if serials:
            story += [Paragraph(f"{bilingual(message)} ({len(serials)})", st["head"]), _serial_grid(serials, room)]
            room = max(0, room - len(serials))
    if not report.missing and not report.unexpected:
        story.append(Paragraph(bilingual(EVERYTHING_MATCHES), st["head"]))
    story.append(KeepTogether([Spacer(1, 8 * mm), _signatures(st)]))
    out = io.BytesIO()
    doc = sheet(out, report.title)
    doc.build(story)
    return out.getvalue(), doc.page


def _signatures(st) -> Table:
    """The hand-over between the supplier and the warehouse: each side's representative's name, signature and
    date, on a line each, side by side."""
    line = "_" * 30
    rows = [[Paragraph(_heading(HANDED), st["cell"]), "", Paragraph(_heading(RECEIVED), st["cell"])]]
    for caption in (NAME, SIGNATURE, DATE):
        rows += [[line, "", line], [bilingual(caption), "", bilingual(caption)]]
    made = table(rows, [84 * mm, 12 * mm, 84 * mm], header=False, grid=False)
    made.setStyle(TableStyle([("TOPPADDING", (0, 1), (-1, -1), 0), ("BOTTOMPADDING", (0, 1), (-1, -1), 0),
                              *(("TOPPADDING", (0, r), (-1, r), 9) for r in (1, 3, 5)),
                              *(("FONTSIZE", (0, r), (-1, r), 6.5) for r in (2, 4, 6))]))
    return made


def _heading(message: str) -> str:
    """"<b>Gaidīts</b> / Expected": the Latvian in bold."""
    latvian, *others = (text(message, language) for language in LANGUAGES)
    return " / ".join([f"<b>{latvian}</b>", *others])


def _serial_grid(serials: Sequence[str], room: int) -> Table:
    shown = list(serials[:room])
    if len(serials) > room:
        shown.append(f"… +{len(serials) - room} (CSV)")
    columns = 6
    rows = [shown[i:i + columns] for i in range(0, len(shown), columns)]
    rows[-1] += [""] * (columns - len(rows[-1]))
    grid = table(rows, [30 * mm] * columns, header=False, grid=False)
    grid.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 7), ("TOPPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    return grid
