"""One label as SVG, parsed back: millimetre size of the stock's label, the QR code's and the Code128's
rectangles re-assembled into the very modules of the symbols, the Latvian text, the emblem."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from labels import STOCKS, label_svg, layout, symbols
from labels.layout import PT, Code128, Emblem, QRCode, Text
from tests.labels.helpers import CARRY_BARCODE, FUNDING, LONG_OWNER, MODEL, OWNER, PROGRAMME, batch_label, label, texts

NS = {"svg": "http://www.w3.org/2000/svg"}
RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z")
TRANSFORM = re.compile(r"translate\(([\d.]+) ([\d.]+)\) scale\(([\d.]+)(?: ([\d.]+))?\)")


def parse(svg: bytes) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def runs(path: ET.Element) -> list[tuple[int, int, int]]:
    d = path.get("d")
    found = RUN.findall(d)
    assert "".join(f"M{x} {y}h{w}v1h-{w2}z" for x, y, w, w2 in found) == d  # nothing else in the path
    assert all(w == w2 for _, _, w, w2 in found)
    return [(int(x), int(y), int(w)) for x, y, w, _ in found]


@pytest.fixture(scope="module")
def svgs():
    return {stock_id: parse(label_svg(STOCKS[stock_id], label(1))) for stock_id in STOCKS}


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_svg_is_the_labels_size_in_millimetres(svgs, stock_id):
    stock = STOCKS[stock_id]
    root = svgs[stock_id]
    assert root.get("width").endswith("mm") and root.get("height").endswith("mm")
    assert float(root.get("width")[:-2]) == pytest.approx(stock.label_width)
    assert float(root.get("height")[:-2]) == pytest.approx(stock.label_height)
    view_box = [float(v) for v in root.get("viewBox").split()]
    assert view_box == pytest.approx([0, 0, stock.label_width, stock.label_height])


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_qr_path_is_the_qr_codes_modules(svgs, stock_id):
    data = label(1)
    (path,) = svgs[stock_id].findall("svg:path[@class='qr']", NS)
    symbol = symbols.qr(data.qr_text)
    assert path.get("data-text") == data.qr_text
    rows = [bytearray(symbol.size) for _ in range(symbol.size)]
    for x, y, w in runs(path):
        for i in range(x, x + w):
            assert rows[y][i] == 0
            rows[y][i] = 1
    assert [bytes(row) for row in rows] == symbol.rows
    qr = layout(STOCKS[stock_id], data).first(QRCode)
    x, y, sx, sy = TRANSFORM.fullmatch(path.get("transform")).groups()
    assert sy is None  # square modules
    assert (float(x), float(y), float(sx)) == pytest.approx((qr.x, qr.y, qr.module), abs=1e-4)


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_code128_path_is_the_barcodes_modules_where_the_layout_has_one(svgs, stock_id):
    data = label(1)
    paths = svgs[stock_id].findall("svg:path[@class='code128']", NS)
    if stock_id not in CARRY_BARCODE:
        assert paths == []
        return
    (path,) = paths
    assert path.get("data-text") == data.serial
    modules = ["0"] * symbols.code128(data.serial).width
    for x, y, w in runs(path):
        assert y == 0
        modules[x:x + w] = "1" * w
    assert "".join(modules) == symbols.code128(data.serial).modules
    bars = layout(STOCKS[stock_id], data).first(Code128)
    x, y, sx, sy = TRANSFORM.fullmatch(path.get("transform")).groups()
    assert [float(v) for v in (x, y, sx, sy)] == pytest.approx([bars.x, bars.y, bars.module, bars.height], abs=1e-4)


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_text_elements_carry_the_latvian_strings(svgs, stock_id):
    stock = STOCKS[stock_id]
    data = label(1)
    elements = svgs[stock_id].findall("svg:text", NS)
    drawn = [item for item in layout(stock, data).items if isinstance(item, Text)]
    assert [e.text for e in elements] == [item.text for item in drawn]
    for element, item in zip(elements, drawn, strict=True):
        assert float(element.get("x")) == pytest.approx(item.x, abs=1e-3)
        assert float(element.get("y")) == pytest.approx(item.baseline, abs=1e-3)
        assert float(element.get("font-size")) == pytest.approx(item.size * PT, abs=1e-3)  # millimetres
        assert element.get("font-family") == "DejaVu Sans"
        assert (element.get("font-weight") == "bold") == item.bold
    assert elements[0].text == data.asset_tag and elements[0].get("font-weight") == "bold"
    if stock_id not in ("avery-l7651",):
        shown = [e.text for e in elements]
        assert f"HP {MODEL}" in shown and OWNER in shown and PROGRAMME in shown


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_emblem_and_funding_line_only_on_funded_labels(svgs, stock_id):
    stock = STOCKS[stock_id]
    groups = svgs[stock_id].findall("svg:g[@class='eu-emblem']", NS)
    emblem = layout(stock, label(1)).first(Emblem)
    shown = [e.text for e in svgs[stock_id].findall("svg:text", NS)]
    if emblem is None:
        assert groups == [] and not set(FUNDING) & set(shown)
    else:
        (group,) = groups
        assert [e.tag.split("}")[1] for e in group] == ["rect"] + ["polygon"] * 12
        assert group[0].get("fill") == "#003399"
        assert {p.get("fill") for p in group[1:]} == {"#ffcc00"}
        assert all(len(p.get("points").split()) == 10 for p in group[1:])  # five-pointed stars
        assert float(group[0].get("width")) == pytest.approx(emblem.box[2] - emblem.box[0], abs=1e-3)
        assert [t for t in shown if t in FUNDING] == list(FUNDING)
    plain = parse(label_svg(stock, label(1, eu_funded=False)))
    assert plain.findall("svg:g[@class='eu-emblem']", NS) == []
    assert not set(FUNDING) & {e.text for e in plain.findall("svg:text", NS)}


def test_markup_in_the_data_is_escaped():
    stock = STOCKS["avery-l7163"]
    data = label(1, owner='Skola "<Ozols>" & Co', model="450 G9 <i>")
    root = parse(label_svg(stock, data))
    shown = [e.text for e in root.findall("svg:text", NS)]
    assert 'Skola "<Ozols>" & Co' in shown and "HP 450 G9 <i>" in shown
    assert root.findall(".//svg:i", NS) == []


def test_a_long_owner_is_cut_in_the_svg_as_in_the_layout():
    stock = STOCKS["avery-l7163"]
    data = label(1, owner=LONG_OWNER)
    shown = [e.text for e in parse(label_svg(stock, data)).findall("svg:text", NS)]
    assert shown == texts(layout(stock, data))
    assert any(t.endswith("…") and LONG_OWNER.startswith(t[:-1]) for t in shown)


def test_a_pre_printed_label_svg_has_no_barcode():
    data = batch_label(3)
    root = parse(label_svg(STOCKS["avery-l7160"], data))
    assert root.findall("svg:path[@class='code128']", NS) == []
    assert root.find("svg:path[@class='qr']", NS).get("data-text") == data.qr_text
