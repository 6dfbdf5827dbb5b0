"""Staff pages in real Chromium: a member of staff signed in on the served app, at a desktop or a
390 px phone viewport, in Latvian or English; and the checks every page passes — axe-core finds no
serious or critical violation, nothing scrolls sideways, the CSP blocked nothing.

    def test_x(staff):
        page = staff("warehouse", viewport="phone", lang="en")   # signed in, nothing opened yet
        page.goto(page.base + "/devices")
        check_page(page)                                          # axe + no sideways scroll + no CSP report

``staff`` needs the ``browser`` fixture's Chromium and serves the test's ``app`` on a loopback port.
Pages left open are saved as screenshots (tests/conftest.py ``browser``), named after the test.
"""

from __future__ import annotations

import pytest

from fleet.access import auth
from tests.conftest import serving
from tests.factories import UserFactory, current_session

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844},
             "tablet": {"width": 820, "height": 1180}}  # the tablet: the school desk's, where guardians sign
SERIOUS = ("serious", "critical")
PASSWORD = "Skenē-ātri-2026"


@pytest.fixture
def live(app):
    """The test's app served on a loopback port: its base URL."""
    with serving(app) as url:
        yield url


@pytest.fixture
def staff(app, live, browser):
    """``staff(role, school=None, viewport="desktop", lang="lv", user=None)``: a new browser page of a
    member of staff already signed in through the form (at the start page), with
    ``page.base`` the served app's URL and ``page.csp_blocked`` the CSP reports seen so far."""

    def open_page(role: str = "warehouse", school=None, viewport: str = "desktop", lang: str = "lv", user=None):
        user = user or UserFactory(role=role, schools=[school] if school else [])
        auth.set_password(user, PASSWORD)
        current_session().commit()
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="lv-LV" if lang == "lv" else "en-GB")
        context.add_cookies([{"name": "lang", "value": lang, "url": live}])
        page = context.new_page()
        page.base = live
        page.user = user
        page.csp_blocked = []
        page.on("console", lambda m: page.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(live + "/login")  # signed in as a person signs in (the session cookie is __Host- in tests)
        page.fill("#username", user.name)
        page.fill("#password", PASSWORD)
        page.click("#login button[type=submit]")
        page.wait_for_selector("#logout")
        return page

    return open_page


def guardian_phone(browser, base: str, lang: str | None = None):
    """A parent's phone, 390 × 844, no account: a new browser page in ``lang`` when they chose one (else the
    page's own choice), with ``page.csp_blocked`` as ``staff`` pages have it."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], accept_downloads=True,
                                  locale="lv-LV" if lang != "en" else "en-GB")
    if lang:
        context.add_cookies([{"name": "lang", "value": lang, "url": base}])
    page = context.new_page()
    page.base = base
    page.csp_blocked = []
    page.on("console", lambda m: page.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    return page


def draw_signature(page) -> None:
    """A signature drawn in the signing page's box with the mouse (a finger on a phone): a zigzag."""
    page.locator("#pad").scroll_into_view_if_needed()
    box = page.locator("#pad").bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + step * 12, y + (18 if step % 2 else -18))
    page.mouse.up()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (rule: the nodes)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in results.response["violations"] if v.get("impact") in SERIOUS]


def scrolls_sideways(page) -> bool:
    """Whether the page is wider than the viewport (a phone user would have to scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


def check_page(page) -> None:
    """What every page must pass where it stands: no serious axe-core finding, no sideways scrolling,
    nothing the CSP blocked, and ``<html lang>`` saying the page's language."""
    assert serious_violations(page) == []
    assert not scrolls_sideways(page), "the page is wider than the viewport"
    assert page.csp_blocked == []
    assert page.locator("html").get_attribute("lang") in ("lv", "en")
