"""One loan agreement and a class hand-out, read back: pypdf's text (names with their diacritics, the
device, the template's version, the page numbers within each agreement), the signing QR code decoded from the
page rasterised at 300 dpi, the same bytes for the same input."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import replace

import pytest

from labels import catalog
from labels.documents import (
    Party,
    agreement_pdf,
    agreements_pdf,
    default_template,
    return_act_pdf,
    signed_agreement_pdf,
)
from labels.documents.words import agreement_words
from tests.labels.documents.samples import (
    FOUNDER,
    FUNDING_EN,
    FUNDING_LV,
    GUARDIAN,
    PUPIL,
    ROOT,
    SCHOOL,
    agreement,
    assert_fonts_embedded,
    returned,
    reword_catalogs,
    signature,
    text_of,
)
from tests.labels.helpers import QR, decode, found, lines_of, rasterise, reader, xobjects_of

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
    script = ("import hashlib, sys; sys.path.insert(0, sys.argv[1]); "
              "from tests.labels.documents.samples import agreement; "
              "from labels.documents import agreement_pdf, default_template; "
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
    data = agreement(model="ProBook 450 G9 Notebook PC 15.6\" Intel Core i5-1235U 16 GB RAM 512 GB SSD "
                           "<Education & Co>",
                     accessories=("lādētājs", "soma", "pele", "austiņas", "USB-C adapteris", "ekrāna aizsargplēve",
                                  "klaviatūras pārsegs"),
                     guardian=Party("Jānis Bērziņš-Ozoliņš-Kalniņš-Šteinbergs-Žvīgure", "tālr. +371 20000000"))
    text = "\n".join(text_of(agreement_pdf(data, default_template("lv"))))
    assert "<Education & Co>" in text
    assert "klaviatūras pārsegs" in text


# ---- fonts --------------------------------------------------------------------------------------------------------


def test_every_document_embeds_its_fonts_and_no_standard_14():
    data = agreement()
    template = default_template("lv")
    for pdf in (agreement_pdf(data, template), agreements_pdf([(data, template), (agreement(2), template)]),
                signed_agreement_pdf(data, template, signature(data)), return_act_pdf(returned()),
                agreement_pdf(agreement(language="en", sign_url=None, eu_funded=False), default_template("en"))):
        assert_fonts_embedded(pdf)


# ---- pinned words ---------------------------------------------------------------------------------------------


@pytest.fixture
def reworded(tmp_path, monkeypatch):
    yield lambda edits: reword_catalogs(tmp_path, monkeypatch, edits)
    monkeypatch.undo()
    catalog.translations.cache_clear()


def test_an_agreement_keeps_its_words_after_the_wording_is_edited(reworded):
    issued = agreement(words=agreement_words("lv"))  # as fleet makes it: today's words pinned in the data
    original = agreement_pdf(issued, default_template("lv"))
    assert original == agreement_pdf(agreement(), default_template("lv"))  # pinning itself changes nothing
    reworded({"Patapinātājs": "Aizdevējs", "Nodošanas–pieņemšanas akts": "Pieņemšanas un nodošanas akts",
              "Lapa": "Lappuse", "Skenējiet, lai parakstītu": "Noskenējiet, lai parakstītu"})
    fresh = "\n".join(text_of(agreement_pdf(agreement(), default_template("lv"))))  # today's words: the new ones
    assert "Aizdevējs" in fresh and "Pieņemšanas un nodošanas akts" in fresh and "Lappuse 1/2" in fresh
    again = agreement_pdf(issued, default_template("lv"))
    assert again == original  # byte for byte
    signed = signed_agreement_pdf(issued, default_template("lv"), signature(issued))  # the SHA-256 check passes
    assert "Lapa 1/2" in text_of(signed)[0] and "Aizdevējs" not in "\n".join(text_of(signed))


def test_words_the_agreement_did_not_pin_come_from_the_catalogs():
    pinned = {key: value for key, value in agreement_words("lv").items() if key != "remarks"}
    text = "\n".join(text_of(agreement_pdf(agreement(words=pinned | {"lender": "Aizdevējs"}), default_template("lv"))))
    assert "Aizdevējs" in text and "Iebildumi: ___" in text
