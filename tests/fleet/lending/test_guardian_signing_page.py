"""The guardian's signing page through the test client: what it shows (the agreement's text, the guardian on
record, html lang in the page's language), what it refuses (no consent, an empty name, someone else without
their relationship, a typed signature that is not the name — each with a clear message and nothing signed), a
used or expired link, the signed copy for this browser only, and the copy e-mailed in the agreement's language."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fleet.access.policy import Principal, Scope
from fleet.lending import loans
from fleet.models import Agreement, Document, utcnow
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory
from tests.mailbox import signature_png, text_of, work

EVERYONE = Scope.of(Principal(0, "factory", "admin"))


def lent(session, language="lv", guardian="Anna Ņikitina", email="anna@example.lv"):
    """A laptop lent to Ērika Ņikitina (5.b), the agreement in ``language``: (agreement, the link's path)."""
    school = SchoolFactory()
    pupil = PupilFactory(school=school, given_name="Ērika", family_name="Ņikitina", guardian_name=guardian,
                         guardian_email=email, grade="5.b")
    device = DeviceFactory(status="at_school", school=school)
    handed = loans.hand_over(session, EVERYONE, loans.HandOver(device.serial, pupil.id, ["charger"], language),
                             "http://fleet.example.lv")
    session.commit()
    return handed.agreement, handed.sign_url.split("fleet.example.lv", 1)[1]


def csrf(client, path):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def post(client, path, **form):
    data = {"csrf_token": csrf(client, path), "who": "guardian", "kind": "drawn", "signature": signature_png(),
            "consent": "yes"} | form
    return client.post(path, data={k: v for k, v in data.items() if v is not None})


def status(session, agreement):
    session.commit()  # (a new transaction: what the requests committed)
    session.expire_all()
    return session.get(Agreement, agreement.id).status


def test_the_page_shows_the_agreement_s_text_and_the_guardian_on_record(client, session):
    _, path = lent(session)
    html = client.get(path, headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert '<html lang="lv">' in html
    assert "1.2. Patapinājuma ņēmējs: <strong>Anna Ņikitina</strong>" in html  # the text itself, not only the PDF
    assert "7. Personas datu apstrāde" in html and 'id="agreement-pdf"' in html
    assert 'id="guardian-on-record">Anna Ņikitina<' in html
    assert "izlasījis(-usi)" in html and "Paraksta laukums" in html


@pytest.mark.parametrize("language", ["lv", "en"])
def test_html_lang_and_the_script_s_words_are_the_page_s_language(client, session, language):
    _, path = lent(session, language=language)
    html = client.get(path).get_data(as_text=True)  # no choice made: the agreement's language
    assert f'<html lang="{language}">' in html
    words = re.search(r'data-no-signature="([^"]+)"', html).group(1)
    assert words.startswith("Lūdzu, parakstieties" if language == "lv" else "Please sign in the box")
    client.set_cookie("lang", "en" if language == "lv" else "lv")  # the visitor's own choice wins
    other = client.get(path).get_data(as_text=True)
    assert f'<html lang="{"en" if language == "lv" else "lv"}">' in other


def test_without_consent_nothing_is_signed_and_the_page_says_why(client, session):
    agreement, path = lent(session)
    client.set_cookie("lang", "en")
    r = post(client, path, consent=None)
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and 'role="alert"' in html
    assert 'href="#consent">Please tick that you have read the agreement and agree.' in html
    assert status(session, agreement) == "awaiting_signature"


def test_someone_else_must_give_a_name_and_their_relationship(client, session):
    agreement, path = lent(session)
    client.set_cookie("lang", "en")
    html = post(client, path, who="other", signer_name=" ", relationship="").get_data(as_text=True)
    assert "Please write your full name" in html and "Please write who you are to the pupil" in html
    html = post(client, path, who="other", signer_name="Mārtiņš Ozols", relationship="").get_data(as_text=True)
    assert "Please write your full name" not in html and "Please write who you are to the pupil" in html
    assert 'value="Mārtiņš Ozols"' in html  # what was written stays
    html = post(client, path, who=None).get_data(as_text=True)
    assert 'href="#who-guardian">Please say who is signing: Anna Ņikitina, or someone else.' in html
    assert status(session, agreement) == "awaiting_signature"
    assert session.scalar(select(Document).where(Document.content_type == "image/png")) is None


def test_a_drawn_signature_is_required_unless_the_name_is_typed(client, session):
    agreement, path = lent(session)
    client.set_cookie("lang", "en")
    html = post(client, path, signature="").get_data(as_text=True)
    assert "Please sign in the box with a finger or the mouse, or choose to type your name instead." in html
    html = post(client, path, kind="typed", typed_name="").get_data(as_text=True)
    assert "Please type your full name as your signature." in html
    html = post(client, path, kind="typed", typed_name="Anna").get_data(as_text=True)
    assert "The typed signature must be your full name as written above: Anna Ņikitina." in html
    assert status(session, agreement) == "awaiting_signature"
    r = post(client, path, kind="typed", typed_name="  anna   ņikitina ", signature="")
    assert r.status_code == 200 and 'id="done"' in r.get_data(as_text=True)
    session.commit()  # (a new transaction: what the requests committed)
    session.expire_all()
    signed = session.get(Agreement, agreement.id)
    assert (signed.status, signed.method, signed.signature_kind, signed.signer_name, signed.signer_is_guardian) == (
        "signed", "link", "typed", "Anna Ņikitina", True)


def test_someone_else_signs_and_is_recorded_as_such(client, session):
    agreement, path = lent(session)
    r = post(client, path, who="other", signer_name="Mārtiņš Ozols", relationship="vectēvs")
    assert r.status_code == 200
    session.commit()  # (a new transaction: what the requests committed)
    session.expire_all()
    signed = session.get(Agreement, agreement.id)
    assert (signed.signer_name, signed.signer_is_guardian, signed.signer_relationship, signed.signature_kind) == (
        "Mārtiņš Ozols", False, "vectēvs", "drawn")
    text = " ".join(PdfReader(io.BytesIO(session.get(Document, signed.signed_sha256).data)).pages[-1]
                    .extract_text().split())
    assert "Mārtiņš Ozols (vectēvs), nevis skolas datos norādītais vecāks vai likumiskais pārstāvis (Anna Ņikitina)" \
        in text, text


def test_the_thank_you_page_gives_this_browser_the_signed_copy(app, client, session):
    agreement, path = lent(session)
    html = post(client, path).get_data(as_text=True)
    copy = re.search(r'href="(/sign/[^"/]+/copy\.pdf)" id="signed-copy"', html).group(1)
    assert copy == path + "/copy.pdf"
    assert "<details" in html and "SHA-256" in html  # the hash folded away, not in the parent's way
    r = client.get(copy)
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.headers["Cache-Control"] == "no-store"
    session.commit()  # (a new transaction: what the requests committed)
    session.expire_all()
    assert r.data == session.get(Document, session.get(Agreement, agreement.id).signed_sha256).data
    other = app.test_client()  # another browser: not this one's copy
    assert other.get(copy).status_code == 404
    assert client.get(path).status_code == 410  # the link is used up
    again = client.get(path + "?done=1", headers={"Accept-Language": "en"})  # a reload, another language
    assert again.status_code == 200 and 'id="signed-copy"' in again.get_data(as_text=True)
    assert other.get(path + "?done=1").status_code == 410


def test_the_copy_is_e_mailed_in_the_agreement_s_language(app, client, session, smtp):
    _, path = lent(session, language="en")
    client.set_cookie("lang", "lv")  # the page in Latvian, the agreement in English
    html = post(client, path).get_data(as_text=True)
    assert "e-pasta adresi" in html
    work(app)
    (message,) = smtp.messages
    assert message["To"] == "anna@example.lv" and message["Subject"].startswith("Signed agreement L-")
    assert "Thank you!" in text_of(message)
    names = [part.get_filename() for part in message.walk() if part.get_filename()]
    assert names == [f"{message['Subject'].split()[-1]}.pdf"]


def test_an_expired_link_says_so_in_the_visitor_s_language(client, session):
    agreement, path = lent(session)
    agreement.token_expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    r = client.get(path, headers={"Accept-Language": "en"})
    html = r.get_data(as_text=True)
    assert r.status_code == 410 and '<html lang="en">' in html and "The link has expired" in html
    r = client.get("/sign/" + "x" * 43, headers={"Accept-Language": "lv"})
    assert r.status_code == 404 and '<html lang="lv">' in r.get_data(as_text=True)
