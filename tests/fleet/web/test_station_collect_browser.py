"""The end-of-year collection in Chromium: the scan station's collect mode for class 7.b, its laptops typed
at a scanner's speed (then Enter) one after another, one with an exception set before its scan (worn,
the bag missing) that resets after it, a laptop scanned twice answered "already", another class's and
another school's refused in words, and the running count ("3 no 4 atpakaļ"). The page in Latvian and
English on a desktop and a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fleet.access.policy import Principal, Scope
from fleet.lending import loans
from fleet.models import Event, Loan
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory, current_session
from tests.fleet.web.test_station import SLOW, row, scan
from tests.pages import check_page


def lend(school, grade="7.b", **pupil) -> loans.Handed:
    session = current_session()
    pupil = PupilFactory(school=school, grade=grade, **pupil)
    device = DeviceFactory(status="at_school", school=school)
    everyone = Scope.of(Principal(0, "factory", "admin"))
    handed = loans.hand_over(session, everyone, loans.HandOver(device.serial, pupil.id, ["charger", "bag"]),
                             "https://fleet.example.lv")
    session.commit()
    return handed


def test_a_class_collected_by_scanning_with_one_exception(staff):
    school = SchoolFactory()
    class_7b = [lend(school) for _ in range(4)]
    other_class = lend(school, grade="7.a")
    elsewhere = lend(SchoolFactory())
    page = staff("school_it", school=school)
    page.goto(page.base + f"/station?mode=collect&school={school.registration_number}&class=7.b")
    count = page.locator('#scan-counts [data-count="back"]')
    expect(count).to_have_text("0 no 4 atpakaļ")
    field = page.locator("#scan-code")
    expect(field).to_be_focused()

    tags = [h.loan.device.asset_tag for h in class_7b]
    scan(page, tags[0])
    expect(row(page, tags[0])).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    expect(count).to_have_text("1 no 4 atpakaļ", timeout=SLOW)

    page.get_by_label("nolietots").check()  # the exception, set before this laptop's scan
    page.get_by_label("soma").check()
    expect(page.locator("#exception-state")).to_have_text("nolietots · trūkst: soma")
    expect(field).to_be_focused()  # a click on a box gives the scan field its focus back
    scan(page, tags[1])
    expect(row(page, tags[1])).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    expect(row(page, tags[1]).locator(".detail")).to_contain_text("nolietots · trūkst: soma")
    expect(page.locator("#exception-good")).to_be_checked()  # reset for the next one
    expect(page.locator("#exception-missing-bag")).not_to_be_checked()

    scan(page, tags[2])
    expect(row(page, tags[2])).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    expect(row(page, tags[2]).locator(".detail")).to_contain_text("labs")
    page.wait_for_timeout(1100)  # more than a second later: the same laptop scanned again
    scan(page, tags[0])
    expect(row(page, tags[0])).to_have_attribute("data-outcome", "already", timeout=SLOW)
    scan(page, other_class.loan.device.asset_tag)
    expect(row(page, other_class.loan.device.asset_tag)).to_have_attribute("data-outcome", "conflict", timeout=SLOW)
    expect(row(page, other_class.loan.device.asset_tag).locator(".reason")).to_contain_text("7.a")
    scan(page, elsewhere.loan.device.serial)
    expect(row(page, elsewhere.loan.device.serial)).to_have_attribute("data-outcome", "not_found", timeout=SLOW)
    expect(count).to_have_text("3 no 4 atpakaļ", timeout=SLOW)
    check_page(page)

    session = current_session()
    session.commit()
    session.expire_all()  # the served app changed them
    back = [session.get(Loan, h.loan.id) for h in class_7b]
    assert [(x.status, x.return_condition, x.accessories_missing) for x in back] == [
        ("returned", "good", []), ("returned", "worn", ["bag"]), ("returned", "good", []), ("active", None, None)]
    returns_of_first = session.query(Event).filter_by(device_id=class_7b[0].loan.device_id, action="return").count()
    assert returns_of_first == 1 and session.get(Loan, other_class.loan.id).status == "active"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_collect_mode_in_both_languages_and_viewports(staff, lang, viewport):
    school = SchoolFactory(name="Rīgas Valsts 1. ģimnāzija")
    handed = [lend(school, grade="12.c") for _ in range(2)]
    page = staff("school_it", school=school, viewport=viewport, lang=lang)
    page.goto(page.base + "/station?mode=collect")
    check_page(page)  # not ready: the class to choose
    page.locator("#param-class").fill("12.c")
    page.locator("#mode-apply").click()
    count = page.locator('#scan-counts [data-count="back"]')
    expect(count).to_have_text("0 no 2 atpakaļ" if lang == "lv" else "0 of 2 back", timeout=SLOW)
    page.get_by_label("bojāts" if lang == "lv" else "damaged").check()
    expect(page.locator("#scan-code")).to_be_focused()  # the box hands the focus back: then the scanner types
    scan(page, handed[0].loan.device.serial)
    expect(count).to_have_text("1 no 2 atpakaļ" if lang == "lv" else "1 of 2 back", timeout=SLOW)
    check_page(page)
