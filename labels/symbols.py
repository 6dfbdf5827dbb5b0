"""Symbols as modules: a QR code and a Code128, and the rectangles that draw them.

QR: the C++ encoder of zxing-cpp (about 30x faster than the pure-Python qrcode and segno, see
README), error correction Q, always a regular QR code (never Micro QR). Code128: python-barcode,
which picks the code sets (C for digit runs) for the shortest symbol. Every output (PDF, SVG, PNG,
ZPL) takes its symbols from here, so all of them carry the same code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import zxingcpp
from barcode.codex import Code128

QR_QUIET = 4  # modules of quiet zone round a QR code (ISO/IEC 18004)
CODE128_QUIET = 10  # modules of quiet zone left and right of a Code128


@dataclass(frozen=True)
class QR:
    text: str
    size: int  # modules per side, without the quiet zone
    cells: bytes  # row by row, one byte per module (1 = dark), each row followed by one 0

    @property
    def rows(self) -> list[bytes]:
        stride = self.size + 1
        return [self.cells[y * stride:y * stride + self.size] for y in range(self.size)]

    @property
    def version(self) -> int:
        return (self.size - 17) // 4


@dataclass(frozen=True)
class Barcode:
    text: str
    modules: str  # "1101…": one character per module, 1 = bar

    @property
    def width(self) -> int:
        return len(self.modules)


@lru_cache(maxsize=4096)
def qr(text: str) -> QR:
    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="Q")
    image = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
    size = image.shape[0]
    flat = bytes(image).translate(_DARK)
    return QR(text, size, b"\x00".join([flat[i:i + size] for i in range(0, size * size, size)]) + b"\x00")


_DARK = bytes([1] + [0] * 255)  # zxing-cpp draws dark modules as 0, light as 255


@lru_cache(maxsize=4096)
def code128(text: str) -> Barcode:
    return Barcode(text, Code128(text).build()[0])


def qr_runs(symbol: QR) -> Iterator[tuple[int, int]]:
    """The runs of dark modules, row by row, as (start, end) indices into `symbol.cells`."""
    return map(_SPAN, _RUN.finditer(symbol.cells))


def qr_rects(symbol: QR) -> list[tuple[int, int, int]]:
    """The dark modules as rectangles one module high: (x, y, w) in modules, a run of a row each."""
    stride = symbol.size + 1
    return [(start % stride, start // stride, end - start) for start, end in qr_runs(symbol)]


def bar_runs(symbol: Barcode) -> Iterator[tuple[int, int]]:
    """The bars as (start, end) in modules."""
    return map(_SPAN, _RUN.finditer(symbol.modules.encode().translate(_BAR)))


def bar_rects(symbol: Barcode) -> list[tuple[int, int]]:
    """The bars as (x, w) in modules."""
    return [(start, end - start) for start, end in bar_runs(symbol)]


_BAR = bytes.maketrans(b"01", b"\x00\x01")
_RUN = re.compile(b"\x01+")
_SPAN = re.Match.span
