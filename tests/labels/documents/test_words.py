"""The loan documents' words by key, in each language, from the catalogs; the provisioning lists' words in both."""

from __future__ import annotations

import pytest

from labels import catalog
from labels.documents import words


def test_words_in_each_language():
    lv, en = words.agreement_words("lv"), words.agreement_words("en")
    assert lv.keys() == en.keys() == {*words.AGREEMENT, words.SCAN_ALSO}
    assert (lv["lender"], en["lender"]) == ("Patapinātājs", "Lender")
    assert (lv["scan"], lv["scan_also"], en["scan"], en["scan_also"]) == (
        "Skenējiet, lai parakstītu", "Scan to sign", "Scan to sign", "Skenējiet, lai parakstītu")
    assert words.return_act_words("lv")["outcome_in_repair"].endswith("nodota remontā; līgums izbeigts.")
    assert catalog.bilingual(("packing list column", "Serial")) == "Sērijas numurs / Serial"
    assert catalog.text("Asset tag", "lv") == "Inventāra numurs"
    with pytest.raises(ValueError, match="language must be one of lv, en"):
        catalog.translations("de")
