"""The packing list read back: one per shipment or one per box (each numbered "Kaste / Box 2/3"), the devices in
order, the words in Latvian with the English beside them."""

from __future__ import annotations

import itertools

import pytest

from labels.documents import PackingItem, PackingList, packing_list_pdf
from tests.labels.documents.samples import assert_fonts_embedded, text_of
from tests.labels.positions import horizontal_lines, pages, vertical_lines

PACKING = PackingList(title="Pavadzīme: sūtījums 7 / Packing list: shipment 7", sender="Centrālā noliktava",
                      recipient="Ķekavas vidusskola (4312903421)", founder="Ķekavas novada pašvaldība",
                      date="2026-11-28",
                      items=[PackingItem(f"5CG{i:04d}LVX", f"DIB-{i:06d}-K", "HP ProBook 450 G9") for i in range(1, 6)])


def test_one_list_for_the_shipment():
    pdf = packing_list_pdf(PACKING)
    (page,) = text_of(pdf)
    for expected in ("Pavadzīme: sūtījums 7", "Nosūtītājs / From", "Saņēmējs / To", "Dibinātājs / Owner",
                     "Datums / Date", "Ierīces / Devices", "Sērijas numurs / Serial", "Inventāra Nr. / Asset tag",
                     "Modelis / Model", "Nodeva / Handed over by", "Pieņēma / Received by",
                     "vārds, uzvārds, paraksts / name, signature", "datums / date: ____________",
                     "5CG0001LVX", "DIB-000005-K", "Ķekavas vidusskola"):
        assert expected in page, expected
    assert "Kaste" not in page
    assert_fonts_embedded(pdf)


def test_one_list_per_box_numbered_on_through_the_boxes():
    pages = text_of(packing_list_pdf(PACKING, box_size=2))
    assert len(pages) == 3
    flat = [" ".join(page.split()) for page in pages]
    assert [f"Kaste / Box {n}/3" in page for n, page in enumerate(flat, 1)] == [True] * 3
    assert "5CG0005LVX" in pages[2] and "5CG0001LVX" not in pages[2]
    assert "Ierīces / Devices 1" in flat[2] and "Ierīces / Devices 2" in flat[0]


def _header_cells(page):
    """The header row's text boxes, left to right, and the table's column rules: the row lies between the table's
    top rule and the next one down."""
    rules = [line for line in horizontal_lines(page) if line.width > 400]
    top, below = rules[0], rules[1]
    cells = sorted((t for t in page.texts if t.bottom > below.top and t.top < top.bottom), key=lambda t: t.left)
    columns = vertical_lines(page, min_height=below.top - top.bottom)
    return cells, [(a.right, b.left) for a, b in zip(columns, columns[1:], strict=False)]


@pytest.mark.parametrize("box_size", [None, 2])
def test_the_header_cells_do_not_overlap_and_each_stays_in_its_column(box_size):
    """The defect: "Inventāra Nr. / Asset tag" ran on into "Modelis / Model". Read back: every header cell's text
    box lies within its column's rules, and no two overlap; the rows' serials and tags lie in theirs too."""
    for page in pages(packing_list_pdf(PACKING, box_size=box_size)):
        cells, columns = _header_cells(page)
        assert len(columns) == 5
        words = " ".join(c.text for c in cells)
        for heading in ("Nr.", "Sērijas numurs / Serial", "Modelis / Model", "✓"):
            assert heading in words, (heading, words)
        assert "Inventāra Nr." in words and "Asset tag" in words
        for a, b in itertools.combinations(cells, 2):
            assert not a.overlaps(b), (a, b)
        for c in cells:
            assert sum(left <= c.left and c.right <= right for left, right in columns) == 1, (c, columns)
        for serial in (t for t in page.texts if t.text.startswith(("5CG", "DIB-"))):
            column = columns[1] if serial.text.startswith("5CG") else columns[2]
            assert column[0] <= serial.left and serial.right <= column[1], (serial, column)
