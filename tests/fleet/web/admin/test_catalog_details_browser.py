"""The founders' and schools' pages with their new details in Chromium: the lists, a founder and a school
being changed (?edit=), and a refused phone, each passing check_page (axe-core, no sideways scroll, CSP) on a
desktop and a phone, in Latvian and English; a school's details changed by keyboard."""

from __future__ import annotations

import pytest

from tests.factories import FounderFactory, SchoolFactory, current_session
from tests.pages import check_page


def _world():
    founder = FounderFactory(code="RIGA", name="Rīgas valstspilsētas pašvaldība", registration_number="90011524360",
                             address="Rātslaukums 1, Rīga, LV-1050")
    school = SchoolFactory(registration_number="3113900701", name="Rīgas Purvciema vidusskola", founder=founder,
                           address="Dzelzavas iela 90, Rīga, LV-1084", phone="+371 67 000 011")
    current_session().commit()
    return founder, school


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_catalog_pages_with_their_details_pass_the_checks(app, staff, viewport, lang):
    _world()
    first = staff("admin", viewport=viewport, lang=lang)
    for path in ("/admin/founders", "/admin/founders?edit=RIGA", "/admin/schools", "/admin/schools?edit=3113900701"):
        page = first.context.new_page()  # each left open: its screenshot is saved
        page.csp_blocked = first.csp_blocked
        page.goto(first.base + path)
        check_page(page)
    page = first.context.new_page()
    page.csp_blocked = first.csp_blocked
    page.goto(first.base + "/admin/schools?edit=3113900701")
    page.fill("#f-phone", "zvaniet")
    page.click("#catalog-form button[type=submit]")
    assert page.locator("#f-phone[aria-invalid=true]").count() == 1
    check_page(page)
    first.close()


def test_a_school_is_changed_by_keyboard(app, staff):
    _world()
    page = staff("admin", viewport="desktop", lang="lv")
    page.goto(page.base + "/admin/schools")
    page.locator('tr[data-ref="3113900701"] a', has_text="Labot").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**edit=3113900701**")
    page.locator("#f-phone").focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("67000099")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "edit=" not in url)  # saved: the list again
    assert page.locator('tr[data-ref="3113900701"]').inner_text().count("67000099") == 1
    check_page(page)
