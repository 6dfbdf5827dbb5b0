"""Sample loan documents' data for the document tests: an agreement, a signature, a return, and readers."""

from __future__ import annotations

import hashlib
import io
import shutil
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw

from labels import catalog
from labels.documents import (
    AgreementData,
    Party,
    ReturnData,
    Signature,
    agreement_pdf,
    default_template,
)
from tests.labels.helpers import STANDARD_14, fonts_of, reader

PUPIL = "Ērika Ņikitina"
GUARDIAN = "Jānis Bērziņš"
FOUNDER = Party("Ķekavas novada pašvaldība", "reģ. Nr. 90000048491")
SCHOOL = Party("Baložu vidusskola", "VIIS 4312903421")
SIGN_URL = "https://fleet.example.lv/sign/Xq3v9K2mN8pL4rT7wY1zA5bC6dE0fG2hJ4kL"
FUNDING_LV = "Finansē Eiropas Savienība – NextGenerationEU"
FUNDING_EN = "Funded by the European Union – NextGenerationEU"
ROOT = Path(__file__).resolve().parents[3]


def agreement(i: int = 123, language: str = "lv", **changes) -> AgreementData:
    lv = language == "lv"
    data = AgreementData(
        number=f"L-2026-{i:06d}", language=language, date="2026-11-28", founder=FOUNDER, school=SCHOOL,
        guardian=Party(GUARDIAN), pupil=Party(PUPIL, "5.b klase" if lv else "class 5b"), manufacturer="HP",
        model="ProBook 450 G9", serial=f"5CG{i:04d}LVX", asset_tag=f"DIB-{i:06d}-K",
        accessories=("lādētājs", "soma") if lv else ("charger", "bag"), condition="jauns" if lv else "new",
        eu_funded=True, sign_url=f"{SIGN_URL}{i}", template_version=f"default-{language}-1")
    return replace(data, **changes)


def text_of(pdf: bytes) -> list[str]:
    """Each page's text."""
    return [page.extract_text() for page in reader(pdf).pages]


def signature_png(strokes: bool = True) -> bytes:
    """A signature as a browser's canvas gives it: dark strokes on a transparent background."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    if strokes:
        ImageDraw.Draw(image).line([(20, 150), (120, 40), (200, 160), (300, 50), (420, 150), (560, 60)],
                                   fill=(10, 10, 80, 255), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def png_of(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height), 1).save(out, format="PNG")
    return out.getvalue()


def signature(data: AgreementData, method: str = "link", **changes) -> Signature:
    original = hashlib.sha256(agreement_pdf(data, default_template(data.language))).hexdigest()
    made = Signature(method=method, signer_name=GUARDIAN, signed_at="2026-11-29 18:42:07 +02:00",
                     image_png=None if method == "paper" else signature_png(), original_sha256=original,
                     scan_pages=2 if method == "paper" else 0)
    return replace(made, **changes)


def returned(**changes) -> ReturnData:
    data = ReturnData(number="L-2026-000123", language="lv", date="2027-06-12", school=SCHOOL, guardian=Party(GUARDIAN),
                      pupil=Party(PUPIL, "5.b klase"), manufacturer="HP", model="ProBook 450 G9", serial="5CG0123LVX",
                      asset_tag="DIB-000123-K", condition="ieskrāpēts vāks, ekrāns vesels",
                      accessories_returned=("lādētājs",), accessories_missing=("soma",),
                      notes="Soma pazaudēta ekskursijā.", outcome="in_repair")
    return replace(data, **changes)


def assert_fonts_embedded(pdf: bytes) -> None:
    assert b"/Helvetica" not in pdf
    for page in reader(pdf).pages:
        used = fonts_of(page)
        assert used
        for font in used:
            assert not str(font["/BaseFont"]).lstrip("/").split("+")[-1].startswith(STANDARD_14)
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]


def reword_catalogs(tmp_path: Path, monkeypatch, edits: dict[str, str]) -> None:
    """The print shop's catalogs, from now on, are a copy with these Latvian translations replaced (old -> new);
    the caller undoes `monkeypatch` and clears ``catalog.translations``' cache afterwards."""
    copy = tmp_path / "translations"
    shutil.copytree(catalog.DIRECTORY, copy)
    po = copy / "lv" / "LC_MESSAGES" / "labels.po"
    text = po.read_text(encoding="utf-8")
    for old, new in edits.items():
        assert f'msgstr "{old}"' in text, old
        text = text.replace(f'msgstr "{old}"', f'msgstr "{new}"')
    po.write_text(text, encoding="utf-8")
    monkeypatch.setattr(catalog, "DIRECTORY", copy)
    catalog.translations.cache_clear()
