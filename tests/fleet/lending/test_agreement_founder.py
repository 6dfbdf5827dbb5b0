"""The lender on a loan agreement: the founder's name with its registration number and address ("Rīgas
valstspilsētas pašvaldība, Reģ. Nr. 90011524360, Rātslaukums 1, Rīga"), read back from the PDF; the name alone
when neither is known, never the internal code ("kods RIGA"); an agreement issued before a change keeps what it
printed, byte for byte."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from fleet.lending import agreements
from fleet.models import Agreement
from labels.documents import agreement_pdf
from tests.factories import DeviceFactory, FounderFactory, PupilFactory, SchoolFactory
from tests.labels.positions import pages

NAME = "Rīgas valstspilsētas pašvaldība"
LINES = {"lv": "Reģ. Nr. 90011524360, Rātslaukums 1, Rīga", "en": "Reg. No. 90011524360, Rātslaukums 1, Rīga"}


@pytest.fixture
def school():
    founder = FounderFactory(code="RIGA", name=NAME, registration_number="90011524360", address="Rātslaukums 1, Rīga")
    return SchoolFactory(name="Rīgas 1. ģimnāzija", founder=founder)


def hand_over(api_as, school, session, language="lv") -> Agreement:
    session.commit()
    r = api_as("school_it", school=school).post("loans", json={
        "device": DeviceFactory(status="at_school", school=school).serial, "pupil": PupilFactory(school=school).id,
        "accessories": ["charger"], "condition": "good", "language": language})
    assert r.status_code == 201, r.get_json()
    session.expire_all()
    return session.scalar(select(Agreement).where(Agreement.loan_id == r.get_json()["id"]))


def pdf_of(api_as, school, agreement: Agreement) -> bytes:
    r = api_as("school_it", school=school).get(f"loans/{agreement.loan_id}/agreement.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    return r.data


def flat(pdf: bytes) -> str:
    return " ".join(" ".join(t.text for t in page.texts) for page in pages(pdf))


@pytest.mark.parametrize("language", ["lv", "en"])
def test_a_new_agreement_names_the_founder_with_its_registration_number_and_address(api_as, school, session,
                                                                                     language):
    agreement = hand_over(api_as, school, session, language)
    assert agreement.snapshot["data"]["founder"] == {"name": NAME, "detail": LINES[language]}
    pdf = pdf_of(api_as, school, agreement)
    first = pages(pdf)[0]
    text = " ".join(t.text for t in first.texts)
    assert f"{NAME}, {LINES[language]}" in " ".join(text.split()), text[:600]  # clause 1.1 names the lender
    assert "kods" not in text and "code RIGA" not in text and "RIGA" not in text
    # the lender's signature block: the founder's line, on the page, beside the borrower's
    lender = [t for page in pages(pdf) for t in page.texts if "90011524360" in t.text]
    assert len(lender) >= 2  # the clause and the signature block
    for page in pages(pdf):
        for box in page.texts:
            assert box.inside(0, 0, page.width, page.height), box


def test_the_name_alone_when_nothing_more_is_known(api_as, session):
    school = SchoolFactory(founder=FounderFactory(code="RIGA", name=NAME))
    agreement = hand_over(api_as, school, session)
    assert agreement.snapshot["data"]["founder"] == {"name": NAME, "detail": ""}
    text = flat(pdf_of(api_as, school, agreement))
    assert NAME in text and "kods RIGA" not in text and "RIGA" not in text
    school.founder.address = "Rātslaukums 1, Rīga"  # an address without a number: the address
    session.commit()
    assert hand_over(api_as, school, session).snapshot["data"]["founder"]["detail"] == "Rātslaukums 1, Rīga"


def test_an_issued_agreement_keeps_its_lines_after_the_founder_changes(api_as, school, session):
    old = hand_over(api_as, school, session)
    original = pdf_of(api_as, school, old)
    r = api_as("admin").client.patch("/api/v1/founders/RIGA", json={"address": "Jaunā iela 2, Rīga"},
                                     headers=api_as("admin").headers)
    assert r.status_code == 200
    session.expire_all()
    old = session.get(Agreement, old.id)
    assert hashlib.sha256(agreement_pdf(*agreements.rendered(old))).hexdigest() == old.original_sha256
    assert hashlib.sha256(pdf_of(api_as, school, old)).digest() == hashlib.sha256(original).digest()
    assert "Rātslaukums 1" in flat(original)
    new = hand_over(api_as, school, session)
    assert "Reģ. Nr. 90011524360, Jaunā iela 2, Rīga" in " ".join(flat(pdf_of(api_as, school, new)).split())


def test_the_template_preview_names_the_founder_as_agreements_do(session, school):
    from labels.documents import default_template, template_to_json

    pdf = agreements.preview(school.founder, template_to_json(default_template("lv")))
    assert f"{NAME}, {LINES['lv']}" in " ".join(flat(pdf).split())
