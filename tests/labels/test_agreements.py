"""Loan agreements, signed copies and return acts, read back: pypdf's text (names with their diacritics, the
device, the template's version, the page numbers within each agreement), the signing QR code decoded from the
page rasterised at 300 dpi, the same bytes for the same input, the fonts embedded, and the templates' checks."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from labels.agreements import (
    PLACEHOLDERS,
    AgreementData,
    Party,
    ReturnData,
    Signature,
    Template,
    agreement_pdf,
    agreements_pdf,
    default_template,
    return_act_pdf,
    signed_agreement_pdf,
    template_from_json,
    template_to_json,
)
from tests.labels.helpers import QR, STANDARD_14, decode, fonts_of, found, lines_of, rasterise, reader, xobjects_of

PUPIL = "Ērika Ņikitina"
GUARDIAN = "Jānis Bērziņš"
FOUNDER = Party("Ķekavas novada pašvaldība", "reģ. Nr. 90000048491")
SCHOOL = Party("Baložu vidusskola", "VIIS 4312903421")
SIGN_URL = "https://fleet.example.lv/sign/Xq3v9K2mN8pL4rT7wY1zA5bC6dE0fG2hJ4kL"
FUNDING_LV = "Finansē Eiropas Savienība – NextGenerationEU"
FUNDING_EN = "Funded by the European Union – NextGenerationEU"
ROOT = Path(__file__).resolve().parents[2]


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


def _png_of(width: int, height: int) -> bytes:
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


# ---- the agreement ----------------------------------------------------------------------------------------------


def test_agreement_text_names_device_and_template_version():
    data = agreement()
    pages = text_of(agreement_pdf(data, default_template("lv")))
    text = "\n".join(pages)
    for expected in (PUPIL, GUARDIAN, "5.b klase", FOUNDER.name, "reģ. Nr. 90000048491", SCHOOL.name, "VIIS 4312903421",
                     "HP", "ProBook 450 G9", "5CG0123LVX", "DIB-000123-K", "lādētājs, soma", "jauns", "L-2026-000123",
                     "2026-11-28", "default-lv-1", "Patapinājuma līgums", "Nodošanas–pieņemšanas akts", FUNDING_LV,
                     "Skenējiet, lai parakstītu", "Personas datu apstrāde", "Datu valsts inspekcija"):
        assert expected in text, expected
    assert len(pages) == 2
    assert [lines_of(page)[-1] for page in pages] == ["Lapa 1/2", "Lapa 2/2"]
    assert all("veidne default-lv-1" in page for page in pages)  # the footer of every page
    assert "Skenējiet, lai parakstītu" in pages[0]


def test_agreement_qr_decodes_to_the_signing_link():
    data = agreement()
    pdf = agreement_pdf(data, default_template("lv"))
    first, second = rasterise(pdf)
    assert found(decode(first), QR) == [data.sign_url]
    assert decode(second) == []


def test_agreement_without_link_or_funding_has_neither_qr_nor_emblem():
    data = agreement(sign_url=None, eu_funded=False)
    pdf = agreement_pdf(data, default_template("lv"))
    text = "\n".join(text_of(pdf))
    assert "Skenējiet" not in text and FUNDING_LV not in text
    assert decode(rasterise(pdf, pages=[0])[0]) == []
    assert b"EUEmblem" not in pdf


def test_agreement_draws_the_eu_emblem_as_a_vector_form():
    pdf = agreement_pdf(agreement(), default_template("lv"))
    page = reader(pdf).pages[0]
    assert b"EUEmblem" in pdf
    forms = xobjects_of(page)
    assert forms and all(form["/Subtype"] == "/Form" for form in forms)  # no raster image: emblem and QR are vectors


def test_english_agreement_is_english():
    data = agreement(language="en")
    pages = text_of(agreement_pdf(data, default_template("en")))
    text = "\n".join(pages)
    for expected in ("Loan agreement", "Parties", "Lender", "Borrower", "Personal data", "Hand-over and acceptance act",
                     "Serial number", "Asset tag", "charger, bag", FUNDING_EN, "Scan to sign", "default-en-1", PUPIL,
                     GUARDIAN, "class 5b", "Data State Inspectorate"):
        assert expected in text, expected
    assert [lines_of(page)[-1] for page in pages] == ["Page 1/2", "Page 2/2"]
    for latvian in ("Patapinājuma", "Datums", "Lapa ", "Sērijas", "Finansē", "Personas dati", "nav"):
        assert latvian not in text, latvian


def test_same_input_same_bytes_also_in_another_process():
    data = agreement()
    first = agreement_pdf(data, default_template("lv"))
    agreements_pdf([(agreement(i), default_template("lv")) for i in range(3)])  # other documents in between
    assert agreement_pdf(data, default_template("lv")) == first
    script = ("import hashlib, sys; sys.path.insert(0, sys.argv[1]); from tests.labels.test_agreements import agreement; "
              "from labels.agreements import agreement_pdf, default_template; "
              "print(hashlib.sha256(agreement_pdf(agreement(), default_template('lv'))).hexdigest())")
    other = subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert other.stdout.strip() == hashlib.sha256(first).hexdigest()
    assert agreement_pdf(replace(data, serial="5CG0124LVX"), default_template("lv")) != first


def test_class_hand_out_of_30_each_agreement_on_its_own_pages():
    items = [(agreement(i), default_template("lv")) for i in range(1, 31)]
    pdf = agreements_pdf(items)
    pages = text_of(pdf)
    alone = len(reader(agreement_pdf(*items[0])).pages)
    assert len(pages) == 30 * alone
    for index, (data, _) in enumerate(items):
        own = pages[index * alone:(index + 1) * alone]
        assert own[0].lstrip().startswith(FUNDING_LV)  # a fresh page: the agreement's header at its top
        assert f"Nr. {data.number}" in own[0] and data.serial in "\n".join(own) and PUPIL in "\n".join(own)
        assert [lines_of(page)[-1] for page in own] == [f"Lapa {n}/{alone}" for n in range(1, alone + 1)]
        assert all(f"Nr. {data.number} · veidne" in page for page in own)
    for index in (0, 29):  # the first and the last agreement carry their own signing links (in the page's top third)
        page = rasterise(pdf, pages=[index * alone])[0]
        assert found(decode(page.crop((0, 0, page.width, page.height // 3))), QR) == [items[index][0].sign_url]


def test_class_hand_out_numbers_agreements_of_different_lengths_on_their_own():
    long_template = replace(default_template("lv"), version="garais-1",
                            sections=default_template("lv").sections * 3)
    items = [(agreement(1), default_template("lv")), (agreement(2, template_version="garais-1"), long_template),
             (agreement(3), default_template("lv"))]
    pages = text_of(agreements_pdf(items))
    footers = [lines_of(page)[-1] for page in pages]
    long_pages = len(reader(agreement_pdf(*items[1])).pages)
    assert long_pages > 2
    assert footers == ["Lapa 1/2", "Lapa 2/2", *[f"Lapa {n}/{long_pages}" for n in range(1, long_pages + 1)],
                       "Lapa 1/2", "Lapa 2/2"]


def test_agreements_pdf_needs_agreements():
    with pytest.raises(ValueError, match="no agreements"):
        agreements_pdf([])


def test_agreement_refuses_a_template_in_another_language_or_version():
    with pytest.raises(ValueError, match="template default-en-1 is in 'en'"):
        agreement_pdf(agreement(), default_template("en"))
    with pytest.raises(ValueError, match="template_version 'ĶNP-2026-2'"):
        agreement_pdf(agreement(template_version="ĶNP-2026-2"), default_template("lv"))
    with pytest.raises(ValueError, match="language"):
        agreement_pdf(agreement(language="de"), default_template("lv"))
    with pytest.raises(ValueError, match="guardian's name is empty"):
        agreement_pdf(agreement(guardian=Party(" ")), default_template("lv"))


def test_long_values_wrap_and_markup_in_data_prints_as_text():
    data = agreement(model="ProBook 450 G9 Notebook PC 15.6\" Intel Core i5-1235U 16 GB RAM 512 GB SSD <Education & Co>",
                     accessories=("lādētājs", "soma", "pele", "austiņas", "USB-C adapteris", "ekrāna aizsargplēve",
                                  "klaviatūras pārsegs"),
                     guardian=Party("Jānis Bērziņš-Ozoliņš-Kalniņš-Šteinbergs-Žvīgure", "tālr. +371 20000000"))
    text = "\n".join(text_of(agreement_pdf(data, default_template("lv"))))
    assert "<Education & Co>" in text
    assert "klaviatūras pārsegs" in text


# ---- templates ----------------------------------------------------------------------------------------------------


def test_default_templates_round_trip_through_json():
    for language in ("lv", "en"):
        template = default_template(language)
        as_json = json.loads(json.dumps(template_to_json(template)))
        assert template_from_json(as_json) == template
    with pytest.raises(ValueError, match="no default template in 'de'"):
        default_template("de")


def test_a_founders_template_renders_with_its_placeholders_and_version():
    custom = template_from_json({
        "version": "ĶNP-2026-2", "language": "lv", "title": "Datora patapinājuma līgums",
        "sections": [
            {"heading": "1. Puses", "paragraphs": ["Ķekavas novads nodod {pupil_name} ({pupil_detail}) datoru "
                                                   "{asset_tag}; vecāks: {guardian_name}. Iekavās {{šādi}}."]},
            {"heading": "2. Noteikumi <b>&</b>", "paragraphs": ["Lietot tikai mācībām."]},
        ]})
    pages = text_of(agreement_pdf(agreement(template_version="ĶNP-2026-2"), custom))
    text = "\n".join(pages)
    assert "Datora patapinājuma līgums" in text
    assert f"nodod {PUPIL} (5.b klase) datoru DIB-000123-K; vecāks: {GUARDIAN}. Iekavās {{šādi}}." in " ".join(text.split())
    assert "2. Noteikumi <b>&</b>" in text
    assert all("veidne ĶNP-2026-2" in page for page in pages)
    assert "5CG0123LVX" in text  # the act's device table is always there


def test_every_placeholder_prints_its_value():
    paragraphs = tuple(f"{name}=[{{{name}}}]" for name in PLACEHOLDERS)
    template = Template("visi-1", "lv", "Visi lauki un ļoti gara virsraksta teksts, kas neietilpst kājenē " * 2,
                        (("Lauki", paragraphs),))
    data = agreement(template_version="visi-1", accessories=())
    text = " ".join("\n".join(text_of(agreement_pdf(data, template))).split())
    expected = {"number": "L-2026-000123", "date": "2026-11-28", "founder": "Ķekavas novada pašvaldība, reģ. Nr. 90000048491",
                "founder_name": FOUNDER.name, "founder_detail": FOUNDER.detail, "school": "Baložu vidusskola, VIIS 4312903421",
                "school_name": SCHOOL.name, "school_detail": SCHOOL.detail, "guardian": GUARDIAN, "guardian_name": GUARDIAN,
                "guardian_detail": "", "pupil": f"{PUPIL}, 5.b klase", "pupil_name": PUPIL, "pupil_detail": "5.b klase",
                "manufacturer": "HP", "model": "ProBook 450 G9", "serial": "5CG0123LVX", "asset_tag": "DIB-000123-K",
                "device": "HP ProBook 450 G9 (sērijas Nr. 5CG0123LVX, inventāra Nr. DIB-000123-K)", "accessories": "nav",
                "condition": "jauns", "template_version": "visi-1", "privacy_contact": "Baložu vidusskola, VIIS 4312903421"}
    assert expected.keys() == PLACEHOLDERS.keys()
    for name, value in expected.items():
        assert f"{name}=[{value}]" in text, name
    assert "veidne visi-1" in text  # the long title is shrunk or cut in the footer, the version stays


def test_data_protection_contact_or_the_school():
    def notice(data: AgreementData) -> str:
        return " ".join("\n".join(text_of(agreement_pdf(data, default_template("lv")))).split())

    assert "datu aizsardzības speciālistam, var vērsties: Baložu vidusskola, VIIS 4312903421." in notice(agreement())
    given = notice(agreement(privacy_contact="das@kekava.lv, tālr. 67935800"))
    assert "var vērsties: das@kekava.lv, tālr. 67935800." in given


def test_template_version_may_be_left_to_the_template():
    text = "\n".join(text_of(agreement_pdf(agreement(template_version=""), default_template("lv"))))
    assert "veidne default-lv-1" in text


def good_json(**changes) -> dict:
    data = {"version": "ĶNP-2026-2", "language": "lv", "title": "Līgums",
            "sections": [{"heading": "1. Puses", "paragraphs": ["{guardian} un {school}."]}]}
    data.update(changes)
    return data


@pytest.mark.parametrize(("changes", "message"), [
    ({"sections": [{"heading": "1", "paragraphs": ["Skolēns {pupil_code}."]}]},
     r"section 1 paragraph 1: unknown placeholder \{pupil_code\}"),
    ({"title": "Līgums {nr}"}, r"title: unknown placeholder \{nr\}"),
    ({"title": ""}, "title is empty"),
    ({"title": "   "}, "title is empty"),
    ({"version": ""}, "version is empty"),
    ({"version": "x" * 65}, "version must be one line"),
    ({"language": "de"}, "language must be one of lv, en"),
    ({"sections": []}, "no sections"),
    ({"sections": [{"heading": "", "paragraphs": ["Teksts."]}]}, "section 1 heading is empty"),
    ({"sections": [{"heading": "1", "paragraphs": []}]}, "section 1 has no paragraphs"),
    ({"sections": [{"heading": "1", "paragraphs": ["Teksts.", ""]}]}, "section 1 paragraph 2 is empty"),
    ({"sections": [{"heading": "1", "paragraphs": [None]}]}, "section 1 paragraph 1 is empty"),
    ({"sections": [{"heading": "1", "paragraphs": ["Figūriekava } viena."]}]}, "Single '}'"),
    ({"sections": [{"heading": "1", "paragraphs": ["Sākas {pupil"]}]}, "section 1 paragraph 1"),
    ({"sections": [{"heading": "1", "paragraphs": ["{serial:>20}"]}]}, "is not a placeholder"),
    ({"sections": [{"heading": "1", "paragraphs": ["{pupil.__class__}"]}]}, "is not a placeholder"),
    ({"sections": [{"heading": "1", "paragraphs": ["{pupil!r}"]}]}, "is not a placeholder"),
    ({"sections": [{"heading": "1", "paragraphs": ["Vadības\x07zīme"]}]}, "control character"),
    ({"sections": [{"heading": "1", "paragraphs": ["x" * 40_001]}]}, "more than 40000"),
    ({"sections": [{"heading": "1"}]}, "section 1 must be an object with heading and paragraphs"),
    ({"sections": [{"heading": "1", "paragraphs": "Teksts."}]}, "section 1 paragraphs must be a list"),
    ({"sections": "1. Puses"}, "sections must be a list"),
    ({"sectons": []}, "unknown field"),
])
def test_template_from_json_rejects_bad_templates(changes, message):
    with pytest.raises(ValueError, match=message):
        template_from_json(good_json(**changes))


def test_template_from_json_rejects_missing_fields_and_non_objects():
    data = good_json()
    del data["title"]
    with pytest.raises(ValueError, match="missing field"):
        template_from_json(data)
    with pytest.raises(ValueError, match="expected a JSON object"):
        template_from_json(["version"])  # type: ignore[arg-type]


def test_template_is_checked_however_it_is_made():
    with pytest.raises(ValueError, match="unknown placeholder"):
        Template("x-1", "lv", "Līgums", (("1", ("{nope}",)),))
    assert set(PLACEHOLDERS) >= {"pupil", "guardian", "device", "accessories", "serial", "asset_tag", "number"}


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
    ({"image_png": _png_of(2_001, 1_000)}, r"2001 × 1000 pixels; at most 2,000,000 are drawn"),  # never decoded
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


# ---- fonts --------------------------------------------------------------------------------------------------------


def test_every_document_embeds_its_fonts_and_no_standard_14():
    data = agreement()
    template = default_template("lv")
    for pdf in (agreement_pdf(data, template), agreements_pdf([(data, template), (agreement(2), template)]),
                signed_agreement_pdf(data, template, signature(data)), return_act_pdf(returned()),
                agreement_pdf(agreement(language="en", sign_url=None, eu_funded=False), default_template("en"))):
        assert_fonts_embedded(pdf)
