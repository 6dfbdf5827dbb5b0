"""The finder's page in Chromium on a phone, in Latvian and English: a laptop reported lost, the notice,
the school's address and phone, the "I found it" form sent and thanked for (axe-core, no sideways
scrolling, CSP, html lang)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import DeviceFactory, FounderFactory, SchoolFactory
from tests.pages import VIEWPORTS, check_page


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_a_finder_on_a_phone_tells_the_school(browser, live, lang):
    riga = FounderFactory(name="Rīgas valstspilsētas pašvaldība")
    school = SchoolFactory(name="Rīgas Purvciema vidusskola", founder=riga,
                           address="Dzelzavas iela 90, Rīga, LV-1084", phone="+371 67 000 011")
    device = DeviceFactory(status="lost", school=school)
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="lv-LV" if lang == "lv" else "en-GB")
    context.add_cookies([{"name": "lang", "value": lang, "url": live}])
    page = context.new_page()
    page.csp_blocked = []
    page.on("console", lambda m: page.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live}/d/{device.asset_tag}")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator("#lost")).to_contain_text("pazaudēts" if lang == "lv" else "reported lost")
    expect(page.locator("#owner-text")).to_contain_text(
        "pieder Rīgas valstspilsētas pašvaldībai" if lang == "lv" else "belongs to Rīgas valstspilsētas pašvaldība")
    expect(page.locator("#school-phone a")).to_have_attribute("href", "tel:+37167000011")
    check_page(page)
    first, page = page, context.new_page()  # the page as the finder first sees it stays open (its screenshot)
    page.csp_blocked = []
    page.on("console", lambda m: page.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(first.url)
    page.click("#found-send")  # nothing written: refused, with its code
    expect(page.locator("#refusal")).to_have_attribute("data-code", "invalid_input")
    check_page(page)
    page.fill("#message", "Atradu to autobusa pieturā pie skolas. / Found it at the bus stop.")
    page.fill("#contact", "+371 29 000 000")
    page.click("#found-send")
    expect(page.locator("#thanks")).to_be_visible()
    expect(page.locator("#found-form")).to_have_count(0)  # sent once: no second form to send it again
    check_page(page)
