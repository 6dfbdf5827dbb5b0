"""One label on every stock: every item on the label and inside its margin, symbols at whole printer dots
with their quiet zones clear, nothing overlapping, and the adaptive choices (shrink, cut, leave out)."""

from __future__ import annotations

import itertools

import pytest

from labels import STOCKS, LabelData, fonts, layout, symbols
from labels.fonts import ELLIPSIS
from labels.layout import (
    FUNDING,
    MIN_BAR_MODULE,
    MIN_QR_MODULE,
    MIN_THERMAL_QR_MODULE,
    SHEET_DPI,
    Code128,
    Emblem,
    QRCode,
    Text,
)
from tests.labels.helpers import (
    CARRY_BARCODE,
    LONG_OWNER,
    LONG_SERIAL,
    MODEL,
    OWNER,
    PANGRAM,
    PROGRAMME,
    URL,
    batch_label,
    inside,
    is_whole_dots,
    label,
    overlap,
    printable,
    qr_item,
    tag,
    texts,
)

TOLERANCE = 0.2  # mm
EPS = 1e-6

VARIANTS = {
    "funded": label(1),
    "not-funded": label(2, eu_funded=False),
    "long-owner": label(3, owner=LONG_OWNER),
    "long-serial": label(4, serial=LONG_SERIAL),
    "pre-printed": batch_label(5),
    "bare": LabelData(asset_tag=tag(6), serial="5CG0006LVX", qr_text=URL + tag(6)),
    "lower-case-url": label(7, qr_text="https://fleet.example.lv/d/" + tag(7)),
    "pangram": label(8, programme=PANGRAM),
    "seven-digit-tag": label(9, asset_tag="DIB-1000000-R", qr_text=URL + "DIB-1000000-R"),
    "nine-digit-tag": label(10, asset_tag="DIB-999999999-W", qr_text=URL + "DIB-999999999-W"),
}

CASES = [pytest.param(stock_id, name, id=f"{stock_id}-{name}") for stock_id in sorted(STOCKS) for name in VARIANTS]


def dpi_of(stock) -> int:
    return stock.dpi or SHEET_DPI


@pytest.mark.parametrize(("stock_id", "variant"), CASES)
def test_every_item_lies_inside_the_labels_margin(stock_id, variant):
    stock = STOCKS[stock_id]
    drawn = layout(stock, VARIANTS[variant])
    assert (drawn.width, drawn.height) == (stock.label_width, stock.label_height)
    assert drawn.items
    for item in drawn.items:  # every item is a dark part or text
        assert inside(item.box, (0, 0, stock.label_width, stock.label_height), TOLERANCE), item
        assert inside(item.box, printable(stock), TOLERANCE), (item, stock.margin)


@pytest.mark.parametrize(("stock_id", "variant"), CASES)
def test_items_do_not_overlap(stock_id, variant):
    drawn = layout(STOCKS[stock_id], VARIANTS[variant])
    for a, b in itertools.combinations(drawn.items, 2):
        assert not overlap(a.box, b.box), (a, b)


@pytest.mark.parametrize(("stock_id", "variant"), CASES)
def test_qr_module_is_whole_dots_and_its_quiet_zone_is_on_the_label_and_clear(stock_id, variant):
    stock = STOCKS[stock_id]
    drawn = layout(stock, VARIANTS[variant])
    qr = qr_item(drawn)
    assert qr.symbol == symbols.qr(VARIANTS[variant].qr_text)
    assert qr.module >= (MIN_QR_MODULE if stock.kind == "sheet" else MIN_THERMAL_QR_MODULE) - EPS
    assert is_whole_dots(qr.module, dpi_of(stock))
    quiet = symbols.QR_QUIET * qr.module
    x0, y0, x1, y1 = qr.box
    assert x1 - x0 == pytest.approx(qr.symbol.size * qr.module)
    zone = (x0 - quiet, y0 - quiet, x1 + quiet, y1 + quiet)
    assert inside(zone, (0, 0, stock.label_width, stock.label_height), EPS), zone
    for item in drawn.items:
        if item is not qr:
            assert not overlap(zone, item.box), item


def test_qr_module_is_at_least_half_a_millimetre_on_every_sheet():
    for stock in STOCKS.values():
        if stock.kind == "sheet":
            for data in VARIANTS.values():
                assert qr_item(layout(stock, data)).module >= 0.5


@pytest.mark.parametrize(("stock_id", "variant"), CASES)
def test_code128_module_is_whole_dots_and_its_quiet_zones_are_clear(stock_id, variant):
    stock = STOCKS[stock_id]
    data = VARIANTS[variant]
    drawn = layout(stock, data)
    bars = drawn.first(Code128)
    if bars is None:
        assert not data.serial or "barcode" in drawn.omitted
        return
    assert isinstance(bars, Code128)
    assert bars.symbol == symbols.code128(data.serial)
    assert MIN_BAR_MODULE <= bars.module <= 0.51
    assert is_whole_dots(bars.module, dpi_of(stock))
    if stock.kind == "sheet":
        assert is_whole_dots(bars.module, 600)
    quiet = symbols.CODE128_QUIET * bars.module
    x0, y0, x1, y1 = bars.box
    assert x1 - x0 == pytest.approx(bars.symbol.width * bars.module)
    for zone in ((x0 - quiet, y0, x0, y1), (x1, y0, x1 + quiet, y1)):
        assert inside(zone, printable(stock), EPS), zone
        for item in drawn.items:
            if item is not bars:
                assert not overlap(zone, item.box), item


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_standard_label_keeps_its_barcode_where_the_column_holds_it(stock_id):
    drawn = layout(STOCKS[stock_id], label(1))
    if stock_id in CARRY_BARCODE:
        assert drawn.first(Code128) is not None
        assert "barcode" not in drawn.omitted
    else:
        assert drawn.first(Code128) is None
        assert "barcode" in drawn.omitted


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_tag_and_serial_are_on_every_label_and_the_tag_is_whole_and_the_largest_text(stock_id):
    data = label(1)
    drawn = layout(STOCKS[stock_id], data)
    text = [item for item in drawn.items if isinstance(item, Text)]
    assert text[0].text == data.asset_tag  # never cut: the tag is the label's identity
    assert text[0].bold
    assert text[1].text == data.serial
    assert all(t.size <= text[0].size for t in text)
    assert "asset_tag" not in drawn.omitted and "serial" not in drawn.omitted


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
@pytest.mark.parametrize("tag", ["DIB-999999-W", "DIB-1000000-W", "DIB-999999999-W"])
def test_a_tag_of_up_to_nine_digits_is_whole_on_every_stock(stock_id, tag):
    """The numbers grow past six digits (fleet.asset_tags): with the default prefix the longest tag, widest
    check character too, still fits whole, on its own and on a pre-printed label."""
    for data in (label(1, asset_tag=tag, qr_text=URL + tag), LabelData(asset_tag=tag, serial="", qr_text=URL + tag)):
        drawn = layout(STOCKS[stock_id], data)
        text = [item for item in drawn.items if isinstance(item, Text)]
        assert text[0].text == tag and text[0].bold
        assert all(t.size <= text[0].size for t in text)


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_label_says_what_it_should_in_priority_order(stock_id):
    data = label(1)
    drawn = layout(STOCKS[stock_id], data)
    expected = [data.asset_tag, data.serial]
    if "funding" not in drawn.omitted:
        expected += list(FUNDING)
    for name, line in (("model", f"{data.manufacturer} {MODEL}"), ("owner", OWNER), ("programme", PROGRAMME)):
        if name not in drawn.omitted:
            expected.append(line)
    got = texts(drawn)
    assert len(got) == len(expected)
    for shown, full in zip(got, expected, strict=True):  # a line is whole, or its beginning and an ellipsis
        assert shown == full or (shown.endswith(ELLIPSIS) and full.startswith(shown[:-1].rstrip())), (shown, full)
    optional = ["model", "owner", "programme"]  # left out for height, lowest priority first
    kept = [name for name in optional if name not in drawn.omitted]
    assert kept == optional[:len(kept)]


def test_the_roomy_stocks_print_everything_unshortened():
    for stock_id in ("avery-l7160", "avery-l7163", "avery-l7159", "avery-l6011", "brother-dk-11201", "dymo-11352"):
        data = label(1)
        drawn = layout(STOCKS[stock_id], data)
        assert drawn.omitted == ()
        assert texts(drawn) == [data.asset_tag, data.serial, *FUNDING, f"HP {MODEL}", OWNER, PROGRAMME], stock_id


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_funding_line_and_emblem_only_on_recovery_fund_labels(stock_id):
    stock = STOCKS[stock_id]
    funded = layout(stock, label(1, eu_funded=True))
    plain = layout(stock, label(1, eu_funded=False))
    assert plain.first(Emblem) is None
    assert not set(FUNDING) & set(texts(plain))
    assert "funding" not in plain.omitted
    if "funding" in funded.omitted:
        assert funded.first(Emblem) is None and not set(FUNDING) & set(texts(funded))
    else:
        emblem = funded.first(Emblem)
        assert isinstance(emblem, Emblem)
        x0, y0, x1, y1 = emblem.box
        assert x1 - x0 == pytest.approx(1.5 * (y1 - y0))  # the flag's 3:2
        assert [t for t in texts(funded) if t in FUNDING] == list(FUNDING)
        lines = [item for item in funded.items if isinstance(item, Text) and item.text in FUNDING]
        assert all(item.x >= x1 for item in lines)  # beside the emblem
        assert lines[0].baseline < lines[1].baseline


def test_funding_is_only_left_out_where_the_column_is_too_narrow():
    left_out = {s.id for s in STOCKS.values() if "funding" in layout(s, label(1)).omitted}
    assert left_out == {"avery-l7651"}


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_a_long_owner_is_shrunk_then_cut_with_an_ellipsis(stock_id):
    stock = STOCKS[stock_id]
    drawn = layout(stock, label(1, owner=LONG_OWNER))
    if "owner" in drawn.omitted:
        assert not any(t.startswith(LONG_OWNER[:8]) for t in texts(drawn))
        return
    (owner,) = [item for item in drawn.items if isinstance(item, Text) and item.text.startswith(LONG_OWNER[:8])]
    assert owner.text.endswith(ELLIPSIS)
    assert LONG_OWNER.startswith(owner.text[:-1].rstrip())
    assert len(owner.text) < len(LONG_OWNER)
    assert owner.size == pytest.approx(4.5)  # shrunk to the owner line's minimum before it was cut
    assert owner.box[2] <= stock.label_width - stock.margin + 1e-9


def test_a_long_owner_is_kept_on_the_widest_labels():
    for stock_id in ("avery-l7163", "brother-dk-11201", "avery-l7160"):
        assert "owner" not in layout(STOCKS[stock_id], label(1, owner=LONG_OWNER)).omitted


def test_text_that_nearly_fits_is_shrunk_not_cut():
    stock = STOCKS["avery-l7160"]
    owner = "Ķekavas novada pašvaldība, Baloži"
    drawn = layout(stock, label(1, owner=owner))
    (item,) = [i for i in drawn.items if isinstance(i, Text) and i.text.startswith("Ķekavas")]
    column = stock.label_width - stock.margin - item.x
    assert fonts.text_width(owner, 6) > column  # too wide at the owner line's 6 pt
    assert item.text == owner
    assert 4.5 <= item.size < 6
    assert fonts.text_width(owner, item.size) <= column


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_a_long_serial_drops_the_barcode_rather_than_overflow(stock_id):
    stock = STOCKS[stock_id]
    drawn = layout(stock, label(1, serial=LONG_SERIAL))
    assert "barcode" in drawn.omitted
    assert drawn.first(Code128) is None
    serial = [t for t in texts(drawn) if t.startswith(LONG_SERIAL[:4])]
    assert len(serial) == 1
    assert serial[0] == LONG_SERIAL or serial[0].endswith(ELLIPSIS)


def test_a_long_numeric_serial_keeps_its_barcode_in_code_set_c():
    serial = "1234567890" * 4
    drawn = layout(STOCKS["avery-l7163"], label(1, serial=serial))
    bars = drawn.first(Code128)
    assert isinstance(bars, Code128) and bars.symbol.text == serial


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_a_pre_printed_label_has_no_serial_and_no_barcode(stock_id):
    data = batch_label(5)
    drawn = layout(STOCKS[stock_id], data)
    assert drawn.first(Code128) is None
    assert "barcode" not in drawn.omitted and "serial" not in drawn.omitted  # nothing to leave out
    got = texts(drawn)
    assert got[0] == data.asset_tag
    assert len(got) == 2 and PROGRAMME.startswith(got[1].rstrip(ELLIPSIS))
    assert qr_item(drawn).symbol.text == data.qr_text


def test_layout_depends_on_the_stock_not_on_earlier_labels():
    stock = STOCKS["avery-l7159"]
    first = layout(stock, label(1))
    layout(stock, label(2, owner=LONG_OWNER))
    layout(stock, label(3, serial=LONG_SERIAL))
    assert layout(stock, label(1)) == first
    other = layout(stock, label(4))
    assert [type(i) for i in other.items] == [type(i) for i in first.items]
    assert qr_item(other).module == qr_item(first).module


def test_an_upper_case_url_gets_a_smaller_qr_code_and_larger_modules():
    stock = STOCKS["avery-l6009"]
    upper = qr_item(layout(stock, label(1)))
    lower = qr_item(layout(stock, label(1, qr_text=(URL + tag(1)).lower())))
    assert upper.symbol.size < lower.symbol.size
    assert upper.module >= lower.module


def test_the_qr_code_sits_left_and_the_text_column_right_of_its_quiet_zone():
    for stock in STOCKS.values():
        drawn = layout(stock, label(1))
        qr = qr_item(drawn)
        column_left = qr.box[2] + symbols.QR_QUIET * qr.module
        for item in drawn.items:
            if not isinstance(item, QRCode):
                assert item.box[0] >= column_left - EPS, (stock.id, item)
