"""The desk's return page in Chromium, as school IT with a queue of pupils uses it: scan a laptop (typed
at a scanner's speed, then Enter), see whose it is, untick the missing charger, take it back, open the
return act and read it back; then the next laptop scanned straight away. The page in Latvian and English
on a desktop and a phone (axe-core, no sideways scrolling, the CSP)."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from fleet.access.policy import Principal, Scope
from fleet.lending import loans
from fleet.models import Loan
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory, current_session
from tests.fleet.web.test_station import SLOW, scan
from tests.pages import check_page


def lend(school, language="lv", **pupil) -> loans.Handed:
    session = current_session()
    pupil = PupilFactory(school=school, grade="9.a", **pupil)
    device = DeviceFactory(status="at_school", school=school)
    everyone = Scope.of(Principal(0, "factory", "admin"))
    handed = loans.hand_over(session, everyone, loans.HandOver(device.serial, pupil.id, ["charger", "bag"], language),
                             "https://fleet.example.lv")
    session.commit()
    return handed


def test_a_return_with_a_missing_charger_then_its_act(staff):
    school = SchoolFactory(name="Ķekavas vidusskola")
    first = lend(school, given_name="Līga", family_name="Kalniņa")
    second = lend(school, language="en", given_name="Anna", family_name="Ozola")
    page = staff("school_it", school=school)
    page.goto(page.base + "/desk/return")
    field = page.locator("#return-code")
    expect(field).to_be_focused()
    scan(page, first.loan.device.asset_tag)
    expect(page.locator("#pupil-name")).to_have_text("Līga Kalniņa", timeout=SLOW)
    expect(page.locator("#pupil-class")).to_have_text("9.a")
    expect(page.locator("#agreement-number")).to_contain_text(first.agreement.number)
    expect(page.locator("#lent-with")).to_have_text("lādētājs, soma")
    expect(page.locator("#accessory-charger")).to_be_checked()
    expect(page.locator("#condition-good")).to_be_checked()
    page.get_by_label("lādētājs").uncheck()
    page.get_by_label("nolietots").check()
    page.locator("#return-notes").fill("Lādētājs palicis mājās, atnesīs rīt.")
    check_page(page)
    page.locator("#return-commit").click()

    expect(page.locator("#returned-missing")).to_have_text("lādētājs", timeout=SLOW)
    expect(page.locator("#returned-condition")).to_have_text("nolietots")
    act = page.request.get(page.base + page.locator("#return-act").get_attribute("href"))
    assert act.ok and act.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(act.body())).pages)
    for expected in ("Ierīces atgriešanas akts", f"līguma Nr. {first.agreement.number}", "Līga Kalniņa",
                     "Stāvoklis\nnolietots", "Atdoti piederumi\nsoma", "Trūkst piederumu\nlādētājs",
                     "Lādētājs palicis mājās"):
        assert expected in text, expected
    check_page(page)

    expect(field).to_be_focused()  # the next pupil's laptop at once
    scan(page, second.loan.device.serial)
    expect(page.locator("#pupil-name")).to_have_text("Anna Ozola", timeout=SLOW)
    page.locator("#return-commit").click()  # everything back, good
    expect(page.locator("#returned-missing")).to_have_text("nav", timeout=SLOW)
    act = page.request.get(page.base + page.locator("#return-act").get_attribute("href"))
    english = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(act.body())).pages)
    assert "Device return act" in english and "Accessories missing\nnone" in english  # the loan's language

    session = current_session()
    session.commit()
    session.expire_all()  # the served app changed them
    loan = session.get(Loan, first.loan.id)
    assert (loan.status, loan.return_condition, loan.accessories_missing) == ("returned", "worn", ["charger"])


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_return_page_in_both_languages_and_viewports(staff, lang, viewport):
    school = SchoolFactory(name="Ādažu Brīvā Valdorfa pamatskola un vidusskola")
    handed = lend(school, given_name="Kristiāna Elizabete", family_name="Vanaga-Bērziņa")
    page = staff("school_it", school=school, viewport=viewport, lang=lang)
    page.goto(page.base + "/desk/return")
    check_page(page)
    scan(page, "NO-SUCH-LAPTOP")
    expect(page.locator("#refusal")).to_have_attribute("data-code", "not_found", timeout=SLOW)
    check_page(page)
    page.locator("#return-code").fill(handed.loan.device.serial)
    page.keyboard.press("Enter")
    expect(page.locator("#return-form")).to_be_visible(timeout=SLOW)
    check_page(page)
    page.get_by_label(re.compile("bojāts|damaged")).check()
    page.locator("#return-commit").click()
    expect(page.locator("#returned-status")).to_contain_text("remont" if lang == "lv" else "repair", timeout=SLOW)
    check_page(page)
