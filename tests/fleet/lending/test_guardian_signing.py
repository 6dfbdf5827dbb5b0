"""The guardian's signing page in real Chromium (Playwright) on a 390 × 844 phone: a guardian signs by link with a
drawn signature (the mouse drawing on the box) and downloads the signed copy from the thank-you page; another
signs with a typed signature using the keyboard alone, after the page announced what was missing; a used and an
expired link are refused plainly. Every page passes ``check_page`` (axe-core, no sideways scrolling, the CSP,
html lang) in Latvian and English. A signed-in school user's tablet records the signature as made at the desk."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fleet.models import Agreement, Document, utcnow
from tests.conftest import serving
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory
from tests.pages import check_page, draw_signature, guardian_phone


@pytest.fixture
def live(app):
    with serving(app) as url:
        yield url


def hand_over(api_as, language="lv", guardian="Anna Ņikitina"):
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    device = DeviceFactory(status="at_school", school=school)
    pupil = PupilFactory(school=school, given_name="Ērika", family_name="Ņikitina", guardian_name=guardian)
    r = it.post("loans", json={"device": device.serial, "pupil": pupil.id, "accessories": ["charger"],
                               "language": language})
    assert r.status_code == 201, r.get_json()
    return it, r.get_json()


def path_of(loan) -> str:
    return loan["agreement"]["sign_url"].split("fleet.example.lv", 1)[1]


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_a_guardian_signs_on_a_phone_with_a_drawn_signature_and_downloads_the_copy(api_as, live, browser, session,
                                                                                   lang):
    it, loan = hand_over(api_as, language=lang)
    page = guardian_phone(browser, live)
    page.goto(live + path_of(loan))
    assert page.locator("html").get_attribute("lang") == lang
    assert "Ērika Ņikitina" in page.content() and page.locator("#guardian-on-record").inner_text() == "Anna Ņikitina"
    assert page.locator("#agreement-text h3").count() == 7  # the agreement's text, read on the page
    check_page(page)
    page.check("#who-guardian")
    assert page.locator("#other-details").is_hidden()
    draw_signature(page)
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#done")
    check_page(page)  # the SHA-256 folded under "details": nothing wider than the phone
    assert page.locator("#sha256").is_hidden()
    page.click("#details summary")
    check_page(page)
    with page.expect_download() as download:
        page.click("#signed-copy")
    signed = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    body = it.get(f"loans/{loan['id']}").get_json()["agreement"]
    assert body["status"] == "signed" and body["method"] == "link"
    original = PdfReader(io.BytesIO(it.get(f"loans/{loan['id']}/agreement.pdf?original=1").data))
    assert len(signed.pages) == len(original.pages) + 1
    assert signed.pages[0].get_contents().get_data() == original.pages[0].get_contents().get_data()  # its QR code
    last = signed.pages[-1]
    assert loan["agreement"]["sha256"] in last.extract_text() and "Anna Ņikitina" in last.extract_text()
    assert any(obj["/Subtype"] == "/Image" for obj in last["/Resources"]["/XObject"].values())  # the drawn signature
    other = "en" if lang == "lv" else "lv"
    page.click(f"#lang-{other}")  # the parent switches language on the thank-you page: it stays, with the download
    page.wait_for_selector("#done")
    assert page.locator("html").get_attribute("lang") == other and page.locator("#signed-copy").is_visible()
    page.goto(live + path_of(loan))
    assert page.locator("#refused").is_visible()  # used up
    check_page(page)


def test_a_guardian_signs_with_a_typed_signature_by_keyboard_alone(api_as, live, browser, session):
    it, loan = hand_over(api_as, language="lv")
    page = guardian_phone(browser, live, lang="en")  # the agreement in Latvian, the parent reads English
    page.goto(live + path_of(loan))
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("#who-guardian").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # (past the other radio button of the group) to "Your signature"
    assert page.evaluate("document.activeElement.id") == "kind-drawn"
    page.keyboard.press("ArrowDown")  # "Type my full name instead"
    assert page.locator("#kind-typed").is_checked() and page.locator("#typed_name").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "typed_name"
    page.keyboard.type("Anna Ņikitina")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "submit"
    page.keyboard.press("Enter")  # without the consent tick: refused, said, and focus on what was said
    page.wait_for_selector("#errors:not([hidden])")  # the server's answer; sign.js then puts the focus on it
    page.wait_for_function("document.activeElement && document.activeElement.id === 'errors'", timeout=5000)
    assert page.locator("#errors").get_attribute("role") == "alert"
    assert "Please tick that you have read the agreement and agree." in page.locator("#errors").inner_text()
    check_page(page)
    assert it.get(f"loans/{loan['id']}").get_json()["agreement"]["status"] == "awaiting_signature"
    page.keyboard.press("Tab")  # the alert's link to the tick
    page.keyboard.press("Enter")
    page.locator("#consent").focus()
    page.keyboard.press("Space")
    assert page.locator("#consent").is_checked() and page.locator("#typed_name").input_value() == "Anna Ņikitina"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#done")
    check_page(page)
    session.commit()
    agreement = session.scalar(select(Agreement))
    assert (agreement.status, agreement.signature_kind, agreement.signer_is_guardian) == ("signed", "typed", True)


def test_without_a_drawn_signature_the_page_says_so_in_its_language(api_as, live, browser, session):
    it, loan = hand_over(api_as, language="en")
    page = guardian_phone(browser, live)
    page.goto(live + path_of(loan))
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.check("#who-guardian")
    page.check("#consent")
    page.click("#submit")  # nothing drawn: the page asks for it and does not send
    page.wait_for_selector("#errors:not([hidden])")
    assert dialogs == [] and page.evaluate("document.activeElement.id") == "errors"
    assert "Please sign in the box with a finger or the mouse" in page.locator("#errors").inner_text()
    assert it.get(f"loans/{loan['id']}").get_json()["agreement"]["status"] == "awaiting_signature"


def test_someone_else_signs_on_the_phone(api_as, live, browser, session):
    it, loan = hand_over(api_as)
    page = guardian_phone(browser, live)
    page.goto(live + path_of(loan))
    page.check("#who-other")
    assert page.locator("#signer_name").is_visible()
    page.fill("#signer_name", "Mārtiņš Ozols")
    page.click("#submit")  # nothing drawn: the page itself asks for the signature first
    page.wait_for_selector("#errors:not([hidden])")
    draw_signature(page)
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#errors:not([hidden])")
    assert "Lūdzu, ierakstiet, kas jūs esat izglītojamajam" in page.locator("#errors").inner_text()
    check_page(page)
    page.fill("#relationship", "vectēvs")
    draw_signature(page)  # drawn again: a picture is not sent back to the page
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#done")
    body = it.get(f"loans/{loan['id']}").get_json()["agreement"]
    assert body["status"] == "signed"
    session.commit()
    agreement = session.scalar(select(Agreement))
    assert (agreement.signer_name, agreement.signer_is_guardian, agreement.signer_relationship) == (
        "Mārtiņš Ozols", False, "vectēvs")


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_an_expired_link_is_refused_in_the_visitor_s_language(api_as, live, browser, session, lang):
    _, loan = hand_over(api_as)
    agreement = session.scalar(select(Agreement))
    agreement.token_expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    page = guardian_phone(browser, live, lang=lang)
    response = page.goto(live + path_of(loan))
    assert response.status == 410 and page.locator("#refused").is_visible()
    assert ("novecojusi" if lang == "lv" else "expired") in page.content()
    check_page(page)
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
    page.goto(live + path_of(loan))
    page.check("#who-other")
    page.fill("#signer_name", "Anna Ņikitina")
    draw_signature(page)
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#done")
    agreement = it.get(f"loans/{loan['id']}").get_json()["agreement"]
    assert agreement["method"] == "desk"
