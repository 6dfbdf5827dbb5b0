"""Signed agreements: the original's pages drawn again exactly, and the signature page."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from labels.documents import (
    Signature,
    agreement_pdf,
    default_template,
    signed_agreement_pdf,
)
from tests.labels.documents.samples import GUARDIAN, agreement, png_of, signature, signature_png, text_of
from tests.labels.helpers import lines_of, rasterise, reader

# ---- signed agreements --------------------------------------------------------------------------------------------


def test_signed_agreement_is_the_original_pages_and_a_signature_page():
    data = agreement()
    template = default_template("lv")
    original = agreement_pdf(data, template)
    sig = signature(data)
    signed = signed_agreement_pdf(data, template, sig)
    original_pages, signed_pages = reader(original).pages, reader(signed).pages
    assert len(signed_pages) == len(original_pages) + 1
    for before, after in zip(original_pages, signed_pages, strict=False):  # drawn again exactly
        assert before.get_contents().get_data() == after.get_contents().get_data()
    last = signed_pages[-1].extract_text()
    for expected in (GUARDIAN, "2026-11-29 18:42:07 +02:00", "ar saiti savā ierīcē", sig.original_sha256,
                     "Oriģināla SHA-256", "Parakstu lapa", "L-2026-000123", "default-lv-1"):
        assert expected in last, expected
    assert sig.original_sha256 == hashlib.sha256(original).hexdigest()
    images = signed_pages[-1].images
    assert [image.image.size for image in images] == [(600, 200)]
    assert not any(page.images for page in signed_pages[:-1])
    assert [lines_of(page.extract_text())[-1] for page in signed_pages] == ["Lapa 1/2", "Lapa 2/2", "Parakstu lapa"]


def test_signed_agreement_shows_the_drawn_signature():
    data = agreement()

    def dark_pixels(sig: Signature) -> int:
        page = rasterise(signed_agreement_pdf(data, default_template("lv"), sig), dpi=100, pages=[2])[0]
        return sum(page.histogram()[:100])

    # the strokes (dark blue on a transparent background) print dark, the transparent background white
    assert dark_pixels(signature(data)) - dark_pixels(signature(data, image_png=signature_png(strokes=False))) > 1000


def test_signed_agreement_at_the_desk_and_on_paper():
    data = agreement(language="en")
    desk = text_of(signed_agreement_pdf(data, default_template("en"), signature(data, "desk")))[-1]
    assert "at the school, on a tablet" in desk and "Signature page" in desk and GUARDIAN in desk
    paper = signed_agreement_pdf(data, default_template("en"), signature(data, "paper"))
    last = reader(paper).pages[-1]
    assert "on paper (scanned) · 2 pages" in last.extract_text()
    assert "its scan (2 pages) is kept" in last.extract_text()
    assert len(last.images) == 0


def test_signed_agreement_refuses_another_original():
    data = agreement()
    sig = signature(data)
    with pytest.raises(ValueError, match="rendered again it has SHA-256"):
        signed_agreement_pdf(replace(data, serial="5CG9999LVX"), default_template("lv"), sig)
    signed = signed_agreement_pdf(replace(data, serial="5CG9999LVX"), default_template("lv"), sig, check=False)
    assert sig.original_sha256 in reader(signed).pages[-1].extract_text()


@pytest.mark.parametrize(("changes", "message"), [
    ({"method": "email"}, "method must be one of link, desk, paper"),
    ({"image_png": None}, "link signature needs the drawn signature image"),
    ({"image_png": b"GIF89a..."}, "not a PNG"),
    ({"image_png": b"\x89PNG\r\n\x1a\nbroken"}, "not a readable PNG"),
    ({"image_png": png_of(2_001, 1_000)}, r"2001 × 1000 pixels; at most 2,000,000 are drawn"),  # never decoded
    ({"original_sha256": "abc"}, "64 lower-case hex digits"),
    ({"signer_name": " "}, "signer's name is empty"),
    ({"signed_at": ""}, "time of signing is empty"),
])
def test_signature_is_checked(changes, message):
    data = agreement()
    with pytest.raises(ValueError, match=message):
        signed_agreement_pdf(data, default_template("lv"), replace(signature(data), **changes))


def test_paper_signature_needs_its_scan():
    data = agreement()
    with pytest.raises(ValueError, match="scan's page count"):
        signed_agreement_pdf(data, default_template("lv"), signature(data, "paper", scan_pages=0))
