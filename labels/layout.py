"""One asset label laid out on one stock: a list of drawing items in millimetres, y downwards.

The QR code sits on the left at the largest module that fits (a whole number of printer dots);
the column beside it holds, by priority, the asset tag (largest), the serial, its Code128, the
EU funding line with the emblem, manufacturer and model, the owner, and the programme line. When
the column is short the sizes shrink towards their minimum, then the lowest-priority lines are
left out (named in `Layout.omitted`); text that is too wide shrinks, then ends in an ellipsis.
Every output (PDF, SVG, PNG, ZPL) draws the same items.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from labels import fonts, symbols
from labels.stocks import Stock

PT = 25.4 / 72  # millimetres per point
ASCENT, DESCENT, LEADING = 0.93, 0.24, 1.2  # DejaVu Sans, in em: room for Ā above and Ķ below
SHEET_DPI = 300  # sheets: module widths are whole dots at 300 dpi, and so at 600 and 1200
MIN_QR_MODULE = 0.5  # mm, on sheet stock
MIN_THERMAL_QR_MODULE = 0.33  # mm: 4 dots at 300 dpi, 3 at 203 dpi, still read by phone cameras at arm's length
MIN_BAR_MODULE = 0.16  # mm: a narrower Code128 bar blurs on paper and on a 203 dpi head
# points: the asset tag shrinks below its line's minimum, down to the smallest text on any label, before it loses
# a character: a nine-digit tag (DIB-999999999-W) fits L7651, the narrowest column, at 5 pt
TAG_FLOOR = 4.5
FUNDING = ("Finansē Eiropas Savienība –", "NextGenerationEU")


@dataclass(frozen=True)
class LabelData:
    asset_tag: str
    serial: str
    qr_text: str  # the device's URL, as built by the service
    manufacturer: str = ""
    model: str = ""
    owner: str = ""  # the school's founder
    programme: str = ""
    eu_funded: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    baseline: float
    size: float  # points
    text: str
    bold: bool = False

    @property
    def box(self) -> tuple[float, float, float, float]:
        em = self.size * PT
        return (self.x, self.baseline - ASCENT * em, self.x + fonts.text_width(self.text, self.size, self.bold),
                self.baseline + DESCENT * em)


@dataclass(frozen=True)
class QRCode:
    x: float  # top-left of the first module; the quiet zone lies outside
    y: float
    module: float
    symbol: symbols.QR

    @property
    def box(self):
        side = self.symbol.size * self.module
        return self.x, self.y, self.x + side, self.y + side


@dataclass(frozen=True)
class Code128:
    x: float  # the first bar; the quiet zone lies outside
    y: float
    module: float
    height: float
    symbol: symbols.Barcode

    @property
    def box(self):
        return self.x, self.y, self.x + self.symbol.width * self.module, self.y + self.height


@dataclass(frozen=True)
class Emblem:
    """The EU flag: twelve gold stars on blue, 3:2."""

    x: float
    y: float
    height: float

    @property
    def box(self):
        return self.x, self.y, self.x + 1.5 * self.height, self.y + self.height


Item = Text | QRCode | Code128 | Emblem


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    items: tuple[Item, ...]
    omitted: tuple[str, ...] = field(default=())

    def first(self, kind: type) -> Item | None:
        return next((i for i in self.items if isinstance(i, kind)), None)


def dot(stock: Stock) -> float:
    return 25.4 / (stock.dpi or SHEET_DPI)


def on_dots(mm: float, dot_mm: float, up: bool = False) -> float:
    """``mm`` moved onto the printer's dot grid: the nearest dot, or the next one ``up``. Symbols
    start at whole dots from the label's corner; where the corner goes is ``labels.pdf._corner``."""
    dots = mm / dot_mm
    return (math.ceil(dots - 1e-9) if up else round(dots)) * dot_mm


def layout(stock: Stock, data: LabelData) -> Layout:
    qr_symbol = symbols.qr(data.qr_text)
    lines = _lines(data)
    barcode = symbols.code128(data.serial) if data.serial else None
    key = (stock, qr_symbol.size, barcode.width if barcode else 0, tuple(line.name for line in lines))
    module = _module_for.get(key)
    if module is None:
        module = _module_for[key] = _best_module(stock, qr_symbol, barcode, lines)
    return _attempt(stock, qr_symbol, barcode, lines, module)


_module_for: dict[tuple, float] = {}  # the choice depends on the stock and the lines' kinds, not their text


def _best_module(stock: Stock, qr_symbol: symbols.QR, barcode: symbols.Barcode | None, lines: list[_Line]) -> float:
    """The QR module that leaves out the least (a line of higher priority weighs more than all lower
    ones together), and of those the largest: a big QR code is no use if the barcode has to go."""
    dot_mm, minimum = dot(stock), (MIN_QR_MODULE if stock.kind == "sheet" else MIN_THERMAL_QR_MODULE)
    largest = _qr_module(qr_symbol.size, stock.label_height, stock.margin, dot_mm)
    best, best_cost = largest, None
    dots = round(largest / dot_mm)
    while dots >= 1 and (dots * dot_mm >= minimum or best_cost is None):
        drawn = _attempt(stock, qr_symbol, barcode, lines, dots * dot_mm)
        cost = sum(2 ** (16 - _PRIORITY[name]) for name in drawn.omitted)
        if best_cost is None or cost < best_cost:
            best, best_cost = dots * dot_mm, cost
        if cost == 0:
            break
        dots -= 1
    return best


def _attempt(stock: Stock, qr_symbol: symbols.QR, barcode: symbols.Barcode | None, lines: list[_Line],
             module: float) -> Layout:
    w, h, margin = stock.label_width, stock.label_height, stock.margin
    quiet = symbols.QR_QUIET * module
    side = qr_symbol.size * module
    dot_mm = dot(stock)
    qr_x = on_dots(max(margin, quiet), dot_mm, up=True)  # and so the Code128 beside it
    qr = QRCode(qr_x, on_dots((h - side) / 2, dot_mm), module, qr_symbol)
    x0 = qr_x + side + quiet
    column, omitted = _column(lines, barcode, x0, margin, w - margin - x0, h - 2 * margin, dot_mm)
    return Layout(w, h, (qr, *column), omitted)


def _qr_module(size: int, height: float, margin: float, dot_mm: float) -> float:
    """The largest module (whole printer dots) whose symbol keeps its dark modules inside the margin
    and its quiet zone on the label."""
    dots = 1
    while (size * (dots + 1) * dot_mm + 2 * max(margin, symbols.QR_QUIET * (dots + 1) * dot_mm)) <= height:
        dots += 1
    return dots * dot_mm


@dataclass(frozen=True)
class _Line:
    name: str
    nominal: float  # points for text, millimetres for a barcode
    minimum: float
    text: str = ""
    bold: bool = False

    @property
    def priority(self) -> int:  # lower is kept longer
        return _PRIORITY[self.name]

    def height(self, scale: float) -> float:
        size = self.minimum + scale * (self.nominal - self.minimum)
        if self.name == "barcode":
            return size + 0.6  # a little air above the bars
        if self.name == "funding":
            return 2 * LEADING * size * PT
        return LEADING * size * PT


_PRIORITY = {"asset_tag": 0, "serial": 1, "barcode": 2, "funding": 3, "model": 4, "owner": 5, "programme": 6}


_LINE_KINDS = {line.name: line for line in (  # nominal and smallest size: points for text, mm for the barcode
    _Line("asset_tag", 14, 7, bold=True), _Line("serial", 7, 5), _Line("barcode", 7, 3.5), _Line("funding", 5.5, 4),
    _Line("model", 7, 4.5), _Line("owner", 6, 4.5), _Line("programme", 5.5, 4.5))}


def _lines(data: LabelData) -> list[_Line]:
    model = " ".join(p for p in (data.manufacturer, data.model) if p)
    texts = {"asset_tag": data.asset_tag, "serial": data.serial, "barcode": data.serial, "funding": "",
             "model": model, "owner": data.owner, "programme": data.programme}
    present = {"asset_tag": True, "serial": bool(data.serial),  # a pre-printed label has no serial: bound when scanned
               "barcode": bool(data.serial), "funding": data.eu_funded, "model": bool(model),
               "owner": bool(data.owner), "programme": bool(data.programme)}
    # the constructor, not dataclasses.replace: that inspects the fields on every call (half the layout's own time)
    return [_Line(name, kind.nominal, kind.minimum, texts[name], kind.bold) for name, kind in _LINE_KINDS.items()
            if present[name]]


def _column(lines: list[_Line], barcode: symbols.Barcode | None, x0: float, margin: float, width: float, height: float,
            dot_mm: float):
    """The column's items: where each line goes depends only on which lines there are and the space
    (planned once per kind of label, ``_plan``); the text is fitted per label."""
    by_name = {line.name: line for line in lines}
    placed, omitted = _plan(tuple(by_name), barcode.width if barcode else 0, x0, margin, width, height, dot_mm)
    items: list[Item] = []
    tag_size = float("inf")
    for name, y, size, bar_module in placed:
        line = by_name[name]
        if name == "barcode":
            quiet = symbols.CODE128_QUIET * bar_module
            items.append(Code128(x0 + quiet, y + 0.6, bar_module, size, barcode))
        elif name == "funding":
            items.extend(_funding(x0, y, width, size))
        else:
            floor = TAG_FLOOR if name == "asset_tag" else line.minimum
            cap = min(size, tag_size)  # no text is larger than the asset tag (the first line)
            text, fitted = fonts.fit(line.text, width, cap, min(floor, cap), line.bold)
            tag_size = fitted if name == "asset_tag" else tag_size
            items.append(Text(x0, y + ASCENT * size * PT, fitted, text, line.bold))
    return items, omitted


@lru_cache(maxsize=4096)
def _plan(names: tuple[str, ...], barcode_width: int, x0: float, margin: float, width: float, height: float,
          dot_mm: float) -> tuple[tuple[tuple[str, float, float, float | None], ...], tuple[str, ...]]:
    """Which lines go where: ((name, top, size, barcode module), …) and the names left out."""
    lines = [_LINE_KINDS[name] for name in names]
    omitted: list[str] = []
    bar_module = _bar_module(barcode_width, width, dot_mm) if barcode_width else None
    for name, fits in (("barcode", bar_module is not None), ("funding", _funding_fits(width))):
        if not fits and name in names:
            omitted.append(name)
            lines = [line for line in lines if line.name != name]
    while True:
        at_min = sum(line.height(0) for line in lines)
        if at_min <= height or len(lines) <= 2:
            break
        worst = max(lines, key=lambda line: line.priority)
        omitted.append(worst.name)
        lines = [line for line in lines if line is not worst]
    at_nominal = sum(line.height(1) for line in lines)
    scale = 1.0 if at_nominal <= height else max(0.0, (height - at_min) / (at_nominal - at_min))
    gap = max(0.0, (height - sum(line.height(scale) for line in lines)) / (len(lines) + 1))
    gap = min(gap, 1.2)
    y, placed = margin + gap, []
    for line in lines:
        placed.append((line.name, y, line.minimum + scale * (line.nominal - line.minimum),
                       bar_module if line.name == "barcode" else None))
        y += line.height(scale) + gap
    return tuple(placed), tuple(omitted)


def _bar_module(modules: int, width: float, dot_mm: float) -> float | None:
    """The widest Code128 module, a whole number of printer dots (at 300 dpi on sheets, so also
    whole at 600), at most 0.5 mm, whose symbol and quiet zones fit `width`."""
    best = None
    for dots in range(1, 13):
        mm = dots * dot_mm
        if MIN_BAR_MODULE <= mm <= 0.51 and (modules + 2 * symbols.CODE128_QUIET) * mm <= width:
            best = mm
    return best


FUNDING_MIN = 4.0  # points


def _funding_size(width: float, size: float) -> float | None:
    """The largest size up to `size` at which the emblem and the longer funding line fit `width`."""
    while size >= FUNDING_MIN:
        if _EMBLEM_HEIGHT * 1.5 * LEADING * size * PT + 0.8 + fonts.text_width(FUNDING[0], size) <= width:
            return size
        size -= 0.25
    return None


def _funding_fits(width: float) -> bool:
    return _funding_size(width, FUNDING_MIN) is not None


_EMBLEM_HEIGHT = 1.8  # lines


@lru_cache(maxsize=1024)
def _funding(x: float, y: float, width: float, size: float) -> tuple[Item, ...]:
    size = _funding_size(width, size) or FUNDING_MIN
    line = LEADING * size * PT
    emblem = Emblem(x, y + 0.1 * line, _EMBLEM_HEIGHT * line)
    tx = emblem.box[2] + 0.8
    return (emblem, *(Text(tx, y + i * line + ASCENT * size * PT, size, part) for i, part in enumerate(FUNDING)))
