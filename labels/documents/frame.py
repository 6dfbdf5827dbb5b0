"""The A4 frame of the loan documents (agreement, signed agreement, return act): page geometry, paragraph
styles, the parties, label-and-value tables, signature blocks, the signing QR code, the EU funding line, and the
footer that numbers each document's pages on its own ("Lapa 1/2").

Every output is deterministic (reportlab's invariant mode): the same input, fonts and reportlab give the same
bytes. DejaVu Sans is embedded; no standard-14 font is referenced anywhere.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaParser

from labels import emblem, fonts, symbols

LEFT, RIGHT, TOP, BOTTOM = 18 * mm, 18 * mm, 14 * mm, 18 * mm
FRAME_PAD = 6  # points: platypus's frames keep this inside the margins
WIDTH = A4[0] - LEFT - RIGHT - 2 * FRAME_PAD
QR_SIZE = 27 * mm  # with its quiet zone: a module of about 0.6 mm for a signing link of 70 characters
EMBLEM_HEIGHT = 9 * mm
FOOTER_SIZE = 7.5
EMBLEM_FORM = "EUEmblem"
GREY = colors.HexColor("#555555")
LINE = colors.HexColor("#999999")
SHADE = colors.HexColor("#f2f2f2")
WARN = colors.HexColor("#b00020")
LABEL_WIDTH = 54 * mm
PAD = 4  # points inside a grid's cells


@dataclass(frozen=True)
class Party:
    name: str
    detail: str = ""  # "reģ. Nr. 90000048491", "VIIS 4312903421", "5.b klase"

    def __str__(self) -> str:
        return f"{self.name}, {self.detail}" if self.detail else self.name


# ---- styles and paragraphs -----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts.register()
    base = ParagraphStyle("body", fontName=regular, fontSize=9, leading=11.6, alignment=TA_LEFT, spaceAfter=2.2,
                          bulletFontName=regular)
    return {
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=15, leading=19, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=9.5, leading=12.5, spaceAfter=0),
        "head": ParagraphStyle("head", base, fontName=bold, fontSize=10, leading=13, spaceBefore=5,
                               spaceAfter=2, keepWithNext=1),
        "body": base,
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "label": ParagraphStyle("label", base, fontSize=8.5, leading=10.5, spaceAfter=0,
                                textColor=GREY),
        "small": ParagraphStyle("small", base, fontSize=7, leading=8.5, spaceAfter=0, textColor=GREY),
        "act": ParagraphStyle("act", base, fontName=bold, fontSize=12, leading=15, spaceAfter=1),
        "caption": ParagraphStyle("caption", base, fontSize=6.5, leading=8, alignment=TA_CENTER, spaceAfter=0),
        "hash": ParagraphStyle("hash", base, fontSize=7.5, leading=10.5, spaceAfter=0),
        "warn": ParagraphStyle("warn", base, fontSize=8.5, leading=10.5, spaceAfter=0, textColor=WARN),
    }


def bold(text: str) -> str:
    return f'<font name="{fonts.BOLD}">{escape(text)}</font>'


def plain(text: str, style: str, fixed: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped); `fixed`: the same in every document (the frame's words)."""
    return paragraph(escape(text), style, fixed)


def paragraph(markup: str, style: str, fixed: bool = False) -> Paragraph:
    """A paragraph of markup. A `fixed` one (the same in every document: no pupil's or guardian's data in it) is
    parsed once, and its lines broken once per width, per process: those two are half the time of an agreement,
    and most of an agreement's text is the same in every one."""
    if not fixed:
        return Paragraph(markup, styles()[style])
    made = _FixedParagraph(markup, styles()[style], frags=list(_parsed(markup, style)))
    made.fixed_key = (markup, style)
    return made


@lru_cache(maxsize=2048)
def _parsed(markup: str, style: str) -> tuple:
    """The fragments of a paragraph, as Paragraph parses them (wrapping and drawing read them, never change them)."""
    parser = ParaParser()
    parser.caseSensitive = 1
    _, frags, _ = parser.parse(cleanBlockQuotedText(markup), styles()[style])
    if frags is None:
        raise ValueError(f"paragraph markup: {parser.errors[0]} in {markup[:40]!r}")
    return tuple(frags)


_BROKEN: dict[tuple, tuple] = {}  # (markup, style, width) -> the broken lines, as Paragraph.wrap leaves them
MAX_BROKEN = 4096


class _FixedParagraph(Paragraph):
    """A paragraph that breaks its lines at a width once per process (reportlab's drawing and splitting read
    the broken lines, never change them). The parts of a split paragraph are made without a key and wrap as
    usual."""

    fixed_key: tuple | None = None

    def wrap(self, availWidth, availHeight):
        if self.fixed_key is None:
            return super().wrap(availWidth, availHeight)
        key = (*self.fixed_key, availWidth)
        broken = _BROKEN.get(key)
        if broken is None:
            size = super().wrap(availWidth, availHeight)
            if len(_BROKEN) < MAX_BROKEN:
                _BROKEN[key] = (self.blPara, tuple(self._wrapWidths), self.height)
            return size
        self.width = availWidth
        self.blPara, widths, self.height = broken
        self._wrapWidths = list(widths)
        return availWidth, self.height


# ---- tables -----------------------------------------------------------------------------------------------------


def cell(text: str, width: float, style: str = "cell", bold_face: bool = False) -> str | Paragraph:
    """A table cell: the plain string when it fits on one line (nothing to parse: several times faster than a
    paragraph), else a paragraph that wraps."""
    st = styles()[style]
    if pdfmetrics.stringWidth(text, fonts.BOLD if bold_face else st.fontName, st.fontSize) <= width:
        return text
    return Paragraph(bold(text) if bold_face else escape(text), st)


def table(rows, widths, style=(), heights=None) -> Table:
    regular, _ = fonts.register()
    made = Table(rows, colWidths=widths, rowHeights=heights, hAlign="LEFT")
    made.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), regular), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                              ("LEADING", (0, 0), (-1, -1), 10.5), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                              *style]))
    return made


def facts(rows: list[tuple[str, str]], grid: bool = True, warn: tuple[int, ...] = (),
          plain_rows: tuple[int, ...] = ()) -> Table:
    """Label and value rows, the values in bold, the rows in `warn` in red, those in `plain_rows` in a smaller
    regular face (a hash): the device table, the parties, the signature's facts."""
    value_width = WIDTH - LABEL_WIDTH
    cells = [[cell(label, LABEL_WIDTH - 2 * PAD, "label"),
              cell(value, value_width - 2 * PAD, "hash" if i in plain_rows else "warn" if i in warn else "cell",
                   bold_face=i not in plain_rows)]
             for i, (label, value) in enumerate(rows)]
    style = [("TEXTCOLOR", (0, 0), (0, -1), GREY), ("FONTNAME", (1, 0), (1, -1), fonts.BOLD),
             ("LEFTPADDING", (1, 0), (1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD)]
    style += [("TEXTCOLOR", (1, i), (1, i), WARN) for i in warn]
    style += [item for i in plain_rows for item in (("FONTNAME", (1, i), (1, i), fonts.REGULAR),
                                                    ("FONTSIZE", (1, i), (1, i), 7.5))]
    if grid:
        style += [("GRID", (0, 0), (-1, -1), 0.4, LINE), ("BACKGROUND", (0, 0), (0, -1), SHADE),
                  ("LEFTPADDING", (0, 0), (0, -1), PAD),
                  ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    return table(cells, [LABEL_WIDTH, value_width], style)


def signature_lines(left: tuple[str, list[str], str], right: tuple[str, list[str], str],
                    height: float = 13 * mm) -> Table:
    """Two signature blocks side by side, each (heading, lines, caption): the heading in bold and the lines
    above a line to sign on, the caption below it."""
    gap = 12 * mm
    half = (WIDTH - gap) / 2
    (left_head, left_lines, left_caption), (right_head, right_lines, right_caption) = left, right
    count = max(len(left_lines), len(right_lines))
    left_lines = left_lines + [""] * (count - len(left_lines))
    right_lines = right_lines + [""] * (count - len(right_lines))
    rows = [[cell(left_head, half, bold_face=True), "", cell(right_head, half, bold_face=True)],
            *([cell(a, half), "", cell(b, half)] for a, b in zip(left_lines, right_lines, strict=True)),
            ["", "", ""],
            [cell(left_caption, half, "small"), "", cell(right_caption, half, "small")]]
    return table(rows, [half, gap, half],
                 [("FONTNAME", (0, 0), (-1, 0), fonts.BOLD), ("TOPPADDING", (0, 1), (-1, -1), 0.5),
                  ("BOTTOMPADDING", (0, 1), (-1, -1), 0.5),
                  ("FONTSIZE", (0, -1), (-1, -1), 7), ("LEADING", (0, -1), (-1, -1), 8.5),
                  ("TEXTCOLOR", (0, -1), (-1, -1), GREY), ("TOPPADDING", (0, -1), (-1, -1), 1.5),
                  ("LINEBELOW", (0, -2), (0, -2), 0.6, colors.black),
                  ("LINEBELOW", (2, -2), (2, -2), 0.6, colors.black)],
                 heights=[None] * (count + 1) + [height, None])


# ---- drawn parts: the signing QR code and the funding line -----------------------------------------------------


class QRCode(Flowable):
    """A QR code as vector rectangles (one per run of dark modules), its quiet zone included in `size`."""

    def __init__(self, text: str, size: float):
        super().__init__()
        self.symbol = symbols.qr(text)
        self.size = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        modules = self.symbol.size + 2 * symbols.QR_QUIET
        unit = self.size / modules
        quiet = symbols.QR_QUIET
        ops = [f"q 0 g {unit:.4f} 0 0 {-unit:.4f} 0 {self.size:.3f} cm"]
        ops.extend(f"{x + quiet} {y + quiet} {w} 1 re" for x, y, w in symbols.qr_rects(self.symbol))
        ops.append("f Q")
        self.canv.addLiteral("\n".join(ops))


class Funding(Flowable):
    """The EU emblem (a form, drawn once per document) and the funding line beside it."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def wrap(self, available_width, available_height):
        return WIDTH, EMBLEM_HEIGHT

    def draw(self):
        canvas = self.canv
        if not canvas.hasForm(EMBLEM_FORM):
            canvas.beginForm(EMBLEM_FORM, 0, 0, 1.5, 1)
            ops = [f"{_rgb(emblem.BLUE)} 0 0 1.5 1 re f", _rgb(emblem.GOLD)]
            for star in emblem.stars(0, 0, 1):
                ops.append(" ".join(f"{x:.4f} {1 - y:.4f} {op}"
                                    for (x, y), op in zip(star, "mlllllllll", strict=True)) + " h f")
            canvas.addLiteral("\n".join(ops))
            canvas.endForm()
        canvas.addLiteral(f"q {EMBLEM_HEIGHT:.3f} 0 0 {EMBLEM_HEIGHT:.3f} 0 0 cm")
        canvas.doForm(EMBLEM_FORM)
        canvas.addLiteral("Q")
        canvas.setFont(fonts.register()[0], 8.5)
        canvas.drawString(EMBLEM_HEIGHT * 1.5 + 3 * mm, EMBLEM_HEIGHT / 2 - 3, self.text)


def _rgb(colour: tuple[float, float, float]) -> str:
    return " ".join(f"{c:.3f}" for c in colour) + " rg"


# ---- the footer: page numbers within each document of a PDF ------------------------------------------------------


@dataclass(frozen=True, eq=False)  # compared by identity: each document of a PDF has its own
class Footer:
    text: str  # "Patapinājuma līgums Nr. L-2026-000123 · veidne default-lv-1"
    page_word: str  # "Lapa": numbered "Lapa 1/2"
    label: str = ""  # instead of a number ("Parakstu lapa")


class Start(Flowable):
    """Marks where a document of the PDF begins: its pages get its footer."""

    def __init__(self, footer: Footer):
        super().__init__()
        self.footer = footer

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        self.canv.fleet_footer = self.footer


class _Canvas(Canvas):
    """Holds every page back until the end, when each document's page count is known, then writes each page
    with its footer ("Lapa 2/3")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fleet_footer: Footer | None = None
        self.fleet_pages: list[dict] = []

    def showPage(self):
        self.fleet_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        pages = self.fleet_pages
        totals: dict[int, int] = {}
        for state in pages:
            key = id(state["fleet_footer"])
            totals[key] = totals.get(key, 0) + 1
        seen: dict[int, int] = {}
        regular, _ = fonts.register()
        for state in pages:
            self.__dict__.update(state)
            footer = state["fleet_footer"]
            if footer is not None:
                key = id(footer)
                seen[key] = seen.get(key, 0) + 1
                self.setFillColor(GREY)
                self.setFont(regular, FOOTER_SIZE)
                self.drawString(LEFT, 9 * mm, footer.text)
                self.drawRightString(A4[0] - RIGHT, 9 * mm,
                                     footer.label or f"{footer.page_word} {seen[key]}/{totals[key]}")
            Canvas.showPage(self)
        super().save()


def build(documents: list[list[Flowable]], title: str, language: str) -> bytes:
    """The PDF of one or more documents, each starting on a new page (each begins with its `Start`)."""
    story: list[Flowable] = []
    for document in documents:
        if story:
            story.append(PageBreak())
        story.extend(document)
    out = io.BytesIO()
    # initialFontName: reportlab would otherwise set Helvetica on every page, a standard-14 font reference
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP, bottomMargin=BOTTOM,
                            title=title, author="Fleet", creator="Fleet", invariant=1, pageCompression=1,
                            initialFontName=fonts.register()[0], lang=language)
    doc.build(story, canvasmaker=_Canvas)
    return out.getvalue()
