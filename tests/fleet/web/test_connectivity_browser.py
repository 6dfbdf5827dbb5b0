"""The connectivity survey's pages in Chromium: school IT fills in the questionnaire by keyboard only — at a 390 px
phone in Latvian and at a desktop in English — tabbing from the start page through every question, submits, sees
the refused answers summarised at the top, follows a link to the field, fixes it and submits; and every page of
the survey passes axe-core without sideways scrolling (the overview, the read-only answers, the history, the
import with a refused file, the settings with a refused value)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from fleet.models import SurveyRound
from tests.factories import DeviceFactory, FounderFactory, SchoolFactory, current_session
from tests.pages import check_page


@pytest.fixture
def round_(session):
    made = SurveyRound(code="2024", title="Aptauja 2024", opens_on=date(2024, 1, 8), deadline=date(2099, 6, 30))
    session.add(made)
    session.commit()
    return made


def active(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def tab_to(page, element_id: str, most: int = 80) -> None:
    """Tab (only the keyboard) until ``element_id`` has the focus."""
    for _ in range(most):
        if active(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} never took the focus (at #{active(page)})")


def answer_by_keyboard(page) -> None:
    """Every question in the form's order, by keys alone: type a number or text, arrows in a select, space or arrows
    on radios; two answers left wrong on purpose (more classrooms covered than classrooms; no pupils)."""
    tab_to(page, "f-uplink_technology")
    steps = [
        ("f-uplink_technology", ["ArrowDown"]),  # fibre
        ("f-provider", "Tet"), ("f-contracted_down_mbps", "300"), ("f-contracted_up_mbps", "100"),
        ("f-monthly_cost_eur", "85.5"),
        ("f-backup_line", ["Space"]),  # yes
        ("f-backup_technology", ["ArrowDown"] * 5),  # mobile
        ("f-outages_last_year", "2"), ("f-switches", "6"),
        ("f-switch_uplink_mbps", ["ArrowDown"]),  # 1 Gbit/s
        ("f-access_points", "24"),
        ("f-wifi_standard", ["ArrowDown"] * 3),  # Wi-Fi 6
        ("f-classrooms", "30"), ("f-classrooms_covered", "40"), ("f-cabling_year", "2015"),
        ("f-maintained_by", ["Space"]),  # the school's own staff
        ("f-school_level", ["ArrowDown"]),  # secondary
        ("f-pupils", ""), ("f-staff", "55"), ("f-peak_devices", "350"),
        ("f-problems", "Wi-Fi drops in the gym"),
    ]
    for element_id, keys in steps:
        assert active(page) == element_id, (element_id, active(page))
        if isinstance(keys, str):
            page.keyboard.type(keys)
        else:
            for key in keys:
                page.keyboard.press(key)
        page.keyboard.press("Tab")


@pytest.mark.parametrize(("viewport", "lang"), [("phone", "lv"), ("desktop", "en")])
def test_school_it_fills_in_the_survey_by_keyboard(staff, round_, viewport, lang):
    school = SchoolFactory(name="Liepājas Raiņa 6. vidusskola")
    for _ in range(3):
        DeviceFactory(status="at_school", school=school)
    page = staff("school_it", school=school, viewport=viewport, lang=lang)
    page.goto(page.base + "/connectivity")
    check_page(page)
    tab_to(page, "fill-in")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/connectivity/2024/{school.registration_number}")
    expect(page.locator("#known-laptops")).to_contain_text("3")
    check_page(page)

    answer_by_keyboard(page)
    assert active(page) == "save-draft"
    page.keyboard.press("Tab")
    assert active(page) == "submit"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    links = summary.locator("a")
    expect(links).to_have_count(2)
    assert [links.nth(i).get_attribute("href") for i in range(2)] == ["#f-classrooms_covered", "#f-pupils"]
    expect(page.locator("#f-classrooms_covered")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-classrooms_covered")).to_have_value("40")  # what was typed is kept
    expect(page.locator("#f-provider")).to_have_value("Tet")
    expect(page.locator("#e-pupils")).to_be_visible()
    check_page(page)

    page.keyboard.press("Tab")  # the summary's first link
    page.keyboard.press("Enter")
    assert active(page) == "f-classrooms_covered"
    page.keyboard.press("Control+A")
    page.keyboard.type("28")
    tab_to(page, "f-pupils")
    page.keyboard.type("420")
    tab_to(page, "submit")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#answer-state")).to_have_attribute("data-status", "submitted")
    expect(page.locator("#error-summary")).to_have_count(0)
    expect(page.locator(".flash.ok")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    check_page(page)


def test_every_survey_page_passes_the_checks(staff, round_, tmp_path):
    founder = FounderFactory(name="Dienvidkurzemes novada pašvaldība")
    school = SchoolFactory(name="Grobiņas ģimnāzija", founder=founder)
    SchoolFactory(name="Nīcas vidusskola", founder=founder)
    SchoolFactory(name="Rīgas 64. vidusskola")
    it = staff("school_it", school=school, viewport="phone", lang="en")
    it.goto(it.base + f"/connectivity/2024/{school.registration_number}")
    it.fill("#f-pupils", "420")
    it.fill("#f-provider", "Tet")
    it.click("#save-draft")
    expect(it.locator("#answer-state")).to_have_attribute("data-status", "draft")
    it.fill("#f-pupils", "380")
    it.click("#save-draft")
    it.click("#history-link")
    expect(it.locator(".version")).to_have_count(2)
    check_page(it)

    empty = staff("school_it", school=school, viewport="phone", lang="en")
    empty.goto(empty.base + f"/connectivity/2024/{school.registration_number}")
    empty.fill("#f-pupils", "")
    empty.click("#submit")
    expect(empty.locator("#error-summary a")).to_have_count(18)  # every required question but the provider
    check_page(empty)

    ministry = staff("ministry", viewport="desktop", lang="en")
    ministry.goto(ministry.base + "/connectivity")
    expect(ministry.locator("#schools tbody tr")).to_have_count(3)
    check_page(ministry)
    ministry.select_option("#pick-founder", founder.code)
    ministry.click("#pick-founder-go")
    expect(ministry.locator("#schools tbody tr")).to_have_count(2)
    check_page(ministry)

    reader = staff("ministry", viewport="phone", lang="lv")
    reader.goto(reader.base + f"/connectivity/2024/{school.registration_number}")
    expect(reader.locator("#survey-form")).to_have_count(0)
    expect(reader.locator("#a-pupils")).to_contain_text("380")
    check_page(reader)

    settings = staff("ministry", viewport="phone", lang="en")
    settings.goto(settings.base + "/connectivity/settings")
    check_page(settings)
    settings.fill("#price_switch", "-5")
    settings.click("#save-prices")
    expect(settings.locator("#e-prices-price_switch")).to_be_visible()
    check_page(settings)

    manager = staff("founder_manager", viewport="phone", lang="en",
                    user=_manager_of(founder))
    manager.goto(manager.base + "/connectivity/2024/import")
    check_page(manager)
    bad = tmp_path / "novads.csv"
    bad.write_text(f"school;pupils\n{school.registration_number};daudz\n9999999999;5\n")
    manager.set_input_files("#file", str(bad))
    manager.click("#import-go")
    expect(manager.locator("#refusal")).to_have_attribute("data-code", "invalid_input")
    expect(manager.locator("#refusal-lines li").first).to_be_visible()
    check_page(manager)


def _manager_of(founder):
    from tests.factories import UserFactory

    user = UserFactory(role="founder_manager", schools=[], founders=[founder])
    current_session().commit()
    return user
