"""Label stock geometry: the published sizes, the grids from the manufacturers' data, and that every label lies on
its page."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import quote

import pytest

from labels.stocks import STOCKS, Stock

# id -> (label width, label height, columns, rows) as the box says (Avery rounds to 0.1 mm)
SHEETS = {
    "avery-l7160": (63.5, 38.1, 3, 7),
    "avery-l7163": (99.1, 38.1, 2, 7),
    "avery-l7651": (38.1, 21.2, 5, 13),
    "avery-l7159": (64.0, 33.9, 3, 8),
    "avery-l6009": (45.7, 21.2, 4, 12),
    "avery-l6011": (63.5, 29.6, 3, 9),
}

# id -> (label width, label height, dpi), landscape
ROLLS = {
    "brother-dk-11201": (90.0, 29.0, 300),
    "brother-dk-22205": (62.0, 29.0, 300),
    "zebra-2x1": (50.8, 25.4, 203),
    "dymo-11352": (54.0, 25.0, 300),
}

# id -> (left, top, pitch_x, pitch_y), LibreOffice labels.xml in 1/100 mm
LIBREOFFICE_GRIDS = {
    "avery-l7160": (720, 1515, 6604, 3810),
    "avery-l7163": (467, 1515, 10160, 3810),
    "avery-l7651": (467, 1090, 4064, 2117),
    "avery-l7159": (646, 1306, 6654, 3386),
    "avery-l6009": (975, 2141, 4826, 2117),
    "avery-l6011": (721, 1510, 6604, 2963),
}

EPS = 1e-9
PUBLISHED = 0.05  # Avery's catalogue rounds to 0.1 mm


def test_every_required_stock_is_there_keyed_by_its_id():
    assert set(SHEETS) | set(ROLLS) <= set(STOCKS)
    for key, stock in STOCKS.items():
        assert isinstance(stock, Stock)
        assert stock.id == key


@pytest.mark.parametrize("stock_id", sorted(SHEETS))
def test_sheet_stock_has_its_published_size_and_grid_on_a4(stock_id):
    width, height, columns, rows = SHEETS[stock_id]
    stock = STOCKS[stock_id]
    assert stock.kind == "sheet"
    assert stock.label_width == pytest.approx(width, abs=PUBLISHED)
    assert stock.label_height == pytest.approx(height, abs=PUBLISHED)
    assert (stock.columns, stock.rows) == (columns, rows)
    assert stock.per_page == columns * rows
    assert (stock.page_width, stock.page_height) == (210.0, 297.0)
    assert stock.dpi is None


@pytest.mark.parametrize("stock_id", sorted(LIBREOFFICE_GRIDS))
def test_sheet_grid_is_libreoffices_to_the_hundredth_of_a_millimetre(stock_id):
    left, top, pitch_x, pitch_y = (value / 100 for value in LIBREOFFICE_GRIDS[stock_id])
    stock = STOCKS[stock_id]
    assert (stock.left, stock.top) == pytest.approx((left, top), abs=EPS)
    assert (stock.pitch_x, stock.pitch_y) == pytest.approx((pitch_x, pitch_y), abs=EPS)


def test_avery_corner_radii_are_glabels_five_points():
    for stock_id in ("avery-l7160", "avery-l7163", "avery-l7651"):
        assert STOCKS[stock_id].corner_radius == pytest.approx(5 * 25.4 / 72, abs=0.005)


def test_only_the_polyester_sheets_are_durable():
    assert {s.id for s in STOCKS.values() if s.durable} == {"avery-l6009", "avery-l6011"}


@pytest.mark.parametrize("stock_id", sorted(ROLLS))
def test_roll_stock_has_its_published_size_and_printer_resolution(stock_id):
    width, height, dpi = ROLLS[stock_id]
    stock = STOCKS[stock_id]
    assert stock.kind == "roll"
    assert (stock.label_width, stock.label_height) == (width, height)
    assert stock.dpi == dpi


@pytest.mark.parametrize("stock_id", sorted(ROLLS))
def test_roll_stock_is_one_label_per_page_and_the_page_is_the_label(stock_id):
    stock = STOCKS[stock_id]
    assert (stock.columns, stock.rows, stock.per_page) == (1, 1, 1)
    assert (stock.page_width, stock.page_height) == (stock.label_width, stock.label_height)
    assert (stock.left, stock.top) == (0.0, 0.0)
    assert (stock.pitch_x, stock.pitch_y) == (stock.label_width, stock.label_height)
    assert [stock.cell(i) for i in range(3)] == [(0.0, 0.0)] * 3


def test_every_roll_has_a_dpi_and_no_sheet_has_one():
    for stock in STOCKS.values():
        if stock.kind == "roll":
            assert isinstance(stock.dpi, int) and stock.dpi in (203, 300, 600)
        else:
            assert stock.kind == "sheet"
            assert stock.dpi is None


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_grid_lies_on_its_page(stock_id):
    s = STOCKS[stock_id]
    assert s.left >= 0 and s.top >= 0
    assert s.left + (s.columns - 1) * s.pitch_x + s.label_width <= s.page_width + EPS
    assert s.top + (s.rows - 1) * s.pitch_y + s.label_height <= s.page_height + EPS
    last_x, last_y = s.cell(s.per_page - 1)
    assert last_x + s.label_width <= s.page_width + EPS
    assert last_y + s.label_height <= s.page_height + EPS


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_neighbouring_labels_do_not_overlap(stock_id):
    s = STOCKS[stock_id]
    assert s.pitch_x >= s.label_width - EPS
    assert s.pitch_y >= s.label_height - EPS
    assert s.gap_x >= -EPS and s.gap_y >= -EPS


def test_gaps_are_the_backing_paper_between_labels():
    assert STOCKS["avery-l7160"].gap_x == pytest.approx(2.54)
    assert STOCKS["avery-l7160"].gap_y == pytest.approx(0.0)
    assert STOCKS["avery-l7163"].gap_x == pytest.approx(2.54)
    assert STOCKS["brother-dk-11201"].gap_x == 0.0


@pytest.mark.parametrize("stock_id", sorted(SHEETS))
def test_sheet_margins_left_and_right_are_about_equal(stock_id):
    """A die-cut grid is centred on the sheet; a lopsided one means a wrong pitch or origin."""
    s = STOCKS[stock_id]
    right = s.page_width - (s.left + (s.columns - 1) * s.pitch_x + s.label_width)
    bottom = s.page_height - (s.top + (s.rows - 1) * s.pitch_y + s.label_height)
    assert right == pytest.approx(s.left, abs=0.2)
    assert bottom == pytest.approx(s.top, abs=0.2)


def test_cell_walks_row_by_row_from_the_first_to_the_last_label():
    s = STOCKS["avery-l7160"]
    assert s.cell(0) == pytest.approx((7.2, 15.15))
    assert s.cell(1) == pytest.approx((7.2 + 66.04, 15.15))
    assert s.cell(2) == pytest.approx((7.2 + 2 * 66.04, 15.15))
    assert s.cell(3) == pytest.approx((7.2, 15.15 + 38.1))
    assert s.cell(20) == pytest.approx((139.28, 243.75))
    assert s.cell(21) == s.cell(0)  # the next page starts over


@pytest.mark.parametrize(
    ("stock_id", "last"),
    [
        ("avery-l7163", (106.27, 243.75)),
        ("avery-l7651", (167.23, 264.94)),
        ("avery-l7159", (139.54, 250.08)),
        ("avery-l6009", (154.53, 254.28)),
        ("avery-l6011", (139.29, 252.14)),
    ],
)
def test_first_and_last_cell_of_each_sheet(stock_id, last):
    s = STOCKS[stock_id]
    assert s.cell(0) == pytest.approx((s.left, s.top))
    assert s.cell(s.per_page - 1) == pytest.approx(last)
    assert s.cell(s.per_page) == s.cell(0)


def test_ids_are_url_safe_slugs():
    for stock_id in STOCKS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", stock_id), stock_id
        assert quote(stock_id, safe="") == stock_id


def test_names_say_what_the_box_says():
    assert STOCKS["avery-l7160"].name == "Avery L7160"
    assert STOCKS["brother-dk-11201"].name == "Brother DK-11201"
    assert STOCKS["dymo-11352"].name == "DYMO 11352"
    assert len({s.name for s in STOCKS.values()}) == len(STOCKS)


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_every_stock_names_its_source(stock_id):
    source = STOCKS[stock_id].source
    assert re.search(r"\b[\w.-]+/[\w.-]+ [\w./-]+\.(xml|c|ppd)\b", source), source  # owner/repo path/to/file
    if STOCKS[stock_id].kind == "sheet":
        assert "LibreOffice/core extras/source/labels/labels.xml" in source
        assert STOCKS[stock_id].name.split()[-1] in source  # the entry, e.g. 'L7160 Address'


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_margin_and_corner_leave_room_to_draw(stock_id):
    s = STOCKS[stock_id]
    assert 1.0 <= s.margin < min(s.label_width, s.label_height) / 4
    assert 0.0 <= s.corner_radius <= min(s.label_width, s.label_height) / 4


def test_roll_margins_cover_the_printers_unprintable_edges():
    assert STOCKS["brother-dk-11201"].margin >= 3.0  # Brother QL: 3 mm along the feed
    assert STOCKS["brother-dk-22205"].margin >= 3.0
    assert STOCKS["dymo-11352"].margin >= 2.29  # DYMO's PPD: 6.48 pt at the leading end
    assert STOCKS["brother-dk-11201"].corner_radius == 1.5
    assert STOCKS["dymo-11352"].corner_radius == 1.0


def test_stock_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        STOCKS["avery-l7160"].left = 0.0  # type: ignore[misc]
