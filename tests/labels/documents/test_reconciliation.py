"""The reconciliation report read back: the facts, the counts and the serials in Latvian with the English beside
them, on one page however many serials there are (the rest counted)."""

from __future__ import annotations

from labels.documents import Reconciliation, reconciliation_pdf
from tests.labels.documents.samples import assert_fonts_embedded, text_of


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
