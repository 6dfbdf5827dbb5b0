"""The guardian's signing page in real Chromium (Playwright): open the link, draw a signature with
the mouse, tick consent, sign; the stored copy has the signature page and the original's hash;
the link is used up; an expired link is refused."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fleet.models import Agreement, Document, utcnow
from tests.conftest import serving
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory


@pytest.fixture
def live(app):
    with serving(app) as url:
        yield url


def hand_over(api_as):
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    device = DeviceFactory(status="at_school", school=school)
    pupil = PupilFactory(school=school, given_name="Ērika", family_name="Ņikitina")
    r = it.post("loans", json={"device": device.serial, "pupil": pupil.id, "accessories": ["charger"]})
    assert r.status_code == 201, r.get_json()
    return it, r.get_json()


def draw_signature(page) -> None:
    box = page.locator("#pad").bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + step * 12, y + (18 if step % 2 else -18))
    page.mouse.up()


def test_a_guardian_signs_on_the_page(api_as, live, browser, session):
    it, loan = hand_over(api_as)
    path = loan["agreement"]["sign_url"].split("fleet.example.lv", 1)[1]
    page = browser.new_page()
    page.goto(live + path)
    assert "Ērika Ņikitina" in page.content()
    page.fill("#signer_name", "Jānis Bērziņš")
    draw_signature(page)
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#done")
    body = it.get(f"loans/{loan['id']}").get_json()["agreement"]
    assert body["status"] == "signed" and body["method"] == "link"
    signed = PdfReader(io.BytesIO(it.get(f"loans/{loan['id']}/agreement.pdf").data))
    original = PdfReader(io.BytesIO(it.get(f"loans/{loan['id']}/agreement.pdf?original=1").data))
    assert len(signed.pages) == len(original.pages) + 1
    last = signed.pages[-1]
    assert loan["agreement"]["sha256"] in last.extract_text() and "Jānis Bērziņš" in last.extract_text()
    assert any(obj["/Subtype"] == "/Image" for obj in last["/Resources"]["/XObject"].values())  # the drawn signature
    page.goto(live + path)
    assert page.locator("#refused").is_visible()  # used up


def test_without_a_signature_or_consent_nothing_is_signed(api_as, live, browser, session):
    it, loan = hand_over(api_as)
    page = browser.new_page()
    page.goto(live + loan["agreement"]["sign_url"].split("fleet.example.lv", 1)[1])
    page.fill("#signer_name", "Jānis Bērziņš")
    page.check("#consent")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.click("#submit")  # no signature drawn: the page asks for one and does not send
    page.wait_for_timeout(300)
    assert dialogs and it.get(f"loans/{loan['id']}").get_json()["agreement"]["status"] == "awaiting_signature"


def test_an_expired_link_is_refused_in_the_browser(api_as, live, browser, session):
    _, loan = hand_over(api_as)
    agreement = session.scalar(select(Agreement))
    agreement.token_expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    page = browser.new_page(locale="lv-LV")  # a refusal is in the visitor's language (Accept-Language)
    response = page.goto(live + loan["agreement"]["sign_url"].split("fleet.example.lv", 1)[1])
    assert response.status == 410 and page.locator("#refused").is_visible()
    assert "novecojusi" in page.content()
    assert session.scalar(select(Document).where(Document.content_type == "image/png")) is None


def test_at_the_desk_a_signed_in_school_user_s_tablet_records_desk(api_as, live, browser, session):
    from fleet.access import auth
    from tests.factories import UserFactory

    it, loan = hand_over(api_as)
    school = session.get(Agreement, 1).loan.pupil.school
    staff = UserFactory(name="skolas.it", role="school_it", schools=[school])
    auth.set_password(staff, "garā-parole-skolai")
    session.commit()
    page = browser.new_page()
    page.goto(live + "/login")
    page.fill("#username", "skolas.it")
    page.fill("#password", "garā-parole-skolai")
    page.click("#login button[type=submit]")
    page.wait_for_load_state()
    page.goto(live + loan["agreement"]["sign_url"].split("fleet.example.lv", 1)[1])
    page.fill("#signer_name", "Anna Ņikitina")
    draw_signature(page)
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#done")
    assert it.get(f"loans/{loan['id']}").get_json()["agreement"]["method"] == "desk"
