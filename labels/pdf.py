"""Labels as PDF: a run of labels on sheets (starting after `skip` used cells) or on a roll (one
label a page), shifted by a printer's calibration offsets, and the calibration page.

Symbols are vector rectangles written straight into the content stream (one `re` per run of
modules, in module units under a scaling matrix), so a page of 24 labels stays small and renders
fast; text goes through reportlab with DejaVu Sans embedded as a subset.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from labels import emblem, fonts, symbols
from labels.layout import Code128, Emblem, LabelData, Layout, QRCode, Text, dot, layout, on_dots
from labels.stocks import Stock

MM = 72 / 25.4  # points per millimetre
EMBLEM_FORM = "EUEmblem"
rl_config.useA85 = 0  # binary (deflated) streams: a quarter smaller than ASCII85, and faster


@dataclass(frozen=True)
class Calibration:
    """A printer's shift, in millimetres: positive x moves the print right, positive y down."""

    x: float = 0.0
    y: float = 0.0


NO_SHIFT = Calibration()


def labels_pdf(stock: Stock, labels: Iterable[LabelData], skip: int = 0, calibration: Calibration = NO_SHIFT,
               title: str = "Asset labels") -> bytes:
    """Every label of `labels` on `stock`; on sheets the first `skip` cells of the first page stay empty."""
    if skip < 0 or (stock.kind == "sheet" and skip >= stock.per_page) or (stock.kind == "roll" and skip):
        raise ValueError(f"skip must be 0-{stock.per_page - 1} on {stock.name}" if stock.kind == "sheet"
                         else f"{stock.name} is a roll: nothing to skip")
    canvas, dot_mm = _canvas(stock, title), dot(stock)
    cell = skip
    for data in labels:
        if cell and cell % stock.per_page == 0:
            canvas.showPage()
        x, y = stock.cell(cell)
        draw(canvas, layout(stock, data), _corner(x + calibration.x, dot_mm), _corner(y + calibration.y, dot_mm),
             stock.page_height)
        cell += 1
    canvas.showPage()
    return _bytes(canvas)


def label_pdf(stock: Stock, data: LabelData) -> bytes:
    """One label on a page of its own size (for a preview, or a PNG)."""
    drawn = layout(stock, data)
    canvas = _new_canvas(drawn.width, drawn.height)
    corner = _corner(0, dot(stock))
    draw(canvas, drawn, corner, corner, drawn.height)
    canvas.showPage()
    return _bytes(canvas)


def _corner(mm: float, dot_mm: float) -> float:
    """Where a label's corner goes: three quarters of a dot past the printer's dot grid. The layout
    puts its symbols' modules at whole dots from the corner, so every module edge lies a quarter
    dot before a dot's edge, clear of the edges and centres where a rasteriser's rounding tips
    under floating-point noise. PDFium (Fleet's PNGs, and Chrome's PDF viewer when a school prints
    from it) printed some 10-dot QR modules as 11 dots with corners on the grid, and some Code128
    bars a dot too wide with corners off it; from here every module prints as the same whole number
    of dots, at 300 and at 600 dpi (tests/labels/test_pdf.py)."""
    return on_dots(mm, dot_mm) + 0.75 * dot_mm


def draw(canvas: Canvas, drawn: Layout, left: float, top: float, page_height: float) -> None:
    """Draw one laid-out label with its top-left corner at (left, top) mm from the page's top-left."""
    shown = _shown.setdefault(canvas._doc, {})
    ops = ["q 0 g"]
    for item in drawn.items:  # one pass and one literal: at a thousand labels a second, every call per label shows
        kind = type(item)
        if kind is QRCode:
            ops += [_matrix(item.module, item.module, left + item.x, top + item.y, page_height),
                    _rects(symbols.qr_runs(item.symbol), item.symbol.size + 1, item.symbol.size), "f Q"]
        elif kind is Code128:
            ops += [_matrix(item.module, item.height, left + item.x, top + item.y, page_height),
                    _rects(symbols.bar_runs(item.symbol), item.symbol.width + 1, 1), "f Q"]
        elif kind is Text:
            # a text object per line, so that text extraction sees the lines; literal operators through the
            # fonts' subsets as reportlab documents them: several times faster than drawString
            key = (item.text, item.size, item.bold)
            font, strings = shown.get(key) or shown.setdefault(key, _strings(canvas, *key))
            x, y = (left + item.x) * MM, (page_height - top - item.baseline) * MM
            ops.append(f"BT\n{font} 1 0 0 1 {x:.2f} {y:.2f} Tm {strings}\nET")
        elif kind is Emblem:  # drawn at once, ahead of the label's literal: it keeps its own state
            _emblem(canvas, item, left, top, page_height)
    ops.append("Q")
    canvas.addLiteral("\n".join(ops))


def _rects(runs: Iterable[tuple[int, int]], stride: int, rows: int) -> str:
    """An `x y w 1 re` per run of modules, given as (start, end) indices into cells stored `stride` a row."""
    corners, widths = _numbers(stride, rows)
    return "\n".join([corners[start] + widths[end - start] for start, end in runs])


@lru_cache(maxsize=16)
def _numbers(stride: int, rows: int) -> tuple[list[str], list[str]]:
    """Every cell's "x y " and every run's "w 1 re": a label has some 260 runs, and formatting their
    numbers once per symbol size rather than once per run halves the cost of its symbols."""
    return [f"{i % stride} {i // stride} " for i in range(stride * rows)], [f"{w} 1 re" for w in range(stride + 1)]


def _strings(canvas: Canvas, text: str, size: float, bold: bool) -> tuple[str, str]:
    """A line's first font operator, and its strings in the font's subsets (each after its font but the
    first): the font before the position, as reportlab writes it, so that text extraction keeps lines apart."""
    regular, bold_face = fonts.register()
    font = pdfmetrics.getFont(bold_face if bold else regular)
    ops = [(f"{font.getSubsetInternalName(subset, canvas._doc)} {size:.2f} Tf", f"({escapePDF(chunk)}) Tj")
           for subset, chunk in font.splitString(text, canvas._doc)]
    if not ops:
        return "", ""
    return ops[0][0], "\n".join([ops[0][1], *(" ".join(op) for op in ops[1:])])


# Per document (the subsets are the document's), the encoded lines: the funding, model, owner and
# programme lines repeat from label to label, and encoding goes character by character in Python.
_shown: WeakKeyDictionary[object, dict[tuple[str, float, bool], tuple[str, str]]] = WeakKeyDictionary()


def _matrix(sx: float, sy: float, x: float, y: float, page_height: float) -> str:
    """Save the state and map (1 unit right, 1 unit down) to (sx, sy) mm from (x, y) mm top-left."""
    return f"q {sx * MM:.4f} 0 0 {-sy * MM:.4f} {x * MM:.3f} {(page_height - y) * MM:.3f} cm"


def _emblem(canvas: Canvas, item: Emblem, left: float, top: float, page_height: float) -> None:
    """The emblem is one form in the document, drawn at unit height and placed by a matrix."""
    if not canvas.hasForm(EMBLEM_FORM):
        canvas.beginForm(EMBLEM_FORM, 0, 0, 1.5, 1)
        ops = [f"{_rgb(emblem.BLUE)} 0 0 1.5 1 re f", _rgb(emblem.GOLD)]
        for star in emblem.stars(0, 0, 1):
            ops.append(" ".join(f"{x:.4f} {1 - y:.4f} {op}" for (x, y), op in zip(star, "mlllllllll", strict=True))
                       + " h f")
        canvas.addLiteral("\n".join(ops))
        canvas.endForm()
    size = item.height * MM
    canvas.addLiteral(f"q {size:.3f} 0 0 {size:.3f} {(left + item.x) * MM:.3f} "
                      f"{(page_height - top - item.y - item.height) * MM:.3f} cm")
    canvas.doForm(EMBLEM_FORM)
    canvas.addLiteral("Q")


def _rgb(colour: tuple[float, float, float]) -> str:
    return " ".join(f"{c:.3f}" for c in colour) + " rg"


def calibration_pdf(stock: Stock, calibration: Calibration = NO_SHIFT) -> bytes:
    """A ruler grid for `stock`: every cell's outline and centre cross, millimetre rulers along the top
    and left edges, and how to read the shift — on a sheet in the wider of its top and bottom margins, clear of
    every outline (so no word lies across an edge to be measured); on a roll inside the one label. Print it on
    plain paper, lay it on a sheet of the stock against the light, and measure how far the outlines sit from the
    die-cut edges."""
    canvas = _canvas(stock, f"Calibration: {stock.name}")
    h = stock.page_height
    canvas.setLineWidth(0.2)
    for index in range(stock.per_page):
        x, y = stock.cell(index)
        x, y = x + calibration.x, y + calibration.y
        canvas.roundRect(x * MM, (h - y - stock.label_height) * MM, stock.label_width * MM, stock.label_height * MM,
                         stock.corner_radius * MM)
        cx, cy = x + stock.label_width / 2, h - y - stock.label_height / 2
        canvas.line((cx - 2) * MM, cy * MM, (cx + 2) * MM, cy * MM)
        canvas.line(cx * MM, (cy - 2) * MM, cx * MM, (cy + 2) * MM)
    canvas.setLineWidth(0.1)
    for mm in range(int(stock.page_width) + 1):  # ruler along the top edge
        tick = 3 if mm % 10 == 0 else 1.5 if mm % 5 == 0 else 0.8
        canvas.line(mm * MM, h * MM, mm * MM, (h - tick) * MM)
    for mm in range(int(stock.page_height) + 1):  # and the left edge
        tick = 3 if mm % 10 == 0 else 1.5 if mm % 5 == 0 else 0.8
        canvas.line(0, (h - mm) * MM, tick * MM, (h - mm) * MM)
    shift = f"Nobīde / shift: x {calibration.x:+.1f} mm, y {calibration.y:+.1f} mm"
    measure = "Izmēriet, cik tālu rāmji ir no uzlīmju malām"
    measure_en = "/ measure the outlines against the label edges"
    name = f"{stock.name}: {stock.label_width:g} × {stock.label_height:g} mm"
    if stock.kind == "roll":  # the page is the label: the words go inside its outline, clear of its edges
        _instructions(canvas, h, [name, shift, measure, measure_en], max(calibration.x + 4, stock.margin),
                      stock.page_width + min(0.0, calibration.x) - stock.margin,
                      max(calibration.y + 4, stock.margin), 5)
    else:  # on a sheet every label is outlined: the words go in the wider of the top and bottom margins
        ruler = 3.5  # the rulers' ticks, and a hair
        top_room = stock.top + calibration.y - ruler - 0.5
        bottom = stock.cell(stock.per_page - 1)[1] + stock.label_height + calibration.y
        bottom_room = stock.page_height - bottom - 1.5
        room = max(top_room, bottom_room)
        size = max(3.0, min(7.0, room / 2 / 0.44))  # two lines of 0.44 × size millimetres each
        top = ruler if top_room >= bottom_room else bottom + 0.5
        _instructions(canvas, h, [f"{name} · {shift}", f"{measure} {measure_en}"], ruler + 1.5,
                      stock.page_width - ruler, top, size)
    canvas.showPage()
    return _bytes(canvas)


def _instructions(canvas: Canvas, page_height: float, lines: list[str], left: float, right: float, top: float,
                  size: float) -> None:
    """The calibration page's words, a line under another from `top` (millimetres from the page's top edge), each
    fitted between `left` and `right` (millimetres from its left edge)."""
    regular, _ = fonts.register()
    baseline = top
    for line in lines:
        line, fitted = fonts.fit(line, right - left, size, 3)
        baseline += fitted * 0.33  # the ascent of DejaVu Sans, in millimetres per point (0.93 em × 0.353 mm)
        canvas.setFont(regular, fitted)
        canvas.drawString(left * MM, (page_height - baseline) * MM, line)
        baseline += fitted * 0.11  # the descent (0.24 em) and a gap to the next line


def _canvas(stock: Stock, title: str) -> Canvas:
    canvas = _new_canvas(stock.page_width, stock.page_height)
    canvas.setTitle(title)
    canvas.setCreator("Fleet")
    return canvas


def _new_canvas(width: float, height: float) -> Canvas:
    # The initial font is DejaVu Sans: reportlab's default (Helvetica) would put a standard-14 font into every page.
    canvas = Canvas(io.BytesIO(), pagesize=(width * MM, height * MM), pageCompression=0, invariant=1,
                    initialFontName=fonts.register()[0])
    canvas._doc.defaultStreamFilters = [_DEFLATE]  # reportlab's hook for unfiltered streams: here pages and forms
    return canvas


class _Deflate:
    """Flate at level 5, not zlib's default 6 that reportlab uses: on a page of labels (thousands of
    short, repetitive operators) level 6 takes twice the time, a sixth of the whole renderer's, to
    save some 50 bytes a label (425 instead of 470 in the 1,000-label benchmark)."""

    pdfname = "FlateDecode"

    def encode(self, text: str | bytes) -> bytes:
        return zlib.compress(text.encode() if isinstance(text, str) else text, 5)


_DEFLATE = _Deflate()


def _bytes(canvas: Canvas) -> bytes:
    return canvas.getpdfdata()
