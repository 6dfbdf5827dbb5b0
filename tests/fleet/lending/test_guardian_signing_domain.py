"""Signing an agreement (``agreements.sign``): someone other than the guardian on record, a typed signature, the
time in Riga time on the signature page, the original's pages (and its QR code) kept byte for byte, the used link
said plainly; every bad input refused with its field, nothing signed."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from fleet.access.policy import Principal, Scope
from fleet.errors import FleetError
from fleet.lending import agreements, loans
from fleet.models import Document
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory
from tests.mailbox import signature_png

EVERYONE = Scope.of(Principal(0, "factory", "admin"))
PNG = base64.b64decode(signature_png().split(",", 1)[1])


def lent(session, language="lv"):
    school = SchoolFactory()
    pupil = PupilFactory(school=school, given_name="Ērika", family_name="Ņikitina", guardian_name="Anna Ņikitina")
    handed = loans.hand_over(session, EVERYONE, loans.HandOver(DeviceFactory(status="at_school", school=school).serial,
                                                               pupil.id, ["charger"], language), "http://fleet.example.lv")
    session.commit()
    return handed.agreement


def pages(session, sha256):
    return PdfReader(io.BytesIO(session.get(Document, sha256).data)).pages


def words(page) -> str:
    return " ".join(page.extract_text().split())


def test_someone_else_signing_is_recorded_and_printed_as_such(session):
    agreement = lent(session)
    agreements.sign(session, agreement, "link", "Mārtiņš Ozols", PNG, is_guardian=False, relationship="vectēvs",
                    consent=True)
    assert (agreement.signer_is_guardian, agreement.signer_relationship, agreement.signature_kind) == (
        False, "vectēvs", "drawn")
    last = words(pages(session, agreement.signed_sha256)[-1])
    assert "Mārtiņš Ozols (vectēvs), nevis skolas datos norādītais vecāks vai likumiskais pārstāvis (Anna Ņikitina)" \
        in last
    assert "Skola pārbauda, vai šī persona drīkst parakstīt" in last


def test_the_guardian_s_own_name_is_the_guardian_whatever_was_said(session):
    agreement = lent(session, "en")
    agreements.sign(session, agreement, "desk", "anna  ŅIKITINA", PNG, is_guardian=False, relationship="")
    assert (agreement.signer_is_guardian, agreement.signer_relationship, agreement.method) == (True, None, "desk")
    assert "not the parent or guardian on record" not in words(pages(session, agreement.signed_sha256)[-1])


def test_a_typed_signature_has_no_image_and_says_so(session):
    agreement = lent(session, "en")
    agreements.sign(session, agreement, "link", "Anna Ņikitina", kind="typed", typed_name="Anna Ņikitina",
                    is_guardian=True, consent=True)
    assert (agreement.signature_kind, agreement.signer_is_guardian) == ("typed", True)
    last = pages(session, agreement.signed_sha256)[-1]
    text = words(last)
    assert "by link, on their own device · typed signature" in text
    assert "Signature (the signer's full name, typed)" in text and "typed their full name as their signature" in text
    assert not last.images  # nothing drawn


def test_the_signature_page_is_in_riga_time_and_says_the_link_is_used(session):
    agreement = lent(session)
    agreements.sign(session, agreement, "link", "Anna Ņikitina", PNG, consent=True)
    signed_at = agreement.signed_at if agreement.signed_at.tzinfo else agreement.signed_at.replace(tzinfo=UTC)
    riga = signed_at.astimezone(ZoneInfo("Europe/Riga"))
    text = words(pages(session, agreement.signed_sha256)[-1])
    offset = riga.strftime("%z")
    assert f"{riga:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}" in text
    assert "UTC" not in text
    assert "Šā līguma parakstīšanas saite (tās QR kods pirmajā lapā) ir izmantota un vairs nedarbojas." in text


def test_riga_time_follows_summer_and_winter():
    assert agreements.riga_time(datetime(2026, 12, 4, 21, 37, 2, tzinfo=UTC)) == "2026-12-04 23:37:02 +02:00"
    assert agreements.riga_time(datetime(2026, 7, 1, 9, 0, 0)) == "2026-07-01 12:00:00 +03:00"


def test_the_first_page_with_its_qr_code_is_the_original_byte_for_byte(session):
    agreement = lent(session)
    original = pages(session, agreement.original_sha256)
    agreements.sign(session, agreement, "link", "Mārtiņš Ozols", PNG, is_guardian=False, relationship="tēvocis",
                    consent=True)
    signed = pages(session, agreement.signed_sha256)
    assert len(signed) == len(original) + 1
    for before, after in zip(original, signed, strict=False):
        assert before.get_contents().get_data() == after.get_contents().get_data()
    assert agreement.original_sha256 in words(signed[-1])


@pytest.mark.parametrize(("call", "fields"), [
    ({"signer_name": " "}, ["signer_name"]),
    ({"is_guardian": False, "signer_name": "Mārtiņš Ozols"}, ["relationship"]),
    ({"consent": False}, ["consent"]),
    ({"image_png": None}, ["signature"]),
    ({"kind": "typed", "image_png": None}, ["typed_name"]),
    ({"kind": "typed", "typed_name": "Anna"}, ["typed_name"]),
    ({"kind": "scribbled"}, ["kind"]),
])
def test_bad_input_is_refused_field_by_field_and_nothing_is_signed(session, call, fields):
    agreement = lent(session)
    arguments = {"signer_name": "Anna Ņikitina", "image_png": PNG} | call
    with pytest.raises(FleetError) as refused:
        agreements.sign(session, agreement, "link", arguments.pop("signer_name"), arguments.pop("image_png"),
                        **arguments)
    assert refused.value.code == "invalid_input"
    assert [d["field"] for d in refused.value.details] == fields
    assert (agreement.status, agreement.signed_sha256, agreement.signer_is_guardian) == (
        "awaiting_signature", None, None)
