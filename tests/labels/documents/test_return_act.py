"""The return act's content in both languages, and its checks."""

from __future__ import annotations

import pytest

from labels.documents import (
    return_act_pdf,
)
from tests.labels.documents.samples import GUARDIAN, PUPIL, SCHOOL, returned, text_of
from tests.labels.helpers import lines_of

# ---- return act ---------------------------------------------------------------------------------------------------


def test_return_act_content():
    pages = text_of(return_act_pdf(returned()))
    text = "\n".join(pages)
    for expected in ("Ierīces atgriešanas akts", "nodošanas–pieņemšanas akts pie patapinājuma līguma Nr. L-2026-000123",
                     "2027-06-12", PUPIL, GUARDIAN, SCHOOL.name, "5CG0123LVX", "DIB-000123-K", "HP", "ProBook 450 G9",
                     "ieskrāpēts vāks, ekrāns vesels", "Atdoti piederumi", "lādētājs", "Trūkst piederumu", "soma",
                     "Soma pazaudēta ekskursijā.", "nodota remontā", "Nodeva", "Pieņēma",
                     "Skolas pārstāvis (vārds, uzvārds, amats, paraksts)"):
        assert expected in text, expected
    assert lines_of(pages[-1])[-1] == "Lapa 1/1"


def test_return_act_in_english_nothing_missing():
    text = "\n".join(text_of(return_act_pdf(returned(language="en", accessories_returned=("charger", "bag"),
                                                     accessories_missing=(), notes="", outcome="at_school",
                                                     condition="good"))))
    for expected in ("Device return act", "Accessories returned", "charger, bag", "Accessories missing", "none",
                     "taken back by the School; the agreement has ended", "Handed over by", "Received by", "Page 1/1"):
        assert expected in text, expected
    assert "Notes" not in text and "remont" not in text


def test_return_act_refuses_an_unknown_outcome_or_language():
    with pytest.raises(ValueError, match="outcome must be one of at_school, in_repair"):
        return_act_pdf(returned(outcome="lost"))
    with pytest.raises(ValueError, match="language"):
        return_act_pdf(returned(language="ru"))
