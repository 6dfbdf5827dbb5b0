"""The device pages in Chromium: the list and a device's page at a desktop and a phone, in Latvian
and English (axe-core, no sideways scrolling, CSP); a tampered event shown as the chain broken at
that event; a label's URL opening the device page for staff and the finder page for everyone else."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import ContractFactory, DeviceFactory, EventFactory, SchoolFactory
from tests.pages import check_page


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_list_and_a_device_pass_the_checks(staff, viewport, lang):
    school = SchoolFactory(name="Rīgas Purvciema vidusskola")
    contract = ContractFactory(number="IZM-2022/014", funding_source="rrf")
    for _ in range(3):
        DeviceFactory(status="at_school", school=school, contract=contract)
    device = DeviceFactory(status="labelled", contract=contract, model="ThinkPad 11e Yoga Gen 6")
    EventFactory(device=device, text="Kastē trūkst lādētāja")
    page = staff("warehouse", viewport=viewport, lang=lang)
    page.goto(page.base + "/devices")
    expect(page.locator("#devices tbody tr")).to_have_count(4)
    check_page(page)
    listing, page = page, page.context.new_page()  # the list stays open (its screenshot); the device in a tab
    page.base, page.csp_blocked = listing.base, []
    page.on("console", lambda m: page.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(page.base + "/devices")
    page.fill("#q", device.asset_tag)
    page.press("#q", "Enter")  # a scanned tag and Enter: straight to the device
    page.wait_for_url(f"**/devices/{device.asset_tag}")
    assert page.locator("#status").get_attribute("data-status") == "labelled"
    assert page.locator("#verdict").get_attribute("data-verdict") == "intact"
    page.wait_for_function("document.querySelector('#label-image').naturalWidth > 0")  # the label, by the session
    check_page(page)
    if viewport == "desktop" and lang == "lv":
        page.fill("#note-text", "Pārbaudīts noliktavā")
        page.click("#act-note")
        expect(page.locator(".flash.ok")).to_contain_text("piezīme")
        expect(page.locator("#timeline tbody tr").first).to_contain_text("Pārbaudīts noliktavā")
        page.focus("#ship-school")  # the school from a list, by keyboard: its name typed, Tab, Enter
        page.keyboard.type("Rīgas Purv")
        expect(page.locator("#ship-school")).to_have_value(school.registration_number)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "act-ship"
        page.keyboard.press("Enter")
        expect(page.locator(".flash.ok")).to_contain_text("nosūtīt")
        assert page.locator("#status").get_attribute("data-status") == "in_transit"
        expect(page.locator("#school")).to_contain_text("Rīgas Purvciema vidusskola")
        check_page(page)



def test_a_tampered_event_shows_the_chain_broken_at_it(staff, raw):
    from sqlalchemy import text

    device = DeviceFactory(status="labelled")
    with raw.begin() as conn:
        conn.execute(text("UPDATE events SET data = :data WHERE device_id = :device AND seq = 3"),
                     {"data": '{"image": "win11-edu-CHANGED"}', "device": device.id})
    page = staff("admin", lang="en")
    page.goto(f"{page.base}/devices/{device.asset_tag}")
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "broken" and verdict.get_attribute("data-seq") == "3"
    expect(verdict).to_contain_text("broken at event 3")
    expect(page.locator("#timeline tr.broken")).to_have_attribute("data-seq", "3")
    expect(page.locator("#timeline tr.broken")).to_contain_text("win11-edu-CHANGED")
    check_page(page)


def test_a_label_url_opens_the_device_page_for_staff_and_the_finder_page_for_others(staff, browser):
    school = SchoolFactory(name="Grobiņas vidusskola")
    device = DeviceFactory(status="at_school", school=school)
    page = staff("school_it", school=school, viewport="phone")
    page.goto(f"{page.base}/d/{device.asset_tag}")
    page.wait_for_url(f"**/devices/{device.asset_tag}")
    expect(page.locator("#school")).to_contain_text("Grobiņas vidusskola")
    check_page(page)
    anonymous = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    anonymous.goto(f"{page.base}/d/{device.asset_tag}")
    expect(anonymous.locator("#owner")).to_contain_text("Grobiņas vidusskola")
    assert anonymous.locator("#nav").count() == 0 and anonymous.url.endswith(f"/d/{device.asset_tag}")
    elsewhere = staff("school_it", school=SchoolFactory(), viewport="phone")
    elsewhere.goto(f"{page.base}/d/{device.asset_tag}")
    expect(elsewhere.locator("#owner")).to_be_visible()
    assert elsewhere.url.endswith(f"/d/{device.asset_tag}")
