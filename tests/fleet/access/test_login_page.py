"""The sign-in page in real Chromium (Playwright), against the real slapd: a school IT user from the
directory signs in, sees only their school, writes through the API with the page's CSRF token,
and signs out; the Content-Security-Policy blocks nothing of the app's own."""

from __future__ import annotations

import pytest

from tests.conftest import serving
from tests.directory_server import PASSWORD, SCHOOL_A, SCHOOL_B
from tests.factories import DeviceFactory, SchoolFactory


@pytest.fixture
def live(directory_app):
    with serving(directory_app) as url:
        yield url


def test_school_it_signs_in_in_the_browser_and_sees_only_their_school(live, browser):
    mine = SchoolFactory(registration_number=SCHOOL_A, name="Grobiņas ģimnāzija")
    theirs = SchoolFactory(registration_number=SCHOOL_B, name="Liepājas 5. vidusskola")
    device = DeviceFactory(status="at_school", school=mine)
    DeviceFactory(status="at_school", school=theirs)
    page = browser.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(live + "/")
    assert page.url == live + "/login?next=%2F"  # not signed in yet: the form comes back here
    page.fill("#username", "enikitina")
    page.fill("#password", "nepareiza parole")
    page.click("button[type=submit]")
    assert page.locator("#error").get_attribute("data-code") == "unauthorized"
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#logout")
    assert page.locator("#user").inner_text() == "enikitina"
    assert page.locator("#schools").inner_text() == f"Grobiņas ģimnāzija ({SCHOOL_A})"
    assert page.locator("#total").inner_text() == "1"
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "1216px"  # the stylesheet loaded

    answers = page.evaluate("""async (serial) => {
        const token = document.querySelector('meta[name="csrf-token"]').content;
        const post = (headers) => fetch(`/api/v1/devices/${serial}/actions/note`, {method: 'POST',
            headers: {'Content-Type': 'application/json', ...headers}, body: JSON.stringify({text: 'pārbaudīts'})});
        const list = await (await fetch('/api/v1/devices')).json();
        return [(await post({})).status, (await post({'X-CSRF-Token': token})).status, list.items.map(d => d.serial)];
    }""", device.serial)
    assert answers == [403, 200, [device.serial]]

    page.click("#logout")
    page.wait_for_selector("#login")
    assert page.evaluate("fetch('/api/v1/devices').then(r => r.status)") == 401
    assert blocked == []
