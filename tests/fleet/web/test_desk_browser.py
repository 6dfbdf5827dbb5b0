"""The desk's start page and the agreements roster in Chromium, at a desktop and a phone, in Latvian and
English: axe-core, no sideways scrolling, CSP; the roster's actions by keyboard (tick, open a loan's
actions, the bulk button), the signer-differs flag and a reminder shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from fleet.access.policy import Principal, Scope
from fleet.lending import loans
from fleet.models import FoundReport, utcnow
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory, current_session
from tests.pages import check_page

ADMIN = Scope.of(Principal(0, "factory", "admin"))


def a_school_with_a_class():
    session = current_session()
    school = SchoolFactory(name="Rīgas Purvciema vidusskola")
    made = []
    for i, (given, family) in enumerate([("Ērika", "Ņikitina"), ("Jānis", "Bērziņš"), ("Līga", "Kalniņa"),
                                         ("Ģirts", "Ozoliņš-Vanags"), ("Anna", "Šmite")]):
        pupil = PupilFactory(school=school, grade="7.b" if i < 4 else "10.a", given_name=given, family_name=family,
                             guardian_email=None if i == 3 else f"vecaks{i}@example.lv")
        device = DeviceFactory(status="at_school", school=school)
        made.append(loans.hand_over(session, ADMIN, loans.HandOver(device.serial, pupil.id), "http://fleet.example.lv"))
    PupilFactory(school=school, grade="7.b")  # no laptop yet
    first, second, third = made[0].agreement, made[1].agreement, made[2].agreement
    first.created_at = utcnow() - timedelta(days=12)
    first.reminded_at, first.reminders = utcnow() - timedelta(days=5), 1
    second.status, second.method, second.signed_at = "signed", "link", utcnow()
    second.signer_name, second.signer_is_guardian, second.signer_relationship = "Vera Bērziņa", False, "vecmāmiņa"
    third.status, third.method, third.signed_at, third.signer_name = "signed", "desk", utcnow(), "Ilze Kalniņa"
    lost = DeviceFactory(status="lost", school=school)
    session.add(FoundReport(device_id=lost.id, school_id=school.id, message="Atradu autobusā, zvaniet.",
                            contact="+371 20000000", address="x" * 64))
    session.commit()
    return school, made


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_desk_and_the_roster_pass_the_checks(staff, viewport, lang):
    school, made = a_school_with_a_class()
    page = staff("school_it", school=school, viewport=viewport, lang=lang)
    page.goto(page.base + "/desk")
    expect(page.locator("#classes tbody tr")).to_have_count(2)
    expect(page.locator('tr[data-class="7.b"]')).to_contain_text("5")
    expect(page.locator("#found-reports")).to_contain_text("Atradu autobusā")
    check_page(page)

    roster, page = page, page.context.new_page()  # the desk stays open (its screenshot); the roster in a tab
    page.base, page.csp_blocked = roster.base, []
    page.on("console", lambda m: page.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(page.base + "/desk/agreements")
    expect(page.locator("#roster tbody tr")).to_have_count(5)
    flagged = page.locator(f'tr[data-loan="{made[1].loan.id}"]')
    expect(flagged).to_contain_text("vecmāmiņa")
    expect(page.locator(f'tr[data-loan="{made[0].loan.id}"] .reminded')).to_contain_text(
        "atgādināts" if lang == "lv" else "reminded")
    expect(page.locator("#pick-all")).to_be_visible()  # desk.js ran
    check_page(page)
    if viewport == "desktop":  # by keyboard: a loan's actions open, the row ticked, the bulk button reached
        details = page.locator(f'tr[data-loan="{made[0].loan.id}"] details summary')
        details.focus()
        page.keyboard.press("Enter")
        expect(page.locator(f'tr[data-loan="{made[0].loan.id}"] details')).to_have_attribute("open", "")
        page.locator(f"#pick-{made[0].loan.id}").focus()
        page.keyboard.press("Space")
        expect(page.locator(f"#pick-{made[0].loan.id}")).to_be_checked()
        page.locator("#pick-all").focus()
        page.keyboard.press("Enter")
        for handed in (made[0], made[3], made[4]):
            expect(page.locator(f"#pick-{handed.loan.id}")).to_be_checked()
        check_page(page)
        page.goto(page.base + "/desk/agreements?state=awaiting_signature&class=7.b")
        expect(page.locator("#roster tbody tr")).to_have_count(2)
        check_page(page)


@pytest.mark.parametrize(("viewport", "lang"), [("desktop", "lv"), ("phone", "en")])
def test_new_links_emailed_and_a_paper_scan_in_the_browser(staff, smtp, tmp_path, viewport, lang):
    school, made = a_school_with_a_class()
    page = staff("school_it", school=school, viewport=viewport, lang=lang)
    page.goto(page.base + "/desk/agreements?state=awaiting_signature")
    page.click("#pick-all")
    page.click("#bulk-email")
    expect(page.locator("#sent")).to_be_visible()
    expect(page.locator("#no-address")).to_contain_text("1")  # Ģirts's guardian has no address
    check_page(page)
    assert len(smtp.messages) == 0  # queued, sent by the worker

    paper, page = page, page.context.new_page()
    page.base, page.csp_blocked = paper.base, []
    page.on("console", lambda m: page.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(page.base + f"/desk/agreements/{made[4].loan.id}/paper")
    check_page(page)
    scan = tmp_path / "scan.png"
    from PIL import Image
    Image.new("L", (200, 280), 255).save(scan, format="PNG")
    page.fill("#signer_name", "Anna Šmite")
    page.set_input_files("#file", str(scan))
    page.click("#paper-go")
    expect(page.locator(".flash.ok")).to_contain_text(made[4].agreement.number)
    expect(page.locator(f'tr[data-loan="{made[4].loan.id}"]')).to_have_attribute("data-state", "signed_paper")
    check_page(page)
