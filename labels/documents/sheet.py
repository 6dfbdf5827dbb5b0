"""The plain A4 sheet of provisioning's lists (the reconciliation report, the packing list): margins, paragraph
styles and a table, DejaVu Sans embedded, deterministic bytes (reportlab's invariant mode)."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from labels import fonts


def styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts.register()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=15, leading=19, spaceAfter=4),
        "head": ParagraphStyle("head", fontName=bold, fontSize=10, leading=13, spaceBefore=6, spaceAfter=3),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9, leading=11.5),
        "small": ParagraphStyle("small", fontName=regular, fontSize=7, leading=8.5),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8, leading=10),
        "headcell": ParagraphStyle("headcell", fontName=bold, fontSize=8, leading=10),
    }


def table(rows, widths, header: bool = True, grid: bool = True) -> Table:
    regular, bold = fonts.register()
    made = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("FONTNAME", (0, 0), (-1, -1), regular), ("FONTSIZE", (0, 0), (-1, -1), 8),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
    if header:
        style += [("FONTNAME", (0, 0), (-1, 0), bold), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8"))]
    if grid:
        style.append(("GRID", (0, 0), (-1, -1), 0.3, colors.grey))
    made.setStyle(TableStyle(style))
    return made


def sheet(out: io.BytesIO, title: str) -> SimpleDocTemplate:
    # initialFontName: reportlab would otherwise set Helvetica on every page, a standard-14 font reference
    return SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                             bottomMargin=14 * mm, title=title, author="Fleet", invariant=1, pageCompression=1,
                             initialFontName=fonts.register()[0])
