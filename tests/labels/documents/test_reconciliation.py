"""The reconciliation report read back: the facts, the counts and the serials in Latvian with the English beside
them, on one page however many serials there are (the rest counted)."""

from __future__ import annotations

import itertools

import pytest

from labels.documents import Reconciliation, reconciliation_pdf
from tests.labels.documents.samples import assert_fonts_embedded, text_of
from tests.labels.positions import MM, pages


def report(**changes) -> Reconciliation:
    values = {"title": "Piegāde 12 / Delivery 12", "facts": [("Līgums / Contract", "IZM-2026/3")], "expected": 5,
              "found": 4, "missing": ["PFR00003"], "unexpected": ["PFX00009"], "scanned_twice": ["PFR00001"],
              "status": "Atvērta: skaitļi uz šo brīdi / Open: figures as of now"}
    return Reconciliation(**(values | changes))


def test_report_counts_and_lists_in_both_languages():
    (page,) = text_of(reconciliation_pdf(report()))
    for expected in ("Piegāde 12 / Delivery 12", "IZM-2026/3", "Gaidīts / Expected", "Atrasts / Found",
                     "Trūkst / Missing", "Neparedzēts / Unexpected", "Skenēts divreiz / Scanned twice",
                     "Trūkst / Missing (1)", "Neparedzēts / Unexpected (1)", "Skenēts divreiz / Scanned twice (1)",
                     "PFR00003", "PFX00009"):
        assert expected in page, expected
    assert "Everything matches" not in page


def test_report_of_a_match_says_so_and_lists_nothing():
    (page,) = text_of(reconciliation_pdf(report(found=5, missing=[], unexpected=[], scanned_twice=[])))
    assert "Viss saskan. / Everything matches." in page and "Trūkst / Missing (" not in page


def test_a_thousand_missing_serials_stay_on_one_page_and_the_rest_are_counted():
    missing = [f"PFR{i:05d}" for i in range(1000)]
    pdf = reconciliation_pdf(report(expected=1000, found=0, missing=missing, unexpected=[], scanned_twice=[]))
    (page,) = text_of(pdf)
    assert "Trūkst / Missing (1000)" in page and "PFR00000" in page and "PFR00999" not in page
    assert "(CSV)" in page
    assert_fonts_embedded(pdf)


@pytest.mark.parametrize("changes", [
    {}, {"found": 5, "missing": [], "unexpected": [], "scanned_twice": []},
    {"expected": 1000, "found": 0, "missing": [f"PFR{i:05d}" for i in range(1000)], "unexpected": []},
], ids=["differences", "match", "a-thousand-missing"])
def test_the_handover_is_signed_by_the_suppliers_and_the_warehouses_representatives(changes):
    """The defect: no signature lines for the hand-over between supplier and warehouse. Read back with positions:
    both sides' headings, and under each a line for the name, the signature and the date, captioned in both
    languages; all of it below everything else, on the one page inside its margins, nothing overlapping."""
    (page,) = pages(reconciliation_pdf(report(**changes)))
    supplier, warehouse = page.one("Nodeva: piegādātāja pārstāvis"), page.one("Pieņēma: noliktavas pārstāvis")
    assert "Handed over: the" in " ".join(t.text for t in page.texts)
    assert abs(supplier.top - warehouse.top) < 1 and supplier.right < warehouse.left  # side by side
    block = [t for t in page.texts if t.top <= supplier.top + 0.5]
    content = [t for t in page.texts if t not in block]
    assert content and all(t.bottom > supplier.top for t in content)  # the signatures come after the content
    for caption in ("vārds, uzvārds / name, surname", "paraksts / signature", "datums / date"):
        left, right = sorted(page.find(caption), key=lambda t: t.left)
        assert left.left < supplier.right and right.left >= warehouse.left - 1, caption
        lines = [t for t in block if set(t.text) == {"_"} and t.bottom > left.top and t.bottom - left.top < 8]
        assert len(lines) == 2 and all(line.width >= 40 * MM for line in lines), caption  # a line to write on
    assert len([t for t in block if set(t.text) == {"_"}]) == 6
    for box in page.texts:
        assert box.inside(15 * MM, 14 * MM, page.width - 15 * MM, page.height - 14 * MM, slack=1), box
    for a, b in itertools.combinations(block, 2):
        assert not a.overlaps(b), (a, b)
