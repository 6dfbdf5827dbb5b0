"""Loan agreements (patapinājuma līgums with its nodošanas–pieņemšanas akts), signed copies and return acts,
as A4 PDFs: plain data in, PDF bytes out.

An agreement is the template's text (see agreement_template) inside a fixed frame: the header with the
number, the date, the EU funding line with the emblem (vectors) and the QR code of the guardian's signing
link (vectors), the signature blocks, the hand-over act with the device table as an annex, and a footer
with the template's version and the page number within the agreement ("Lapa 1/2").

Every output is deterministic (reportlab's invariant mode): the same data, template, fonts and reportlab
give the same bytes, so the SHA-256 of an agreement can be computed again when it is signed. DejaVu Sans
is embedded; no standard-14 font is referenced anywhere.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaParser

from labels import emblem, fonts, symbols
from labels.agreement_template import (
    LANGUAGES,
    PLACEHOLDERS,
    Template,
    default_template,
    fill,
    template_from_json,
    template_to_json,
)

__all__ = ["LANGUAGES", "PLACEHOLDERS", "AgreementData", "Party", "ReturnData", "Signature", "Template",
           "agreement_pdf", "agreements_pdf", "default_template", "return_act_pdf", "signed_agreement_pdf",
           "template_from_json", "template_to_json"]


@dataclass(frozen=True)
class Party:
    name: str
    detail: str = ""  # "reģ. Nr. 90000048491", "VIIS 4312903421", "5.b klase"

    def __str__(self) -> str:
        return f"{self.name}, {self.detail}" if self.detail else self.name


@dataclass(frozen=True)
class AgreementData:
    number: str  # "L-2026-000123"
    language: str  # "lv" or "en"; must be the template's
    date: str  # "2026-11-28"
    founder: Party  # the lender, represented by the school
    school: Party
    guardian: Party  # the signer
    pupil: Party  # name and class; never a personal code
    manufacturer: str
    model: str
    serial: str
    asset_tag: str
    accessories: tuple[str, ...]  # already localised: ("lādētājs", "soma")
    condition: str  # "jauns" / "new", or free text
    eu_funded: bool
    sign_url: str | None  # its QR code is printed when given
    template_version: str  # the template's version ("" = take it from the template)
    privacy_contact: str = ""  # where to ask about personal data (the DPO's e-mail, ...); "" = the school


@dataclass(frozen=True)
class Signature:
    method: str  # "link" | "desk" | "paper"
    signer_name: str
    signed_at: str  # as it is to be shown: "2026-11-29 18:42:07 +02:00"
    image_png: bytes | None  # the drawn signature; required for link and desk
    original_sha256: str  # of agreement_pdf(data, template), 64 hex digits
    scan_pages: int = 0  # paper: pages of the stored scan


@dataclass(frozen=True)
class ReturnData:
    number: str  # the loan's agreement number
    language: str
    date: str
    school: Party
    guardian: Party  # who brings the device back
    pupil: Party
    manufacturer: str
    model: str
    serial: str
    asset_tag: str
    condition: str
    accessories_returned: tuple[str, ...]
    accessories_missing: tuple[str, ...]
    notes: str
    outcome: str  # "at_school" or "in_repair"


METHODS = ("link", "desk", "paper")
OUTCOMES = ("at_school", "in_repair")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The signature box is 90 × 35 mm: a 600 dpi printer prints it with 2,126 × 827 dots (1.76 Mpx), so a
# drawn signature of more pixels prints no finer. A larger one is refused before it is decoded (the
# caller checks uploaded images against this first: fleet.uploads).
SIGNATURE_BOX_MM = (90, 35)
SIGNATURE_MAX_PIXELS = 2_000_000
SHA256 = re.compile(r"[0-9a-f]{64}")

# The frame's words; the agreement's own text is the template's.
WORDS = {
    "lv": {
        "number": "Nr.", "date": "Datums", "template": "veidne", "page": "Lapa",
        "funding": "Finansē Eiropas Savienība – NextGenerationEU",
        "scan": ("Skenējiet, lai parakstītu", "Scan to sign"),
        "signatures": "Līdzēju paraksti",
        "lender": "Patapinātājs", "borrower": "Patapinājuma ņēmējs",
        "school_sign": "Skolas pārstāvis (vārds, uzvārds, amats, paraksts)",
        "guardian_sign": "paraksts", "date_line": "datums",
        "annex": "Pielikums patapinājuma līgumam Nr. {number}",
        "act": "Nodošanas–pieņemšanas akts",
        "act_text": "Skola nodod un Patapinājuma ņēmējs pieņem Izglītojamā lietošanā iepriekš aprakstīto ierīci. "
                    "Patapinājuma ņēmējs ir pārbaudījis ierīces stāvokli un piederumus; iebildumu nav, ja tie nav "
                    "ierakstīti zemāk.",
        "remarks": "Iebildumi",
        "handed": "Nodeva", "received": "Pieņēma",
        "school": "Skola", "pupil": "Izglītojamais", "guardian": "Vecāks vai likumiskais pārstāvis",
        "manufacturer": "Ražotājs", "model": "Modelis", "serial": "Sērijas numurs", "asset_tag": "Inventāra numurs",
        "accessories": "Piederumi", "condition": "Stāvoklis", "none": "nav",
        "signature_page": "Parakstu lapa", "signature_title": "Parakstu lapa patapinājuma līgumam Nr. {number}",
        "signer": "Parakstītājs", "signed_at": "Parakstīts", "method": "Parakstīšanas veids",
        "original": "Oriģināla SHA-256", "signature": "Paraksts",
        "pages": "lpp.",
        "methods": {"link": "ar saiti savā ierīcē", "desk": "skolā, planšetdatorā", "paper": "uz papīra (skenēts)"},
        "consent": "Parakstītājs ir iepazinies ar līgumu un, atzīmējot piekrišanu, apliecinājis, ka tam piekrīt.",
        "paper": "Līgums parakstīts uz papīra; tā skenētā kopija ({pages} lpp.) glabājas kopā ar šo dokumentu.",
        "hash_text": "SHA-256 ir līguma oriģināla – PDF datnes, kādu to izsniedza Fleet un kāda tā glabājas kopā ar "
                     "šo ierakstu, – nospiedums: ja oriģinālā mainītu kaut vienu zīmi, nospiedums būtu cits. "
                     "Iepriekšējās lapas atveido to pašu līgumu.",
        "return_title": "Ierīces atgriešanas akts",
        "return_subtitle": "nodošanas–pieņemšanas akts pie patapinājuma līguma Nr. {number}",
        "returned": "Atdoti piederumi", "missing": "Trūkst piederumu", "notes": "Piezīmes",
        "outcome": {"at_school": "Ierīce pieņemta Skolā; līgums izbeigts.",
                    "in_repair": "Ierīce pieņemta Skolā un nodota remontā; līgums izbeigts."},
        "return_handed": "vecāks, likumiskais pārstāvis vai izglītojamais (vārds, uzvārds, paraksts)",
        "return_received": "Skolas pārstāvis (vārds, uzvārds, amats, paraksts)",
    },
    "en": {
        "number": "No.", "date": "Date", "template": "template", "page": "Page",
        "funding": "Funded by the European Union – NextGenerationEU",
        "scan": ("Scan to sign", "Skenējiet, lai parakstītu"),
        "signatures": "Signatures",
        "lender": "Lender", "borrower": "Borrower",
        "school_sign": "for the School (name, position, signature)",
        "guardian_sign": "signature", "date_line": "date",
        "annex": "Annex to loan agreement No. {number}",
        "act": "Hand-over and acceptance act",
        "act_text": "The School hands over and the Borrower accepts for the Pupil's use the device described above. The "
                    "Borrower has checked the device's condition and accessories and has no objections unless written "
                    "below.",
        "remarks": "Objections",
        "handed": "Handed over by", "received": "Received by",
        "school": "School", "pupil": "Pupil", "guardian": "Parent or legal guardian",
        "manufacturer": "Manufacturer", "model": "Model", "serial": "Serial number", "asset_tag": "Asset tag",
        "accessories": "Accessories", "condition": "Condition", "none": "none",
        "signature_page": "Signature page", "signature_title": "Signature page of loan agreement No. {number}",
        "signer": "Signed by", "signed_at": "Signed at", "method": "Way of signing",
        "original": "SHA-256 of the original", "signature": "Signature",
        "pages": "pages",
        "methods": {"link": "by link, on their own device", "desk": "at the school, on a tablet",
                    "paper": "on paper (scanned)"},
        "consent": "The signer has read the agreement and confirmed their consent by ticking the consent box.",
        "paper": "The agreement was signed on paper; its scan ({pages} pages) is kept with this document.",
        "hash_text": "The SHA-256 is the fingerprint of the original agreement, the PDF file as Fleet issued it and "
                     "keeps it with this record: changing a single character of it would change the fingerprint. The "
                     "pages before this one show the same agreement.",
        "return_title": "Device return act",
        "return_subtitle": "hand-over and acceptance act under loan agreement No. {number}",
        "returned": "Accessories returned", "missing": "Accessories missing", "notes": "Notes",
        "outcome": {"at_school": "The device was taken back by the School; the agreement has ended.",
                    "in_repair": "The device was taken back by the School and sent for repair; the agreement has ended."},
        "return_handed": "parent, legal guardian or pupil (name, signature)",
        "return_received": "for the School (name, position, signature)",
    },
}

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


# ---- public functions --------------------------------------------------------------------------------------------


def agreement_pdf(data: AgreementData, template: Template) -> bytes:
    """One agreement with its hand-over act; the same input gives the same bytes."""
    return _build([_agreement(data, template)], _title(data, template), data.language)


def agreements_pdf(items: list[tuple[AgreementData, Template]]) -> bytes:
    """A class hand-out: every agreement its own document in one PDF, each starting on a new page and numbered
    on its own ("Lapa 1/2")."""
    if not items:
        raise ValueError("no agreements to print")
    title = {"lv": "Patapinājuma līgumi", "en": "Loan agreements"}[items[0][0].language]
    return _build([_agreement(data, template) for data, template in items], f"{title} ({len(items)})",
                  items[0][0].language)


def signed_agreement_pdf(data: AgreementData, template: Template, signature: Signature, check: bool = True) -> bytes:
    """The agreement's pages, rendered again exactly as issued, and a signature page: the drawn signature, the
    signer's name, the time, the way of signing and the SHA-256 of the original.

    With `check` (the default), the agreement is rendered on its own first and its SHA-256 must be
    `signature.original_sha256`: a ValueError says when the data, the template or the renderer (reportlab, the
    fonts) changed since the original was issued, so that a signature page never vouches for other pages."""
    _check_signature(signature)
    if check:
        rendered = hashlib.sha256(agreement_pdf(data, template)).hexdigest()
        if rendered != signature.original_sha256:
            raise ValueError(f"agreement {data.number}: rendered again it has SHA-256 {rendered}, not the original's "
                             f"{signature.original_sha256}: the data, the template or the renderer changed since it "
                             f"was issued")
    return _build([_agreement(data, template), _signature_page(data, template, signature)], _title(data, template),
                  data.language)


def return_act_pdf(data: ReturnData) -> bytes:
    """The act for a device coming back: its condition, the accessories returned and missing, notes, the outcome,
    and the signature lines of who handed it over and who took it."""
    if data.language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {data.language!r}")
    if data.outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {data.outcome!r}")
    w = WORDS[data.language]
    return _build([_return_act(data)], f"{w['return_title']} {data.number}", data.language)


# ---- styles and small parts --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
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


def _bold(text: str) -> str:
    return f'<font name="{fonts.BOLD}">{escape(text)}</font>'


def _p(text: str, style: str, fixed: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped); `fixed`: the same in every document (the frame's words)."""
    return _paragraph(escape(text), style, fixed)


def _paragraph(markup: str, style: str, fixed: bool = False) -> Paragraph:
    """A paragraph of markup. A `fixed` one (the same in every document: no pupil's or guardian's data in it) is
    parsed once, and its lines broken once per width, per process: those two are half the time of an agreement,
    and most of an agreement's text is the same in every one."""
    if not fixed:
        return Paragraph(markup, _styles()[style])
    paragraph = _FixedParagraph(markup, _styles()[style], frags=list(_parsed(markup, style)))
    paragraph.fixed_key = (markup, style)
    return paragraph


@lru_cache(maxsize=2048)
def _parsed(markup: str, style: str) -> tuple:
    """The fragments of a paragraph, as Paragraph parses them (wrapping and drawing read them, never change them)."""
    parser = ParaParser()
    parser.caseSensitive = 1
    _, frags, _ = parser.parse(cleanBlockQuotedText(markup), _styles()[style])
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


def _cell(text: str, width: float, style: str = "cell", bold: bool = False) -> str | Paragraph:
    """A table cell: the plain string when it fits on one line (nothing to parse: several times faster than a
    paragraph), else a paragraph that wraps."""
    st = _styles()[style]
    if pdfmetrics.stringWidth(text, fonts.BOLD if bold else st.fontName, st.fontSize) <= width:
        return text
    return Paragraph(_bold(text) if bold else escape(text), st)


def _table(rows, widths, style=(), heights=None) -> Table:
    regular, _ = fonts.register()
    table = Table(rows, colWidths=widths, rowHeights=heights, hAlign="LEFT")
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), regular), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                               ("LEADING", (0, 0), (-1, -1), 10.5), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5), *style]))
    return table


LABEL_WIDTH = 54 * mm
PAD = 4  # points inside a grid's cells


def _facts(rows: list[tuple[str, str]], grid: bool = True, warn: tuple[int, ...] = (), plain: tuple[int, ...] = ()) -> Table:
    """Label and value rows, the values in bold, the rows in `warn` in red, those in `plain` in a smaller regular
    face (a hash): the device table, the parties, the signature's facts."""
    value_width = WIDTH - LABEL_WIDTH
    cells = [[_cell(label, LABEL_WIDTH - 2 * PAD, "label"),
              _cell(value, value_width - 2 * PAD, "hash" if i in plain else "warn" if i in warn else "cell",
                    bold=i not in plain)]
             for i, (label, value) in enumerate(rows)]
    style = [("TEXTCOLOR", (0, 0), (0, -1), GREY), ("FONTNAME", (1, 0), (1, -1), fonts.BOLD),
             ("LEFTPADDING", (1, 0), (1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD)]
    style += [("TEXTCOLOR", (1, i), (1, i), WARN) for i in warn]
    style += [item for i in plain for item in (("FONTNAME", (1, i), (1, i), fonts.REGULAR),
                                               ("FONTSIZE", (1, i), (1, i), 7.5))]
    if grid:
        style += [("GRID", (0, 0), (-1, -1), 0.4, LINE), ("BACKGROUND", (0, 0), (0, -1), SHADE),
                  ("LEFTPADDING", (0, 0), (0, -1), PAD),
                  ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    return _table(cells, [LABEL_WIDTH, value_width], style)


def _signature_lines(left: tuple[str, list[str], str], right: tuple[str, list[str], str], height: float = 13 * mm) -> Table:
    """Two signature blocks side by side, each (heading, lines, caption): the heading in bold and the lines
    above a line to sign on, the caption below it."""
    gap = 12 * mm
    half = (WIDTH - gap) / 2
    (left_head, left_lines, left_caption), (right_head, right_lines, right_caption) = left, right
    count = max(len(left_lines), len(right_lines))
    left_lines, right_lines = left_lines + [""] * (count - len(left_lines)), right_lines + [""] * (count - len(right_lines))
    rows = [[_cell(left_head, half, bold=True), "", _cell(right_head, half, bold=True)],
            *([_cell(a, half), "", _cell(b, half)] for a, b in zip(left_lines, right_lines, strict=True)),
            ["", "", ""],
            [_cell(left_caption, half, "small"), "", _cell(right_caption, half, "small")]]
    return _table(rows, [half, gap, half],
                  [("FONTNAME", (0, 0), (-1, 0), fonts.BOLD), ("TOPPADDING", (0, 1), (-1, -1), 0.5),
                   ("BOTTOMPADDING", (0, 1), (-1, -1), 0.5),
                   ("FONTSIZE", (0, -1), (-1, -1), 7), ("LEADING", (0, -1), (-1, -1), 8.5),
                   ("TEXTCOLOR", (0, -1), (-1, -1), GREY), ("TOPPADDING", (0, -1), (-1, -1), 1.5),
                   ("LINEBELOW", (0, -2), (0, -2), 0.6, colors.black), ("LINEBELOW", (2, -2), (2, -2), 0.6, colors.black)],
                  heights=[None] * (count + 1) + [height, None])


class _QR(Flowable):
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


class _Funding(Flowable):
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
                ops.append(" ".join(f"{x:.4f} {1 - y:.4f} {op}" for (x, y), op in zip(star, "mlllllllll", strict=True))
                           + " h f")
            canvas.addLiteral("\n".join(ops))
            canvas.endForm()
        canvas.addLiteral(f"q {EMBLEM_HEIGHT:.3f} 0 0 {EMBLEM_HEIGHT:.3f} 0 0 cm")
        canvas.doForm(EMBLEM_FORM)
        canvas.addLiteral("Q")
        canvas.setFont(fonts.register()[0], 8.5)
        canvas.drawString(EMBLEM_HEIGHT * 1.5 + 3 * mm, EMBLEM_HEIGHT / 2 - 3, self.text)


def _rgb(colour: tuple[float, float, float]) -> str:
    return " ".join(f"{c:.3f}" for c in colour) + " rg"


class _SignatureImage(Flowable):
    """The drawn signature (PNG, transparency kept), scaled into a box, on a line."""

    def __init__(self, png: bytes, width: float, height: float):
        super().__init__()
        try:
            self.image = ImageReader(io.BytesIO(png))
            image_width, image_height = self.image.getSize()
        except Exception as error:  # PIL's errors are many kinds
            raise ValueError(f"the signature image is not a readable PNG: {error}") from None
        if image_width * image_height > SIGNATURE_MAX_PIXELS:  # read from the header: nothing decoded yet
            raise ValueError(f"the signature image is {image_width} × {image_height} pixels; "
                             f"at most {SIGNATURE_MAX_PIXELS:,} are drawn")
        scale = min(width / image_width, height / image_height)
        self.box = width, height
        self.drawn = image_width * scale, image_height * scale

    def wrap(self, available_width, available_height):
        return self.box

    def draw(self):
        width, height = self.box
        self.canv.drawImage(self.image, (width - self.drawn[0]) / 2, (height - self.drawn[1]) / 2, *self.drawn,
                            mask="auto")
        self.canv.setLineWidth(0.6)
        self.canv.line(0, 0, width, 0)


# ---- the footer: page numbers within each document of a PDF ------------------------------------------------------


@dataclass(frozen=True, eq=False)  # compared by identity: each document of a PDF has its own
class _Footer:
    text: str  # "Patapinājuma līgums Nr. L-2026-000123 · veidne default-lv-1"
    page_word: str  # "Lapa": numbered "Lapa 1/2"
    label: str = ""  # instead of a number ("Parakstu lapa")


class _Start(Flowable):
    """Marks where a document of the PDF begins: its pages get its footer."""

    def __init__(self, footer: _Footer):
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
        self.fleet_footer: _Footer | None = None
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


def _build(documents: list[list[Flowable]], title: str, language: str) -> bytes:
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


# ---- the documents ------------------------------------------------------------------------------------------------


def _title(data: AgreementData, template: Template) -> str:
    return f"{template.title} {WORDS[data.language]['number']} {data.number}"


def _footer_text(data: AgreementData, template: Template) -> str:
    """"Patapinājuma līgums Nr. L-2026-000123 · veidne default-lv-1"; a title too long is cut, never the number
    or the version."""
    w = WORDS[data.language]
    tail = f" {w['number']} {data.number} · {w['template']} {template.version}"
    room = (A4[0] - LEFT - RIGHT) / mm - 25 - fonts.text_width(tail, FOOTER_SIZE)  # 25 mm for "Lapa 1/2"
    title, _ = fonts.fit(template.title, max(room, 10), FOOTER_SIZE, FOOTER_SIZE)
    return title + tail


def _check_agreement(data: AgreementData, template: Template) -> None:
    if data.language not in LANGUAGES:
        raise ValueError(f"agreement {data.number}: language must be one of {', '.join(LANGUAGES)}, not {data.language!r}")
    if template.language != data.language:
        raise ValueError(f"agreement {data.number}: the template {template.version} is in {template.language!r}, "
                         f"the agreement in {data.language!r}")
    if data.template_version and data.template_version != template.version:
        raise ValueError(f"agreement {data.number}: template_version {data.template_version!r} is not the template's "
                         f"version {template.version!r}")
    for name in ("number", "date", "serial", "asset_tag"):
        if not getattr(data, name).strip():
            raise ValueError(f"agreement: {name} is empty")
    for name in ("founder", "school", "guardian", "pupil"):
        if not getattr(data, name).name.strip():
            raise ValueError(f"agreement {data.number}: the {name}'s name is empty")


def _values(data: AgreementData, template: Template) -> dict[str, str]:
    """What each placeholder prints."""
    w = WORDS[data.language]
    device_words = {"lv": ("sērijas Nr.", "inventāra Nr."), "en": ("serial number", "asset tag")}[data.language]
    values = {"number": data.number, "date": data.date, "manufacturer": data.manufacturer, "model": data.model,
              "serial": data.serial, "asset_tag": data.asset_tag, "condition": data.condition,
              "accessories": ", ".join(data.accessories) or w["none"], "template_version": template.version,
              "privacy_contact": data.privacy_contact.strip() or str(data.school),
              "device": f"{data.manufacturer} {data.model} ({device_words[0]} {data.serial}, "
                        f"{device_words[1]} {data.asset_tag})"}
    for name in ("founder", "school", "guardian", "pupil"):
        party: Party = getattr(data, name)
        values[name], values[f"{name}_name"], values[f"{name}_detail"] = str(party), party.name, party.detail
    assert values.keys() == PLACEHOLDERS.keys()
    return values


def _agreement(data: AgreementData, template: Template) -> list[Flowable]:
    """One agreement's flowables: header, the template's sections, signature blocks, and the hand-over act."""
    _check_agreement(data, template)
    st = _styles()
    w = WORDS[data.language]
    footer = _Footer(_footer_text(data, template), w["page"])
    story: list[Flowable] = [_Start(footer)]
    if data.eu_funded:
        story += [_Funding(w["funding"]), Spacer(1, 4 * mm)]
    heading = [_p(template.title, "title", fixed=True),
               Paragraph(f"{w['number']} {_bold(data.number)}", st["subtitle"]),
               Paragraph(f"{w['date']}: {_bold(data.date)}", st["subtitle"])]
    if data.sign_url:
        code = [_QR(data.sign_url, QR_SIZE), _paragraph("<br/>".join(map(escape, w["scan"])), "caption", fixed=True)]
        column = QR_SIZE + 8 * mm
        story.append(_table([[heading, code]], [WIDTH - column, column]))
    else:
        story += heading
    story.append(Spacer(1, 3 * mm))
    values = _values(data, template)
    for section_heading, paragraphs in template.sections:
        story.append(_filled(section_heading, values, "head"))
        story += [_filled(paragraph, values, "body") for paragraph in paragraphs]
    story.append(KeepTogether([
        _p(w["signatures"], "head", fixed=True), Spacer(1, 1 * mm),
        _signature_lines((w["lender"], [str(data.founder), str(data.school)], w["school_sign"]),
                         (w["borrower"], [str(data.guardian), f"{w['pupil']}: {data.pupil}"],
                          f"{w['guardian_sign']}, {w['date_line']}")),
    ]))
    story.append(KeepTogether(_act(data)))
    return story


def _filled(text: str, values: dict[str, str], style: str) -> Paragraph:
    """A paragraph of template text, the values filled in bold."""
    return _paragraph(fill(text, values, f'<font name="{fonts.BOLD}">', "</font>"), style, fixed="{" not in text)


def _act(data: AgreementData) -> list[Flowable]:
    st = _styles()
    w = WORDS[data.language]
    return [
        Spacer(1, 5 * mm),
        HRFlowable(width="100%", thickness=0.4, color=LINE, dash=(2, 2), spaceAfter=3 * mm),
        _p(w["annex"].format(number=data.number), "small"),
        _p(w["act"], "act", fixed=True),
        Paragraph(f"{w['date']}: {_bold(data.date)}", st["subtitle"]),
        Spacer(1, 2 * mm),
        _facts([(w["school"], str(data.school)), (w["pupil"], str(data.pupil)), (w["guardian"], str(data.guardian))],
               grid=False),
        Spacer(1, 2 * mm),
        _facts([(w["manufacturer"], data.manufacturer), (w["model"], data.model), (w["serial"], data.serial),
                (w["asset_tag"], data.asset_tag), (w["accessories"], ", ".join(data.accessories) or w["none"]),
                (w["condition"], data.condition)]),
        Spacer(1, 2 * mm),
        _p(w["act_text"], "body", fixed=True),
        _p(f"{w['remarks']}: " + "_" * 70, "body", fixed=True),
        Spacer(1, 2 * mm),
        _signature_lines((w["handed"], [str(data.school)], w["school_sign"]),
                         (w["received"], [str(data.guardian)], f"{w['guardian_sign']}, {w['date_line']}")),
    ]


def _check_signature(signature: Signature) -> None:
    if signature.method not in METHODS:
        raise ValueError(f"signature: method must be one of {', '.join(METHODS)}, not {signature.method!r}")
    if not signature.signer_name.strip():
        raise ValueError("signature: the signer's name is empty")
    if not signature.signed_at.strip():
        raise ValueError("signature: the time of signing is empty")
    if not SHA256.fullmatch(signature.original_sha256):
        raise ValueError("signature: original_sha256 must be 64 lower-case hex digits")
    if signature.image_png is None:
        if signature.method != "paper":
            raise ValueError(f"signature: a {signature.method} signature needs the drawn signature image")
    elif not signature.image_png.startswith(PNG_MAGIC):
        raise ValueError("signature: the signature image is not a PNG")
    if signature.scan_pages < 0 or (signature.method == "paper" and signature.scan_pages < 1):
        raise ValueError("signature: a paper signature needs the scan's page count (1 or more)")


def _signature_page(data: AgreementData, template: Template, signature: Signature) -> list[Flowable]:
    st = _styles()
    w = WORDS[data.language]
    footer = _Footer(_footer_text(data, template), w["page"], w["signature_page"])
    method = w["methods"][signature.method]
    if signature.method == "paper":
        method += f" · {signature.scan_pages} {w['pages']}"
    story: list[Flowable] = [
        _Start(footer),
        _p(w["signature_title"].format(number=data.number), "title"),
        Paragraph(f"{escape(template.title)} {w['number']} {_bold(data.number)}, {escape(data.date)} · "
                  f"{w['template']} {_bold(template.version)}", st["subtitle"]),
        Spacer(1, 5 * mm),
        _facts([(w["signer"], signature.signer_name), (w["signed_at"], signature.signed_at), (w["method"], method),
                (w["original"], signature.original_sha256)], plain=(3,)),
        Spacer(1, 6 * mm),
    ]
    if signature.image_png is not None:
        story += [_p(w["signature"], "label", fixed=True), Spacer(1, 1 * mm),
                  _SignatureImage(signature.image_png, SIGNATURE_BOX_MM[0] * mm, SIGNATURE_BOX_MM[1] * mm),
                  Spacer(1, 1 * mm), _p(signature.signer_name, "cell"),
                  Spacer(1, 5 * mm)]
    story.append(_p(w["paper"].format(pages=signature.scan_pages) if signature.method == "paper" else w["consent"],
                    "body", fixed=True))
    story += [Spacer(1, 3 * mm), _p(w["hash_text"], "small", fixed=True)]
    return story


def _return_act(data: ReturnData) -> list[Flowable]:
    st = _styles()
    w = WORDS[data.language]
    footer = _Footer(f"{w['return_title']} · {w['number']} {data.number}", w["page"])
    story: list[Flowable] = [
        _Start(footer),
        _p(w["return_title"], "title", fixed=True),
        _p(w["return_subtitle"].format(number=data.number), "subtitle"),
        Paragraph(f"{w['date']}: {_bold(data.date)}", st["subtitle"]),
        Spacer(1, 4 * mm),
        _facts([(w["school"], str(data.school)), (w["pupil"], str(data.pupil)), (w["guardian"], str(data.guardian))],
               grid=False),
        Spacer(1, 3 * mm),
        _facts([(w["manufacturer"], data.manufacturer), (w["model"], data.model), (w["serial"], data.serial),
                (w["asset_tag"], data.asset_tag), (w["condition"], data.condition),
                (w["returned"], ", ".join(data.accessories_returned) or w["none"]),
                (w["missing"], ", ".join(data.accessories_missing) or w["none"])],
               warn=(6,) if data.accessories_missing else ()),
    ]
    if data.notes.strip():
        story += [Spacer(1, 3 * mm), _p(w["notes"], "label", fixed=True), _p(data.notes, "body")]
    story += [Spacer(1, 3 * mm), Paragraph(_bold(w["outcome"][data.outcome]), st["body"]), Spacer(1, 8 * mm),
              _signature_lines((w["handed"], [str(data.guardian)], w["return_handed"]),
                               (w["received"], [str(data.school)], w["return_received"]))]
    return story
