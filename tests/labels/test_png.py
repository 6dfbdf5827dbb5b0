"""One label as PNG: decodes exactly, has the label's size at the printer's resolution, crisp symbols
for thermal heads, the emblem in its colours on sheet previews, and nothing drawn beyond the margin."""

from __future__ import annotations

import pytest
from PIL import ImageDraw

from labels import STOCKS, label_png, layout
from labels.emblem import BLUE, GOLD
from labels.layout import Emblem, QRCode
from tests.labels.helpers import (
    CARRY_BARCODE,
    CODE128,
    LONG_OWNER,
    MODEL,
    QR,
    batch_label,
    decode,
    found,
    label,
    png_image,
    px,
)


def dpi_of(stock) -> int:
    return stock.dpi or 300


@pytest.fixture(scope="module")
def pngs():
    return {stock_id: label_png(STOCKS[stock_id], label(1)) for stock_id in STOCKS}


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_png_decodes_exactly(pngs, stock_id):
    image = png_image(pngs[stock_id])
    symbols = decode(image)
    assert {s.format for s in symbols} <= {QR, CODE128}
    assert found(symbols, QR) == [label(1).qr_text]
    assert found(symbols, CODE128) == ([label(1).serial] if stock_id in CARRY_BARCODE else [])


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_png_is_the_label_at_the_printers_resolution(pngs, stock_id):
    stock = STOCKS[stock_id]
    image = png_image(pngs[stock_id])
    assert pngs[stock_id].startswith(b"\x89PNG\r\n\x1a\n")
    dpi = dpi_of(stock)
    assert image.size == pytest.approx((px(stock.label_width, dpi), px(stock.label_height, dpi)), abs=1)
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.01)
    assert image.mode == ("L" if stock.kind == "roll" else "RGB")


@pytest.mark.parametrize("stock_id", [s for s in sorted(STOCKS) if STOCKS[s].kind == "roll"])
def test_a_thermal_png_has_crisp_symbols_whole_dots_and_no_grey(pngs, stock_id):
    stock = STOCKS[stock_id]
    image = png_image(pngs[stock_id])
    qr = layout(stock, label(1)).first(QRCode)
    assert isinstance(qr, QRCode)
    box = [round(px(v, stock.dpi)) for v in qr.box]
    area = image.crop(tuple(box))
    assert {value for _, value in area.getcolors()} == {0, 255}  # a thermal head prints a dot or none
    # sample every module's centre: the image holds exactly the symbol's modules
    module = qr.module * stock.dpi / 25.4
    x0, y0 = px(qr.x, stock.dpi), px(qr.y, stock.dpi)
    for y, row in enumerate(qr.symbol.rows):
        for x, dark in enumerate(row):
            value = image.getpixel((int(x0 + (x + 0.5) * module), int(y0 + (y + 0.5) * module)))
            assert value == (0 if dark else 255), (x, y)


def test_a_sheet_png_can_be_asked_for_at_600_dpi():
    stock = STOCKS["avery-l7160"]
    image = png_image(label_png(stock, label(1), dpi=600))
    assert image.size == pytest.approx((px(stock.label_width, 600), px(stock.label_height, 600)), abs=1)
    assert found(decode(image), QR) == [label(1).qr_text]
    assert found(decode(image), CODE128) == [label(1).serial]


@pytest.mark.parametrize("stock_id", [s for s in sorted(STOCKS) if STOCKS[s].kind == "sheet"])
def test_the_emblem_shows_in_blue_and_gold_on_a_sheet_preview(pngs, stock_id):
    stock = STOCKS[stock_id]
    emblem = layout(stock, label(1)).first(Emblem)
    image = png_image(pngs[stock_id])
    if emblem is None:
        assert stock_id == "avery-l7651"
        return
    x0, y0, x1, y1 = (px(v) for v in emblem.box)
    colours = image.crop((round(x0) + 1, round(y0) + 1, round(x1) - 1, round(y1) - 1)).getcolors(maxcolors=100_000)
    blue = tuple(round(c * 255) for c in BLUE)
    gold = tuple(round(c * 255) for c in GOLD)
    counts = {colour: n for n, colour in colours}
    total = sum(counts.values())
    assert counts.get(blue, 0) > total / 2  # mostly the blue field
    assert counts.get(gold, 0) > 0  # and the stars


def test_a_label_without_funding_has_no_blue():
    image = png_image(label_png(STOCKS["avery-l7163"], label(1, eu_funded=False)))
    assert (0, 51, 153) not in {colour for _, colour in image.getcolors(maxcolors=100_000)}


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_long_text_is_never_drawn_beyond_the_margin(stock_id):
    stock = STOCKS[stock_id]
    data = label(1, owner=LONG_OWNER, model=MODEL * 3, programme=LONG_OWNER)
    dpi = dpi_of(stock)
    image = png_image(label_png(stock, data)).convert("L")
    assert image.getextrema()[0] == 0
    slack = px(0.2, dpi) + 1
    m = stock.margin
    blank = image.copy()
    ImageDraw.Draw(blank).rectangle((px(m, dpi) - slack, px(m, dpi) - slack, px(stock.label_width - m, dpi) + slack,
                                     px(stock.label_height - m, dpi) + slack), fill=255)
    assert blank.getextrema() == (255, 255)


@pytest.mark.parametrize("stock_id", ["avery-l7651", "zebra-2x1", "brother-dk-11201"])
def test_a_pre_printed_label_png_carries_only_its_qr_code(stock_id):
    data = batch_label(9)
    symbols = decode(png_image(label_png(STOCKS[stock_id], data)))
    assert found(symbols, QR) == [data.qr_text]
    assert found(symbols, CODE128) == []
