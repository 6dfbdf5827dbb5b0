"""Shared helpers for the print shop's tests: label data with Latvian text, and labels read back the
way a scanner and a PDF reader see them (pages rasterised by PDFium, symbols decoded by zxing-cpp,
text extracted by pypdf)."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import replace

import pypdf
import pypdfium2
import zxingcpp
from PIL import Image

from labels import STOCKS, LabelData, Layout, Stock
from labels.layout import Code128, Emblem, QRCode, Text

URL = "HTTPS://FLEET.EXAMPLE.LV/D/"
MANUFACTURER = "HP"
MODEL = "ProBook 450 G9 ģērbtuve"
OWNER = "Ķekavas novada pašvaldība"
PROGRAMME = "Dators ikvienam bērnam"
PANGRAM = "Glāžšķūņa rūķīši čiepj flīģeļu vākus"  # with MODEL: every Latvian letter with a diacritic
LATVIAN = "āčēģīķļņšūž"
FUNDING = ("Finansē Eiropas Savienība –", "NextGenerationEU")
LONG_OWNER = ("Ķekavas novada pašvaldības Izglītības pārvaldes Baložu vidusskolas & Daugmales pamatskolas "
              "apvienotā saimniecības nodaļa")  # 120 characters, & for the SVG
LONG_SERIAL = "5CG2" + "QZ" * 18  # 40 characters, mostly letters: no code set C to shorten it
DPI = 300  # rasterise what is decoded at a sheet printer's resolution
MM = 25.4  # millimetres per inch
QR = zxingcpp.BarcodeFormat.QRCode
CODE128 = zxingcpp.BarcodeFormat.Code128
SHEETS = sorted(s.id for s in STOCKS.values() if s.kind == "sheet")
ROLLS = sorted(s.id for s in STOCKS.values() if s.kind == "roll")
# The standard label (10-character serial, funded): the stocks whose text column holds the Code128 with its
# quiet zones at a module of whole dots >= 0.16 mm. The others are too narrow (L7651 and L6009 beside a QR code
# of 0.5 mm modules; the Zebra's 203 dpi head has no module between 0.125 and 0.25 mm).
CARRY_BARCODE = {"avery-l7160", "avery-l7163", "avery-l7159", "avery-l6011", "brother-dk-11201", "brother-dk-22205",
                 "dymo-11352"}
STANDARD_14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")
_CHECK = "0123456789ABCDEFGHJKMNPQRTVWXYZ"

assert len(LONG_OWNER) == 120 and len(LONG_SERIAL) == 40


def tag(i: int) -> str:
    return f"DIB-{i:06d}-{_CHECK[i * 7 % len(_CHECK)]}"


def label(i: int = 1, **changes) -> LabelData:
    """A Recovery Fund laptop's label (override any field), its QR code the upper-cased device URL."""
    data = LabelData(asset_tag=tag(i), serial=f"5CG{i:04d}LVX", qr_text=URL + tag(i), manufacturer=MANUFACTURER,
                     model=MODEL, owner=OWNER, programme=PROGRAMME, eu_funded=True)
    return replace(data, **changes)


def batch_label(i: int = 1) -> LabelData:
    """A pre-printed label: a tag not yet bound to a device, so no serial and no model."""
    return LabelData(asset_tag=tag(i), serial="", qr_text=URL + tag(i), programme=PROGRAMME)


# ---- reading labels back ----------------------------------------------------------------------------------------


def rasterise(pdf: bytes, dpi: int = DPI, pages: Iterable[int] | None = None) -> list[Image.Image]:
    """The PDF's pages as greyscale images at `dpi`, as a printer renders them: paths without anti-aliasing
    (a laser or thermal head prints a dot or none; PDFium's grey edge pixels on 2-dot bars can make zxing
    misread a Code128 on a full page that it reads in a crop of the same pixels)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        indices = range(len(document)) if pages is None else pages
        return [document[i].render(scale=dpi / 72, grayscale=True, no_smoothpath=True).to_pil().convert("L")
                for i in indices]
    finally:
        document.close()


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    """Every symbol zxing-cpp finds, in any format and orientation."""
    return zxingcpp.read_barcodes(image)


def found(symbols: Iterable[zxingcpp.Barcode], kind: zxingcpp.BarcodeFormat) -> list[str]:
    return sorted(s.text for s in symbols if s.format == kind)


def centre(symbol: zxingcpp.Barcode) -> tuple[float, float]:
    p = symbol.position
    corners = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
    return sum(c.x for c in corners) / 4, sum(c.y for c in corners) / 4


def extent(symbol: zxingcpp.Barcode) -> tuple[float, float, float, float]:
    """The symbol's box in pixels (left, top, right, bottom) from its four corners."""
    p = symbol.position
    xs = [c.x for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
    ys = [c.y for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
    return min(xs), min(ys), max(xs), max(ys)


def px(mm: float, dpi: int = DPI) -> float:
    return mm * dpi / MM


def png_image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_lines(page: pypdf.PageObject) -> list[str]:
    """pypdf's text of a page, a line per drawn string."""
    return lines_of(page.extract_text())


def lines_of(text: str) -> list[str]:
    """Extracted text as its lines (pypdf puts a space before a string it finds after a gap)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def fonts_of(page: pypdf.PageObject) -> list[pypdf.generic.DictionaryObject]:
    """Every font a page uses, also inside its form XObjects."""
    out = []

    def walk(resources):
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            out.append(font.get_object())
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get_object().get("/Resources"))

    walk(page.get("/Resources"))
    return out


def xobjects_of(page: pypdf.PageObject) -> list[pypdf.generic.DictionaryObject]:
    out = []

    def walk(resources):
        if not resources:
            return
        for xobject in (resources.get_object().get("/XObject") or {}).values():
            xobject = xobject.get_object()
            out.append(xobject)
            walk(xobject.get("/Resources"))

    walk(page.get("/Resources"))
    return out


# ---- what a layout holds ------------------------------------------------------------------------------------------


def texts(drawn: Layout) -> list[str]:
    return [item.text for item in drawn.items if isinstance(item, Text)]


def carries_barcode(drawn: Layout) -> bool:
    return drawn.first(Code128) is not None


def carries_funding(drawn: Layout) -> bool:
    return drawn.first(Emblem) is not None


def qr_item(drawn: Layout) -> QRCode:
    item = drawn.first(QRCode)
    assert isinstance(item, QRCode)
    return item


def is_whole_dots(mm: float, dpi: int, tolerance: float = 1e-6) -> bool:
    dots = mm * dpi / MM
    return dots >= 1 - tolerance and math.isclose(dots, round(dots), abs_tol=tolerance)


Box = tuple[float, float, float, float]


def overlap(a: Box, b: Box, tolerance: float = 1e-6) -> bool:
    """Whether two boxes (x0, y0, x1, y1) share more than an edge."""
    return (min(a[2], b[2]) - max(a[0], b[0]) > tolerance) and (min(a[3], b[3]) - max(a[1], b[1]) > tolerance)


def inside(box: tuple[float, float, float, float], area: tuple[float, float, float, float], tolerance: float) -> bool:
    return (box[0] >= area[0] - tolerance and box[1] >= area[1] - tolerance
            and box[2] <= area[2] + tolerance and box[3] <= area[3] + tolerance)


def printable(stock: Stock) -> tuple[float, float, float, float]:
    """The label minus its margin, where the dark parts and the text belong."""
    m = stock.margin
    return m, m, stock.label_width - m, stock.label_height - m
