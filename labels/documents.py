"""Documents on A4: the one-page reconciliation report and packing lists (per shipment or per box).

Plain data in, PDF bytes out, in Latvian with the English beneath, DejaVu Sans embedded.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from labels import fonts


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


@dataclass(frozen=True)
class PackingItem:
    serial: str
    asset_tag: str
    model: str


@dataclass(frozen=True)
class PackingList:
    title: str  # "Sūtījums 7 / Shipment 7"
    sender: str
    recipient: str  # the school
    founder: str
    date: str
    items: Sequence[PackingItem] = field(default_factory=tuple)


MAX_LISTED = 240  # serials listed on the one page, all lists together; the rest counted (the CSV has all)


def _styles():
    regular, bold = fonts.register()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=15, leading=19, spaceAfter=4),
        "head": ParagraphStyle("head", fontName=bold, fontSize=10, leading=13, spaceBefore=6, spaceAfter=3),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9, leading=11.5),
        "small": ParagraphStyle("small", fontName=regular, fontSize=7, leading=8.5),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8, leading=10),
    }


def _table(rows, widths, header: bool = True, grid: bool = True) -> Table:
    regular, bold = fonts.register()
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("FONTNAME", (0, 0), (-1, -1), regular), ("FONTSIZE", (0, 0), (-1, -1), 8),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
    if header:
        style += [("FONTNAME", (0, 0), (-1, 0), bold), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8"))]
    if grid:
        style.append(("GRID", (0, 0), (-1, -1), 0.3, colors.grey))
    table.setStyle(TableStyle(style))
    return table


def _doc(out: io.BytesIO, title: str) -> SimpleDocTemplate:
    # initialFontName: reportlab would otherwise set Helvetica on every page, a standard-14 font reference
    return SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                             bottomMargin=14 * mm, title=title, author="Fleet", invariant=1, pageCompression=1,
                             initialFontName=fonts.register()[0])


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
    st = _styles()
    story = [Paragraph(report.title, st["title"])]
    if report.status:
        story.append(Paragraph(report.status, st["body"]))
    story.append(Spacer(1, 3 * mm))
    story.append(_table([[Paragraph(k, st["cell"]), Paragraph(v, st["cell"])] for k, v in report.facts],
                        [55 * mm, 125 * mm], header=False, grid=False))
    counts = [[Paragraph(h, st["cell"]) for h in ("<b>Gaidīts</b> / Expected", "<b>Atrasts</b> / Found",
                                                   "<b>Trūkst</b> / Missing", "<b>Neparedzēts</b> / Unexpected",
                                                   "<b>Skenēts divreiz</b> / Scanned twice")],
              [str(report.expected), str(report.found), str(len(report.missing)), str(len(report.unexpected)),
               str(len(report.scanned_twice))]]
    table = _table(counts, [36 * mm] * 5)
    if report.missing or report.unexpected:
        table.setStyle(TableStyle([("TEXTCOLOR", (2, 1), (3, 1), colors.HexColor("#b00020"))]))
    story += [Spacer(1, 3 * mm), table]
    for heading, serials in (("Trūkst / Missing", report.missing), ("Neparedzēts / Unexpected", report.unexpected),
                             ("Skenēts divreiz / Scanned twice", report.scanned_twice)):
        if serials:
            story += [Paragraph(f"{heading} ({len(serials)})", st["head"]), _serial_grid(serials, room)]
            room = max(0, room - len(serials))
    if not report.missing and not report.unexpected:
        story.append(Paragraph("Viss saskan. / Everything matches.", st["head"]))
    out = io.BytesIO()
    doc = _doc(out, report.title)
    doc.build(story)
    return out.getvalue(), doc.page


def _serial_grid(serials: Sequence[str], room: int) -> Table:
    shown = list(serials[:room])
    if len(serials) > room:
        shown.append(f"… +{len(serials) - room} (CSV)")
    columns = 6
    rows = [shown[i:i + columns] for i in range(0, len(shown), columns)]
    rows[-1] += [""] * (columns - len(rows[-1]))
    table = _table(rows, [30 * mm] * columns, header=False, grid=False)
    table.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 7), ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    return table


def packing_list_pdf(packing: PackingList, box_size: int | None = None) -> bytes:
    """The packing list of a shipment; with `box_size`, one list per box (each on its own page,
    "Kaste 2/5"), so every box carries its own."""
    st = _styles()
    items = list(packing.items)
    boxes = [items[i:i + box_size] for i in range(0, len(items), box_size)] if box_size else [items]
    story: list = []
    for number, box in enumerate(boxes, 1):
        if number > 1:
            story.append(PageBreak())
        title = packing.title + (f" · Kaste / Box {number}/{len(boxes)}" if box_size else "")
        story += [Paragraph(title, st["title"]),
                  _table([[Paragraph(k, st["cell"]), Paragraph(v, st["cell"])] for k, v in (
                      ("Nosūtītājs / From", packing.sender), ("Saņēmējs / To", packing.recipient),
                      ("Dibinātājs / Owner", packing.founder), ("Datums / Date", packing.date),
                      ("Ierīces / Devices", str(len(box))))], [45 * mm, 135 * mm], header=False, grid=False),
                  Spacer(1, 4 * mm)]
        first = sum(len(b) for b in boxes[:number - 1])
        rows = [["Nr.", "Sērijas numurs / Serial", "Inventāra Nr. / Asset tag", "Modelis / Model", "✓"]]
        rows += [[str(first + i), item.serial, item.asset_tag, Paragraph(item.model, st["cell"]), ""]
                 for i, item in enumerate(box, 1)]
        story.append(_table(rows, [12 * mm, 45 * mm, 38 * mm, 75 * mm, 10 * mm]))
        story.append(KeepTogether([Spacer(1, 10 * mm), _signatures(st)]))
    out = io.BytesIO()
    _doc(out, packing.title).build(story)
    return out.getvalue()


def _signatures(st) -> Table:
    line = "_" * 34
    rows = [["Nodeva / Handed over by", "Pieņēma / Received by"],
            [line, line],
            ["vārds, uzvārds, paraksts / name, signature", "vārds, uzvārds, paraksts / name, signature"],
            ["datums / date: ____________", "datums / date: ____________"]]
    table = _table(rows, [90 * mm, 90 * mm], header=False, grid=False)
    table.setStyle(TableStyle([("FONTSIZE", (0, 2), (-1, 2), 6.5), ("TOPPADDING", (0, 1), (-1, 1), 8)]))
    return table
