"""Symbols as modules: a regular QR code at error correction Q and a Code128, both read back by zxing-cpp
from an image built module by module, and the rectangles that draw them re-assembled into the same modules."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from labels import symbols
from tests.labels.helpers import CODE128, LONG_SERIAL, QR, URL, tag

SCALE = 4  # pixels per module


def qr_image(symbol: symbols.QR) -> Image.Image:
    """The QR code's modules with its 4-module quiet zone, as zxing would see a perfect print."""
    side = symbol.size + 2 * symbols.QR_QUIET
    image = Image.new("L", (side, side), 255)
    for y, row in enumerate(symbol.rows):
        for x, dark in enumerate(row):
            if dark:
                image.putpixel((x + symbols.QR_QUIET, y + symbols.QR_QUIET), 0)
    return image.resize((side * SCALE, side * SCALE), Image.NEAREST)


def bar_image(symbol: symbols.Barcode) -> Image.Image:
    width = symbol.width + 2 * symbols.CODE128_QUIET
    image = Image.new("L", (width, 1), 255)
    for x, bar in enumerate(symbol.modules):
        if bar == "1":
            image.putpixel((x + symbols.CODE128_QUIET, 0), 0)
    return image.resize((width * SCALE, 40), Image.NEAREST)


def matrix_from_rects(size: int, rects: list[tuple[int, int, int]]) -> list[bytes]:
    rows = [bytearray(size) for _ in range(size)]
    for x, y, w in rects:
        assert w >= 1 and 0 <= x and x + w <= size and 0 <= y < size
        for i in range(x, x + w):
            assert rows[y][i] == 0, "rectangles overlap"
            rows[y][i] = 1
    return [bytes(row) for row in rows]


TEXTS = [URL + tag(1), URL + tag(999999), "https://fleet.example.lv/d/" + tag(7), "HTTPS://X.LV/D/A-1"]


@pytest.mark.parametrize("text", TEXTS)
def test_qr_code_reads_back_as_a_regular_qr_code_at_error_correction_q(text):
    symbol = symbols.qr(text)
    assert (symbol.size - 17) % 4 == 0 and symbol.size >= 21  # a regular QR code: 21, 25, 29 ... modules
    assert symbol.version == (symbol.size - 17) // 4
    (read,) = zxingcpp.read_barcodes(qr_image(symbol))
    assert read.format == QR  # not Micro QR
    assert read.text == text
    assert read.ec_level == "Q"
    assert read.extra["Version"] == str(symbol.version)


def test_qr_code_of_a_device_url_is_version_3_upper_case_and_version_4_lower_case():
    upper = symbols.qr(URL + tag(123))
    lower = symbols.qr((URL + tag(123)).lower())
    assert (upper.version, lower.version) == (3, 4)  # alphanumeric mode packs 5.5 bits a character, bytes 8


def test_qr_rows_and_cells_agree():
    symbol = symbols.qr(URL + tag(5))
    rows = symbol.rows
    assert len(rows) == symbol.size and all(len(row) == symbol.size for row in rows)
    assert set(b"".join(rows)) == {0, 1}
    assert len(symbol.cells) == symbol.size * (symbol.size + 1)
    # the three finder patterns: a dark 7-module square ring in three corners
    for x0, y0 in ((0, 0), (symbol.size - 7, 0), (0, symbol.size - 7)):
        assert rows[y0][x0:x0 + 7] == b"\x01" * 7
        assert rows[y0 + 1][x0:x0 + 7] == b"\x01\x00\x00\x00\x00\x00\x01"


@pytest.mark.parametrize("text", TEXTS)
def test_qr_rects_are_maximal_runs_one_module_high_that_make_up_the_symbol(text):
    symbol = symbols.qr(text)
    rects = symbols.qr_rects(symbol)
    assert matrix_from_rects(symbol.size, rects) == symbol.rows
    by_row: dict[int, list[tuple[int, int]]] = {}
    for x, y, w in rects:
        by_row.setdefault(y, []).append((x, w))
    for runs in by_row.values():  # merged: no two runs of a row touch
        runs.sort()
        assert all(x1 > x0 + w0 for (x0, w0), (x1, _) in zip(runs, runs[1:], strict=False))
    assert len(rects) < sum(b"".join(symbol.rows))  # fewer rectangles than dark modules


@pytest.mark.parametrize("text", ["5CG0001LVX", "PF3ABCDE", "1234567890", LONG_SERIAL, "SN_1^2~3"])
def test_code128_reads_back(text):
    symbol = symbols.code128(text)
    assert set(symbol.modules) == {"0", "1"}
    assert symbol.width == len(symbol.modules)
    assert symbol.modules.startswith("11010")  # a start code: 11 modules beginning with a 2-wide bar
    assert symbol.modules.endswith("1100011101011")  # the stop pattern with its final bar
    assert (symbol.width - 13) % 11 == 0
    (read,) = zxingcpp.read_barcodes(bar_image(symbol))
    assert read.format == CODE128
    assert read.text == text


def test_code128_uses_code_set_c_for_digits():
    assert symbols.code128("12345678").width < symbols.code128("ABCDEFGH").width
    assert symbols.code128("12345678").width == 11 * (1 + 4 + 1) + 13  # start C, four pairs, check, stop


def test_bar_rects_make_up_the_modules():
    symbol = symbols.code128("5CG0001LVX")
    rebuilt = ["0"] * symbol.width
    for x, w in symbols.bar_rects(symbol):
        assert w in (1, 2, 3, 4)  # Code128 bars are one to four modules wide
        rebuilt[x:x + w] = "1" * w
    assert "".join(rebuilt) == symbol.modules
    assert len(symbols.bar_rects(symbol)) == (symbol.width - 13) // 11 * 3 + 4  # three bars a symbol, four in stop


def test_symbols_are_cached():
    assert symbols.qr(URL + tag(3)) is symbols.qr(URL + tag(3))
    assert symbols.code128("5CG0003LVX") is symbols.code128("5CG0003LVX")
