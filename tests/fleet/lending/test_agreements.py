"""An agreement keeps the frame's words it was issued with: the snapshot pins them at hand-over, an edit of the
print shop's catalogs changes new agreements only, and migration 0013 pins the words of agreements issued
before it. Accessories and the condition print by their display names."""

from __future__ import annotations

import hashlib
import importlib
import io
from dataclasses import replace

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fleet.lending import agreements
from fleet.migrations import current, downgrade, upgrade
from fleet.models import Agreement
from labels import catalog
from labels.documents import agreement_pdf
from labels.documents.words import agreement_words
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory
from tests.labels.documents.samples import reword_catalogs

WORDS_0013 = importlib.import_module("fleet.migrations.versions.0013_agreement_words").WORDS
SCAN = io.BytesIO  # a paper scan: a PNG of one page
EDITS = {"Patapinātājs": "Aizdevējs", "Lapa": "Lappuse", "Nodošanas–pieņemšanas akts": "Pieņemšanas akts"}


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (200, 280), 255).save(out, format="PNG")
    return out.getvalue()


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def reworded(tmp_path, monkeypatch):
    yield lambda: reword_catalogs(tmp_path, monkeypatch, EDITS)
    monkeypatch.undo()
    catalog.translations.cache_clear()


@pytest.fixture
def school():
    return SchoolFactory(name="Ķekavas vidusskola")


def hand_over(api_as, school, session, language="lv") -> int:
    session.commit()  # a read transaction older than a request's write cannot write on SQLite: end it first
    it = api_as("school_it", school=school)
    r = it.post("loans", json={"device": DeviceFactory(status="at_school", school=school).serial,
                               "pupil": PupilFactory(school=school).id, "accessories": ["charger", "bag"],
                               "condition": "good", "language": language})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def agreement_of(session, loan_id: int) -> Agreement:
    session.expire_all()
    return session.scalar(select(Agreement).where(Agreement.loan_id == loan_id))


def rendered_sha256(agreement: Agreement) -> str:
    return hashlib.sha256(agreement_pdf(*agreements.rendered(agreement))).hexdigest()


def test_hand_over_pins_the_words_and_prints_display_names(api_as, school, session):
    loan = hand_over(api_as, school, session)
    agreement = agreement_of(session, loan)
    data = agreement.snapshot["data"]
    assert data["words"] == agreement_words("lv") and data["words"]["lender"] == "Patapinātājs"
    assert (data["accessories"], data["condition"]) == (["lādētājs", "soma"], "labs")
    assert data["founder"]["detail"] == "" and data["pupil"]["detail"].endswith(" klase")  # no number, no address known
    english = agreement_of(session, hand_over(api_as, school, session, "en")).snapshot["data"]
    assert english["words"]["lender"] == "Lender" and (english["accessories"], english["condition"]) == (
        ["charger", "bag"], "good")
    assert english["founder"]["detail"] == ""
    assert english["pupil"]["detail"].endswith(" grade")


def test_an_issued_agreement_re_renders_byte_for_byte_after_the_wording_is_edited(api_as, school, session,
                                                                                  reworded):
    it = api_as("school_it", school=school)
    old = hand_over(api_as, school, session)
    reworded()
    agreement = agreement_of(session, old)
    session.commit()
    assert rendered_sha256(agreement) == agreement.original_sha256
    signed = it.post(f"loans/{old}/agreement/paper", data={"signer_name": "Jānis Bērziņš",
                                                            "file": (SCAN(_png()), "scan.png")},
                     content_type="multipart/form-data")
    assert signed.status_code == 200, signed.get_json()
    copy = text_of(it.get(f"loans/{old}/agreement.pdf").data)
    assert "Patapinātājs" in copy and "Lapa 1/2" in copy and "Aizdevējs" not in copy
    new = agreement_of(session, hand_over(api_as, school, session))  # issued after the edit: the new words
    assert new.snapshot["data"]["words"]["lender"] == "Aizdevējs"
    assert "Aizdevējs" in text_of(it.get(f"loans/{new.loan_id}/agreement.pdf").data)


def test_migration_0013_pins_the_words_of_agreements_issued_before_it(app, api_as, school, session, reworded):
    old, pinned_already = hand_over(api_as, school, session), hand_over(api_as, school, session, "en")
    # As before 0013: no words in the snapshot, the original rendered with the words the print shop had then.
    agreement = agreement_of(session, old)
    data, template = agreements.rendered(agreement)
    before = replace(data, words=None)
    original = agreement_pdf(replace(data, words=WORDS_0013["lv"]), template)
    snapshot = dict(agreement.snapshot)
    snapshot["data"] = {k: v for k, v in snapshot["data"].items() if k != "words"}
    agreement.snapshot, agreement.original_sha256 = snapshot, hashlib.sha256(original).hexdigest()
    session.commit()
    kept = dict(agreement_of(session, pinned_already).snapshot["data"]["words"])
    session.commit()
    engine = app.extensions["fleet.engine"]
    downgrade(engine, "0012")
    session.expire_all()
    assert all("words" not in snapshot["data"] for snapshot in session.scalars(select(Agreement.snapshot)))
    session.commit()
    upgrade(engine)
    assert current(engine) == "0017"  # (the head; 0017 adds the connectivity survey)
    reworded()
    agreement = agreement_of(session, old)
    assert agreement.snapshot["data"]["words"] == WORDS_0013["lv"]
    assert rendered_sha256(agreement) == agreement.original_sha256
    assert agreement_pdf(before, template) != original  # unpinned, it would print today's (edited) words
    assert agreement_of(session, pinned_already).snapshot["data"]["words"] == kept
