"""The calibration page's words read back with their positions (PDFium): on a sheet they lie outside every label's
outline (none crosses an edge that is to be measured against the die-cut), on a roll inside the one label; on
the page either way, at any plausible shift."""

from __future__ import annotations

import pytest

from labels import STOCKS, calibration_pdf
from labels.pdf import Calibration
from tests.labels.positions import MM, pages

SHIFTS = [Calibration(), Calibration(0.6, -0.4), Calibration(-3, -4), Calibration(3, 4)]


def outlines(page, stock):
    """The cells' outlines as drawn: the paths of a label's size."""
    found = [p for p in page.paths if abs(p.width - stock.label_width * MM) < 1.5
             and abs(p.height - stock.label_height * MM) < 1.5]
    assert len(found) == stock.per_page
    return found


@pytest.mark.parametrize("shift", SHIFTS, ids=str)
@pytest.mark.parametrize("stock_id", sorted(s.id for s in STOCKS.values() if s.kind == "sheet"))
def test_on_a_sheet_the_instructions_lie_outside_every_cells_outline(stock_id, shift):
    stock = STOCKS[stock_id]
    (page,) = pages(calibration_pdf(stock, shift))
    words = page.texts
    assert " ".join(w.text for w in words).count("Izmēriet, cik tālu rāmji ir no uzlīmju malām") == 1
    assert any(f"x {shift.x:+.1f} mm, y {shift.y:+.1f} mm" in w.text for w in words)
    assert len(words) == 2
    for outline in outlines(page, stock):
        for word in words:
            assert not word.overlaps(outline), (word, outline)
    for word in words:
        assert word.inside(0, 0, page.width, page.height), word
        assert word.left >= 3.5 * MM and word.height >= 1.0 * MM  # clear of the ruler's ticks; readable
    first, second = sorted(words, key=lambda w: -w.top)
    assert not first.overlaps(second)


@pytest.mark.parametrize("shift", SHIFTS, ids=str)
@pytest.mark.parametrize("stock_id", sorted(s.id for s in STOCKS.values() if s.kind == "roll"))
def test_on_a_roll_the_instructions_stay_inside_the_label_and_cross_no_edge(stock_id, shift):
    stock = STOCKS[stock_id]
    (page,) = pages(calibration_pdf(stock, shift))
    (outline,) = outlines(page, stock)
    assert len(page.texts) == 4
    margin = stock.margin * MM
    for word in page.texts:
        assert word.inside(outline.left, outline.bottom, outline.right, outline.top), (word, outline)
        assert word.inside(margin, margin, page.width - margin, page.height - margin, slack=0.5), word
    lines = sorted(page.texts, key=lambda w: -w.top)
    assert all(not a.overlaps(b) for a, b in zip(lines, lines[1:], strict=False))
