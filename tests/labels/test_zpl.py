"""Labels as ZPL II, checked structurally: one ^XA … ^XZ format per label at the stock's size in dots,
UTF-8 text, the printer's own QR code (^BQ) and Code128 (^BC) from the same layout as the PDF, the
emblem as a clean bitmap, and the calibration shift as the label home."""

from __future__ import annotations

import re

import pytest

from labels import STOCKS, Calibration, labels_zpl, layout
from labels.layout import ASCENT, PT, Code128, Emblem, QRCode, Text
from labels.zpl import ZEBRA_DPI
from tests.labels.helpers import CARRY_BARCODE, FUNDING, LONG_SERIAL, OWNER, batch_label, label

FIELD = re.compile(r"\^FO(\d+),(\d+)(.*?)\^FS", re.S)


def dpi_of(stock) -> int:
    return stock.dpi or ZEBRA_DPI


def dots(mm: float, dpi: int) -> int:
    return round(mm * dpi / 25.4)


def formats(zpl: bytes) -> list[str]:
    text = zpl.decode("utf-8")
    assert text.endswith("\n")
    blocks = re.findall(r"\^XA(.*?)\^XZ", text, re.S)
    assert text.count("^XA") == text.count("^XZ") == len(blocks)
    assert re.sub(r"\^XA.*?\^XZ", "", text, flags=re.S).strip() == ""  # nothing outside the formats
    return blocks


def unescape(field: str) -> str:
    """^FH field data back to text: _hh is a byte in hexadecimal."""
    return re.sub(rb"_([0-9A-F]{2})", lambda m: bytes([int(m.group(1), 16)]), field.encode()).decode()


@pytest.fixture(scope="module")
def runs():
    data = [label(1), label(2, eu_funded=False), label(3, serial=LONG_SERIAL), batch_label(4)]
    return {stock_id: (data, formats(labels_zpl(STOCKS[stock_id], data))) for stock_id in STOCKS}


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_one_format_per_label_at_the_stocks_size_in_utf8(runs, stock_id):
    stock = STOCKS[stock_id]
    data, blocks = runs[stock_id]
    assert len(blocks) == len(data)
    dpi = dpi_of(stock)
    for block in blocks:
        lines = block.strip().splitlines()
        assert lines[:4] == ["^CI28", f"^PW{dots(stock.label_width, dpi)}", f"^LL{dots(stock.label_height, dpi)}",
                             "^LH0,0"]
        assert lines[-1] == "^PQ1"


def test_the_zebra_label_is_406_by_203_dots():
    (block,) = formats(labels_zpl(STOCKS["zebra-2x1"], [label(1)]))
    assert "^PW406\n^LL203" in block


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_printer_draws_the_qr_code_from_the_url(runs, stock_id):
    stock = STOCKS[stock_id]
    dpi = dpi_of(stock)
    data, blocks = runs[stock_id]
    for d, block in zip(data, blocks, strict=True):
        qr = layout(stock, d).first(QRCode)
        found = re.findall(r"\^FO(\d+),(\d+)\^BQN,2,(\d+)\^FH\^FDQA,(.*?)\^FS", block)
        assert found == [(str(dots(qr.x, dpi)), str(dots(qr.y, dpi)), str(round(qr.module * dpi / 25.4)), d.qr_text)]
        assert block.count("^BQ") == 1


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_printer_draws_the_code128_of_the_serial_unless_the_layout_left_it_out(runs, stock_id):
    stock = STOCKS[stock_id]
    dpi = dpi_of(stock)
    data, blocks = runs[stock_id]
    for d, block in zip(data, blocks, strict=True):
        drawn = layout(stock, d)
        bars = drawn.first(Code128)
        found = re.findall(r"\^FO(\d+),(\d+)\^BY(\d+)\^BCN,(\d+),N,N,N,A\^FH\^FD(.*?)\^FS", block)
        if bars is None:
            assert found == [] and "^BC" not in block
            assert not d.serial or "barcode" in drawn.omitted
        else:
            assert found == [(str(dots(bars.x, dpi)), str(dots(bars.y, dpi)), str(round(bars.module * dpi / 25.4)),
                              str(dots(bars.height, dpi)), d.serial)]
    assert ("^BC" in blocks[0]) == (stock_id in CARRY_BARCODE)  # the standard label


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_text_fields_carry_the_layouts_latvian_text(runs, stock_id):
    stock = STOCKS[stock_id]
    dpi = dpi_of(stock)
    data, blocks = runs[stock_id]
    for d, block in zip(data, blocks, strict=True):
        drawn = [item for item in layout(stock, d).items if isinstance(item, Text)]
        fields = re.findall(r"\^FO(\d+),(\d+)\^A0N,(\d+),(\d+)\^TBN,(\d+),(\d+)\^FH\^FD(.*?)\^FS", block)
        assert [unescape(f[6]) for f in fields] == [item.text for item in drawn]
        for (x, y, h, w, room, tall, _), item in zip(fields, drawn, strict=True):
            assert (int(x), int(y)) == (dots(item.x, dpi), dots(item.baseline - ASCENT * item.size * PT, dpi))
            assert int(h) == int(w) == dots(item.size * PT, dpi)
            # the text block clips at the label's margin, and holds the line the layout fitted
            assert int(x) + int(room) <= dots(stock.label_width - stock.margin, dpi) + 1
            assert int(room) >= dots(item.box[2] - item.x, dpi) - 1 and int(tall) >= int(h)
    assert OWNER in blocks[0] or stock_id == "avery-l7651"


def test_field_data_escapes_what_zpl_reserves():
    data = label(1, model="X^Y~Z_1", owner="A^FS^XZ")
    (block,) = formats(labels_zpl(STOCKS["avery-l7163"], [data]))
    fields = [f[2] for f in FIELD.findall(block)]
    for field in fields:
        payload = field.split("^FD", 1)[1] if "^FD" in field else ""
        assert "^" not in payload and "~" not in payload
    texts = [unescape(f.split("^FD", 1)[1]) for f in fields if "^A0N" in f]
    assert "HP X^Y~Z_1" in texts and "A^FS^XZ" in texts
    assert block.count("^XZ") == 0  # the owner's "^XZ" did not end the format


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_emblem_is_a_bitmap_of_the_emblems_size_only_on_funded_labels(runs, stock_id):
    stock = STOCKS[stock_id]
    dpi = dpi_of(stock)
    data, blocks = runs[stock_id]
    for d, block in zip(data, blocks, strict=True):
        emblem = layout(stock, d).first(Emblem)
        graphics = re.findall(r"\^FO(\d+),(\d+)\^GFA,(\d+),(\d+),(\d+),([0-9A-F]*)\^FS", block)
        if emblem is None:
            assert graphics == [] and FUNDING[1] not in block
            continue
        assert FUNDING[1] in block
        ((x, y, total, count, row_bytes, hexdata),) = graphics
        assert (int(x), int(y)) == (dots(emblem.x, dpi), dots(emblem.y, dpi))
        width, height = dots(1.5 * emblem.height, dpi), dots(emblem.height, dpi)
        assert int(row_bytes) == (width + 7) // 8
        assert int(total) == int(count) == len(hexdata) // 2 == int(row_bytes) * height
        rows = [bytes.fromhex(hexdata[i:i + 2 * int(row_bytes)]) for i in range(0, len(hexdata), 2 * int(row_bytes))]
        bits = ["".join(f"{b:08b}" for b in row) for row in rows]
        assert all(row[width:] == "0" * (len(row) - width) for row in bits)  # the byte padding prints nothing
        assert bits[0][:width] == "1" * width  # the blue field's top edge prints
        assert sum(row.count("0") for row in bits) > width  # and the stars are left blank
    assert any("^GFA" in block for block in blocks) == (stock_id != "avery-l7651")


def test_a_positive_calibration_shift_is_the_label_home():
    stock = STOCKS["zebra-2x1"]
    plain = formats(labels_zpl(stock, [label(1)]))[0]
    shifted = formats(labels_zpl(stock, [label(1)], Calibration(0.5, 1.0)))[0]
    assert "^LH4,8" in shifted  # 0.5 mm and 1 mm at 203 dpi
    assert FIELD.findall(shifted) == FIELD.findall(plain)  # the fields stay put relative to the home


def test_a_negative_calibration_shift_moves_every_field_origin():
    stock = STOCKS["brother-dk-11201"]  # 300 dpi
    plain = FIELD.findall(formats(labels_zpl(stock, [label(1)]))[0])
    block = formats(labels_zpl(stock, [label(1)], Calibration(-0.5, -0.3)))[0]
    assert "^LH0,0" in block
    moved = FIELD.findall(block)
    assert len(moved) == len(plain) > 5
    for (x0, y0, rest0), (x1, y1, rest1) in zip(plain, moved, strict=True):
        assert (int(x1), int(y1)) == (int(x0) - 6, int(y0) - 4)  # 0.5 mm and 0.3 mm at 300 dpi
        assert rest1 == rest0


def test_a_mixed_calibration_shift_splits_between_home_and_origins():
    stock = STOCKS["zebra-2x1"]
    plain = FIELD.findall(formats(labels_zpl(stock, [label(1)]))[0])
    block = formats(labels_zpl(stock, [label(1)], Calibration(1.0, -0.5)))[0]
    assert "^LH8,0" in block
    for (x0, y0, _), (x1, y1, _) in zip(plain, FIELD.findall(block), strict=True):
        assert (int(x1), int(y1)) == (int(x0), int(y0) - 4)
