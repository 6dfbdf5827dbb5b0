"""The desk's "next pupil" flow in real Chromium on an 820 × 1180 tablet: the school IT person opens it for a class,
and the parents sign one after another — drawn, typed, skipped (the parent is not here) — each pupil's agreement
alone on the screen without the staff bar, "pass the tablet to the next parent" between them, and back to the
roster at the end. Every page passes ``check_page`` in Latvian and English (and the form on a phone)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fleet.access.policy import Principal, Scope
from fleet.lending import loans
from fleet.models import Agreement, Loan
from tests.conftest import SCREENSHOTS
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory
from tests.pages import VIEWPORTS, check_page, draw_signature

EVERYONE = Scope.of(Principal(0, "factory", "admin"))
TABLET = VIEWPORTS["tablet"]
CLASS = [("Zariņa", "Līga", "Ilze Zariņa"), ("Bērziņš", "Jānis", "Pēteris Bērziņš"),
         ("Čakste", "Anna", "Marta Čakste"), ("Ābele", "Ģirts", "Inese Ābele")]


def a_class(session):
    school = SchoolFactory()
    lent = {}
    for family, given, guardian in CLASS:
        pupil = PupilFactory(school=school, grade="7.b", family_name=family, given_name=given, guardian_name=guardian)
        device = DeviceFactory(status="at_school", school=school)
        lent[given] = loans.hand_over(session, EVERYONE, loans.HandOver(device.serial, pupil.id, ["charger"]),
                                      "http://fleet.example.lv").loan.id
    session.commit()
    return school, lent


def shot(page, name: str) -> None:
    """The page as the person at the tablet sees it, kept beside the suite's screenshots (between two pages)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"fleet_web_test_desk_signing_browser_{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_three_parents_sign_at_the_tablet_one_after_another_with_a_skip(staff, session, lang):
    school, lent = a_class(session)
    page = staff("school_it", school=school, lang=lang)
    page.set_viewport_size(TABLET)
    page.goto(page.base + f"/desk/sign?school={school.registration_number}&class=7.b")
    # 1. Ģirts Ābele (register order): drawn
    assert page.locator("#pupil-name").inner_text() == "Ģirts Ābele"
    assert page.locator("header.bar").count() == 0 and page.locator("#stop").is_visible()  # no staff bar
    assert page.locator("#agreement-text h3").count() == 7
    check_page(page)
    page.check("#who-guardian")
    draw_signature(page)
    page.check("#consent")
    shot(page, f"form_{lang}")
    page.click("#submit")
    page.wait_for_selector("#done")
    assert page.locator("#next-pupil").inner_text() == "Jānis Bērziņš"
    check_page(page)
    shot(page, f"next_{lang}")
    page.click("#next")
    # 2. Jānis Bērziņš: the parent is not here
    assert page.locator("#pupil-name").inner_text() == "Jānis Bērziņš"
    page.click("#skip")
    # 3. Anna Čakste: the grandfather signs, typing his name
    assert page.locator("#pupil-name").inner_text() == "Anna Čakste"
    page.check("#who-other")
    page.fill("#signer_name", "Kārlis Čakste")
    page.fill("#relationship", "vectēvs" if lang == "lv" else "grandfather")
    page.check("#kind-typed")
    page.fill("#typed_name", "Kārlis Čakste")
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#done")
    assert page.locator("#next-pupil").inner_text() == "Līga Zariņa"
    page.click("#next")
    # 4. Līga Zariņa: drawn, after the page asked for the missing tick
    page.check("#who-guardian")
    draw_signature(page)
    page.click("#submit")
    page.wait_for_selector("#errors:not([hidden])")  # the server's answer; sign.js then puts the focus on it
    page.wait_for_function("document.activeElement && document.activeElement.id === 'errors'", timeout=5000)
    check_page(page)
    page.check("#who-guardian")
    draw_signature(page)
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#none-left")
    check_page(page)
    page.click("#finish")  # back to the roster (or the desk) with a word of the sitting
    page.wait_for_load_state()
    assert ("3 signed, 1 skipped" if lang == "en" else "Parakstīti: 3, izlaisti: 1") in page.content()
    session.commit()
    rows = dict(session.execute(select(Loan.id, Agreement.method).join(Agreement, Agreement.loan_id == Loan.id)).all())
    assert rows == {lent["Ģirts"]: "desk", lent["Jānis"]: None, lent["Anna"]: "desk", lent["Līga"]: "desk"}
    anna = session.scalar(select(Agreement).where(Agreement.loan_id == lent["Anna"]))
    assert (anna.signer_is_guardian, anna.signature_kind) == (False, "typed")


def test_the_desk_form_on_a_phone_too(staff, session):
    school, lent = a_class(session)
    page = staff("school_it", school=school, viewport="phone", lang="en")
    page.goto(page.base + f"/desk/sign/{lent['Līga']}?school={school.registration_number}&class=7.b")
    check_page(page)
    page.check("#who-other")
    page.click("#submit")
    page.wait_for_selector("#errors:not([hidden])")
    check_page(page)
