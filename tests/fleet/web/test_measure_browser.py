"""The speed test (/connectivity/measure) in Chromium against the served app on loopback, and through a 2 Mbit/s
line (``tests.throttle``: a proxy in front of the same app; cookies are the host's, not the port's, so the
session works through it):

- a school measured on cable through the app directly and on Wi-Fi through the slow line: both recorded, Wi-Fi
  much slower → the connectivity report diagnoses ``inside_network``;
- another school measured only through the slow line (signed in, and from a laptop's measurement link without
  sign-in) with a 100/30 Mbit/s contract → ``uplink``;
- the page by keyboard, its required choice, the laptop link, and the checks (axe-core, 390 px, CSP) at a desktop
  and a phone in Latvian and English. Screenshots are saved for people to look at (tests.conftest)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from fleet.connectivity import keys
from fleet.models import Measurement, SurveyAnswer, SurveyRound
from tests.factories import DeviceFactory, SchoolFactory, UserFactory, current_session
from tests.fleet.connectivity.answers import answers
from tests.pages import VIEWPORTS, check_page
from tests.throttle import Throttle

MBPS = 2.0  # the slow line
DONE = 90_000  # ms a measurement may take in a slow test machine


def contracted(*schools) -> None:
    """A round open now, and each school's submitted answers: a primary school of 300 pupils on a 100/30 line."""
    session = current_session()
    survey_round = SurveyRound(code="2026", title="Aptauja 2026", opens_on=date(2026, 1, 1), deadline=date(2099, 1, 1))
    session.add(survey_round)
    session.flush()
    for school in schools:
        session.add(SurveyAnswer(round_id=survey_round.id, school_id=school.id, version=1, status="submitted",
                                 answers=answers(contracted_down_mbps=100, contracted_up_mbps=30, pupils=300,
                                                 school_level="primary", peak_devices=250),
                                 source="form", saved_by="test"))
    session.commit()


def run(page, base: str, link: str, query: str = "") -> None:
    """Open the page at ``base``, choose the link, start, and wait until the measurement is recorded."""
    page.goto(f"{base}/connectivity/measure{query}")
    page.check(f"#link-{link}")
    page.click("#start")
    expect(page.locator("#measure")).to_have_attribute("data-state", "recorded", timeout=DONE)
    expect(page.locator("#results")).to_be_visible()
    expect(page.locator("#phase-upload")).to_have_attribute("data-state", "done")


def measured(school) -> dict[str, list[Measurement]]:
    session = current_session()
    session.commit()
    rows = session.scalars(select(Measurement).where(Measurement.school_id == school.id)).all()
    return {link: [m for m in rows if m.link == link] for link in ("cable", "wifi")}


def diagnosis(api, school) -> str:
    r = api.get("reports/connectivity?round=2026&lang=en")
    assert r.status_code == 200, r.get_data(as_text=True)
    return next(i for i in r.get_json()["items"] if i["school"] == school.name)["diagnosis"]


def test_fast_cable_and_slow_wifi_is_the_inside_network(staff, live, api):
    school = SchoolFactory()
    laptop = DeviceFactory(status="at_school", school=school)
    contracted(school)
    page = staff("school_it", school=school)
    run(page, live, "cable")
    expect(page.locator("#recorded")).not_to_be_empty()
    with Throttle(live, MBPS) as slow:
        run(page, slow.url, "wifi", f"?tag={laptop.asset_tag}")
    links = measured(school)
    (cable,), (wifi,) = links["cable"], links["wifi"]
    assert (cable.source, wifi.source, wifi.device_id, cable.device_id) == ("browser", "browser", laptop.id, None)
    assert wifi.download_mbps <= MBPS * 1.25 and wifi.upload_mbps <= MBPS * 1.25  # the line's cap
    assert wifi.download_mbps < 0.5 * cable.download_mbps  # much slower: what the diagnosis reads
    assert cable.download_mbps >= 80 and cable.upload_mbps >= 24  # 80% of the contract: the provider delivers
    assert diagnosis(api, school) == "inside_network"


def test_slow_everywhere_is_the_uplink(staff, live, api, browser, app):
    school = SchoolFactory()
    contracted(school)
    with app.app_context():
        key, _ = keys.issue(school.id, 1)
    with Throttle(live, MBPS) as slow:
        page = staff("school_it", school=school)
        run(page, slow.url, "cable")
        run(page, slow.url, "wifi")
        laptop = browser.new_context(viewport=VIEWPORTS["phone"]).new_page()  # a laptop with the link, no sign-in
        laptop.csp_blocked = []
        run(laptop, slow.url, "wifi", f"?key={key}")
        expect(laptop.locator("#school-fixed")).to_contain_text(school.name)
        expect(laptop.locator("#nav")).to_have_count(0)
    links = measured(school)
    assert [len(links["cable"]), len(links["wifi"])] == [1, 2]
    assert all(m.download_mbps <= MBPS * 1.25 for ms in links.values() for m in ms)
    assert sorted(m.recorded_by for m in links["wifi"])[0] == "key"
    assert diagnosis(api, school) == "uplink"


def test_the_page_asks_wifi_or_cable_and_works_by_keyboard(staff, live):
    school, other = SchoolFactory(), SchoolFactory()
    page = staff(user=UserFactory(role="school_it", schools=[school, other]))
    page.goto(live + "/connectivity/measure")
    expect(page.locator("#scope-note")).to_be_visible()
    assert page.locator("input[name=link]:checked").count() == 0  # nothing preselected
    page.focus("#start")
    page.keyboard.press("Enter")
    expect(page.locator("#form-error")).to_be_visible()
    page.select_option("#school", other.registration_number)
    page.focus("#link-cable")
    page.keyboard.press("Space")
    page.fill("#tag", "DIB-000123-8")  # no laptop of this school: the measurement is made, not recorded
    page.focus("#start")
    page.keyboard.press("Enter")
    expect(page.locator("#measure")).to_have_attribute("data-state", "unrecorded", timeout=DONE)
    expect(page.locator("#recorded")).to_contain_text("DIB-000123-8")
    assert measured(other)["cable"] == []
    page.fill("#tag", "")  # corrected: left out
    page.focus("#record-again")
    page.keyboard.press("Enter")
    expect(page.locator("#measure")).to_have_attribute("data-state", "recorded")
    assert [m.link for m in measured(other)["cable"]] == ["cable"]
    page.fill("#link-days", "3")
    page.click("#make-link")
    expect(page.locator("#link-url")).to_have_value(re.compile(r"^https://fleet\.example\.lv/connectivity/measure\?key="))
    check_page(page)


def test_an_expired_or_forged_link_says_so(browser, live, app):
    school = SchoolFactory()
    with app.app_context():
        expired, _ = keys.issue(school.id, 1, now=0)
    page = browser.new_context(viewport=VIEWPORTS["phone"]).new_page()
    page.csp_blocked = []
    page.on("console", lambda m: page.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    r = page.goto(f"{live}/connectivity/measure?key={expired}")
    assert r.status == 410
    expect(page.locator("#refusal")).to_have_attribute("data-code", "gone")
    expect(page.locator("#start")).to_have_count(0)
    r = page.goto(f"{live}/connectivity/measure?key=forged")
    assert r.status == 401
    check_page(page)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_page_passes_the_checks(staff, app, viewport, lang):
    school = SchoolFactory()
    laptop = DeviceFactory(status="at_school", school=school)
    page = staff("school_it", school=school, viewport=viewport, lang=lang)
    page.goto(page.base + f"/connectivity/measure?tag={laptop.asset_tag}")
    expect(page.locator("#tag")).to_have_value(laptop.asset_tag)
    check_page(page)
    page.check("#link-wifi")
    page.click("#start")
    expect(page.locator("#measure")).to_have_attribute("data-state", "recorded", timeout=DONE)
    page.click("#make-link")
    expect(page.locator("#link-url")).not_to_have_value("")
    check_page(page)
    with app.app_context():
        key, _ = keys.issue(school.id, 1)
    laptop = page.context.browser.new_context(viewport=VIEWPORTS[viewport],
                                              locale="lv-LV" if lang == "lv" else "en-GB").new_page()
    laptop.context.add_cookies([{"name": "lang", "value": lang, "url": page.base}])
    laptop.csp_blocked = []
    laptop.goto(f"{page.base}/connectivity/measure?key={key}")
    expect(laptop.locator("#school-fixed")).to_contain_text(school.name)
    expect(laptop.locator("#laptop-link")).to_have_count(0)
    check_page(laptop)
