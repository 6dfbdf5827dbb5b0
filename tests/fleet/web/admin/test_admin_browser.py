"""The administration pages in Chromium: each section page passes check_page (axe-core, no sideways
scroll, CSP) on a desktop and a phone, in Latvian and English; a token created in the browser is shown
once (gone on reload), works with the API, and is revoked there."""

from __future__ import annotations

import pytest

from fleet.labelling.printers import PrinterScope, save_printer
from tests.factories import ContractFactory, SchoolFactory, UserFactory, current_session
from tests.pages import check_page

PAGES = ["/admin", "/admin/users", "/admin/users/{user}", "/admin/tokens", "/admin/founders", "/admin/schools",
         "/admin/contracts", "/admin/printers", "/admin/printers/{printer}", "/admin/templates?founder={founder}",
         "/admin/access-log", "/admin/outbox", "/admin/verify"]


def _world() -> dict:
    school = SchoolFactory(name="Baložu vidusskola")
    ContractFactory()
    user = UserFactory(role="school_it", name="baložu-it", schools=[school])
    printer = save_printer(current_session(), {"name": "12. kabineta lāzerprinteris", "offset_x": 0.5,
                                               "school": school.registration_number}, PrinterScope(None))
    current_session().commit()
    return {"user": user.id, "printer": printer.id, "founder": school.founder.code, "school": school}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_every_admin_page_passes_the_checks(app, staff, viewport, lang):
    world = _world()
    first = staff("admin", viewport=viewport, lang=lang)
    for path in PAGES:
        page = first.context.new_page()  # each left open: its screenshot is saved
        page.csp_blocked = first.csp_blocked
        page.on("console", lambda m: first.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(first.base + path.format_map(world))
        assert page.locator("#nav a[aria-current=page]").count() == 1, path
        check_page(page)
    first.close()


@pytest.mark.parametrize(("role", "viewport", "lang"), [("auditor", "phone", "lv"), ("school_it", "phone", "en")])
def test_auditors_and_school_it_see_their_sections(app, staff, role, viewport, lang):
    school = SchoolFactory()
    page = staff(role, school=school if role == "school_it" else None, viewport=viewport, lang=lang)
    page.click("#nav >> text=" + ("Administrēšana" if lang == "lv" else "Administration"))
    sections = page.locator("#sections [data-section]")
    expected = ["web.admin_access_log", "web.admin_verify"] if role == "auditor" else ["web.admin_printers"]
    assert [sections.nth(i).get_attribute("data-section") for i in range(sections.count())] == expected
    check_page(page)
    page.locator("#sections a").first.click()
    check_page(page)


@pytest.mark.parametrize(("viewport", "lang"), [("desktop", "lv"), ("phone", "en")])
def test_a_token_is_created_shown_once_and_revoked(app, staff, viewport, lang):
    UserFactory(role="ministry", name="ministrijas-skripts")
    current_session().commit()
    page = staff("admin", viewport=viewport, lang=lang)
    page.goto(page.base + "/admin/tokens")
    page.select_option("#f-user", "ministrijas-skripts")
    page.fill("#f-name", "pārskats")
    page.keyboard.press("Enter")
    plain = page.locator("#plain-token").input_value()
    assert plain.startswith("flt_") and page.locator("#copy-now").is_visible()
    check_page(page)
    api = app.test_client()
    assert api.get("/api/v1/devices", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    page.reload()  # the token is gone: the address is the list's, no form is posted again
    assert page.url.endswith("/admin/tokens") and page.locator("#plain-token").count() == 0
    assert plain not in page.content()
    row = page.locator("#tokens tr", has_text="pārskats")
    assert row.count() == 1  # one token: reloading created no second one
    row.locator("button").click()
    page.wait_for_selector(".flash")
    assert page.locator("#tokens tr[data-state=revoked]", has_text="pārskats").count() == 1
    check_page(page)
    assert api.get("/api/v1/devices", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
