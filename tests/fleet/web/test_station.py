"""The scan station in Chromium, as a warehouse worker uses it: codes typed at a keyboard-wedge scanner's
speed (10 ms a character, then Enter), each answered by a row at the top of the log; a refusal's red row
with the reason; a double scan's grey row; a bounce ignored; the offline queue (the server stopped
mid-run, the scans kept and sent when it is back, each applied exactly once); the modes in Latvian and
English on a desktop and a phone; the mode form's URL; and the scans waiting counted in each language's
plural forms (Latvian: 1 skenējums, 2 skenējumi, 11 skenējumu, 21 skenējums)."""

from __future__ import annotations

import re
import threading
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from fleet.access.policy import Principal, Scope
from fleet.models import DeliveryScan, Device, Event
from provisioning import stocktakes
from tests.factories import DeliveryFactory, DeviceFactory, SchoolFactory, current_session
from tests.fleet.web.test_station_page import shipment_to
from tests.pages import check_page

SLOW = 15_000  # ms: how long a row may take on a loaded machine (a wait, not a timing assertion)


def scan(page, code: str, end: str = "Enter") -> None:
    """What a keyboard-wedge scanner does: the code at 10 ms a character, then Enter (or Tab)."""
    page.keyboard.type(code, delay=10)
    page.keyboard.press(end)


def outcomes(page) -> list[tuple[str, str]]:
    """(code, outcome) of each row of the log, newest first."""
    return [(row.get_attribute("data-code"), row.get_attribute("data-outcome"))
            for row in page.locator("#scan-log li").all()]


def row(page, code: str, nth: int = 0):
    return page.locator(f'#scan-log li[data-code="{code}"]').nth(nth)


def events(device_serial: str, action: str) -> int:
    session = current_session()
    session.commit()  # a fresh snapshot: the served app committed since
    return session.scalar(select(func.count()).select_from(Event).join(Device, Device.id == Event.device_id)
                          .where(Device.serial == device_serial, Event.action == action))


def test_a_delivery_received_at_scanner_speed(staff):
    delivery = DeliveryFactory(serials=["RCV-1001", "RCV-1002", "RCV-1003"])
    imaged = DeviceFactory(status="imaged")
    page = staff("warehouse")
    page.goto(page.base + f"/station?mode=receive&delivery={delivery.id}")
    field = page.get_by_role("textbox", name=re.compile("Skenēt"))
    expect(field).to_be_focused()
    expect(page.locator("#scan-counts [data-count=expected]")).to_have_text("3", timeout=SLOW)

    scan(page, "RCV-1001")
    scan(page, "RCV-1002", end="Tab")  # a scanner set to end with Tab
    expect(row(page, "RCV-1001")).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    expect(row(page, "RCV-1002")).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    expect(page.locator("#scan-counts [data-count=found]")).to_have_text("2", timeout=SLOW)
    expect(page.locator("#scan-counts [data-count=missing]")).to_have_text("1")
    expect(field).to_be_focused()  # Tab did not take it away

    scan(page, "RCV-1002")  # at once again: the scanner bounced — no new row
    page.wait_for_timeout(1100)  # more than a second later: a person scanned it twice
    scan(page, "RCV-1002")
    expect(row(page, "RCV-1002")).to_have_attribute("data-outcome", "already", timeout=SLOW)
    expect(row(page, "RCV-1002", 1)).to_have_attribute("data-outcome", "applied")

    scan(page, imaged.serial)  # already past intake: refused, with the reason and what is allowed now
    refused = row(page, imaged.serial)
    expect(refused).to_have_attribute("data-outcome", "invalid_transition", timeout=SLOW)
    expect(refused.locator(".reason")).not_to_be_empty()
    expect(refused.locator(".detail")).to_have_text("Statuss tagad: attēls instalēts")
    expect(refused.locator(".allowed")).to_contain_text("Tagad atļauts")
    expect(refused.locator(".allowed")).to_contain_text("instalēt operētājsistēmas attēlu")  # image, in Latvian
    expect(page.locator("#scan-status")).to_have_attribute("data-outcome", "refused")
    expect(page.locator("#scan-status .status-word")).to_have_text("Šajā statusā nav iespējams")

    assert outcomes(page) == [(imaged.serial, "invalid_transition"), ("RCV-1002", "already"),
                              ("RCV-1002", "applied"), ("RCV-1001", "applied")]
    assert events("RCV-1002", "receive") == 1

    page.locator("#scan-mute").click()  # a click with the mouse: the field has the focus back
    expect(page.locator("#scan-mute")).to_have_attribute("aria-pressed", "true")
    expect(field).to_be_focused()
    page.reload()
    expect(page.locator("#scan-mute")).to_have_attribute("aria-pressed", "true")  # remembered
    check_page(page)


class Restartable:
    """The test's app served on a port it keeps: stopped (nothing listens: the browser's fetch fails as
    on a lost connection) and started again on the same port. One request at a time, each on its own
    connection (HTTP/1.0), so no kept-alive connection outlives a stop."""

    def __init__(self, app):
        self.app, self.port, self.server, self.thread = app, 0, None, None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=False)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)
            self.server = None


@pytest.fixture
def restartable(app):
    served = Restartable(app)
    served.start()
    yield served
    served.stop()


def test_scans_wait_while_the_server_is_away_and_are_applied_once(staff, restartable):
    serials = ["OFF-0001", "OFF-0002", "OFF-0003", "OFF-0004"]
    delivery = DeliveryFactory(serials=[*serials, "OFF-0005"])
    page = staff("warehouse")  # signed in on the usual server: the session cookie is the host's
    page.goto(restartable.url + f"/station?mode=receive&delivery={delivery.id}")
    scan(page, serials[0])
    expect(row(page, serials[0])).to_have_attribute("data-outcome", "applied", timeout=SLOW)

    restartable.stop()
    for serial in serials[1:]:
        scan(page, serial)
    expect(page.locator("#scan-offline")).to_have_text("Nav savienojuma — 3 skenējumi gaida", timeout=SLOW)
    expect(page.locator("#station")).to_have_attribute("data-waiting", "3")
    expect(page.locator("#scan-status")).to_have_attribute("data-outcome", "offline")
    assert [outcome for _, outcome in outcomes(page)] == ["pending"] * 3 + ["applied"]
    assert events(serials[1], "receive") == 0

    restartable.start()  # the same port: the station's timer finds the server again
    for serial in serials[1:]:
        expect(row(page, serial)).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    expect(page.locator("#station")).to_have_attribute("data-waiting", "0")
    expect(page.locator("#scan-offline")).to_have_text("")
    for serial in serials:
        assert events(serial, "receive") == 1
    session = current_session()
    assert session.scalar(select(func.count()).select_from(DeliveryScan)
                          .where(DeliveryScan.delivery_id == delivery.id)) == 4
    assert page.evaluate("localStorage.getItem('fleet.station.queue')") == "[]"

    # Away again, and the page closed before it came back: the next station page sends what was left.
    restartable.stop()
    scan(page, "OFF-0005")
    expect(page.locator("#scan-offline")).to_have_text("Nav savienojuma — 1 skenējums gaida", timeout=SLOW)
    page.close()
    restartable.start()
    again = page.context.new_page()
    again.csp_blocked = []
    again.on("console", lambda m: again.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    again.goto(restartable.url + f"/station?mode=receive&delivery={delivery.id}")
    expect(row(again, "OFF-0005")).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    expect(again.locator("#scan-counts [data-count=found]")).to_have_text("5", timeout=SLOW)
    assert events("OFF-0005", "receive") == 1
    check_page(again)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_modes_in_both_languages_and_viewports(staff, lang, viewport):
    """Image (a device, then a refused one), ship (the first scan starts the shipment), arrival at the
    school (school IT), look-up and a code from the camera's event; the checks on each page."""
    name = re.compile("Skenēt" if lang == "lv" else "Scan")
    in_warehouse, expected = DeviceFactory(status="in_warehouse"), DeviceFactory(status="expected")
    page = staff("warehouse", viewport=viewport, lang=lang)

    page.goto(page.base + "/station?mode=image&image=win11-edu&station=A1")
    scan(page, in_warehouse.serial)
    scan(page, expected.serial)
    expect(row(page, in_warehouse.serial)).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    expect(row(page, expected.serial)).to_have_attribute("data-outcome", "invalid_transition", timeout=SLOW)
    expect(row(page, expected.serial).locator(".allowed")).to_contain_text(
        "saņemt noliktavā" if lang == "lv" else "receive")
    expect(page.get_by_role("log")).to_be_visible()
    check_page(page)

    school = SchoolFactory()
    labelled = [DeviceFactory(status="labelled") for _ in range(2)]
    page.goto(page.base + f"/station?mode=ship&school={school.registration_number}")
    expect(page.get_by_role("textbox", name=name)).to_be_focused()
    scan(page, labelled[0].serial)
    expect(row(page, labelled[0].serial)).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    page.evaluate("""code => document.dispatchEvent(new CustomEvent("fleet:code",
                     {detail: {code, source: "camera"}}))""", labelled[1].asset_tag)
    expect(row(page, labelled[1].asset_tag)).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    expect(page.locator("#scan-counts [data-count=expected]")).to_have_text("2", timeout=SLOW)
    shipment = int(page.locator("#station").get_attribute("data-shipment"))
    check_page(page)

    page.goto(page.base + "/station?mode=lookup")
    scan(page, "NOPE-0404")
    expect(row(page, "NOPE-0404")).to_have_attribute("data-outcome", "not_found", timeout=SLOW)
    scan(page, labelled[0].asset_tag)
    expect(row(page, labelled[0].asset_tag)).to_have_attribute("data-outcome", "found", timeout=SLOW)
    check_page(page)

    it = staff("school_it", school=school, viewport=viewport, lang=lang)
    it.goto(it.base + f"/station?mode=arrive&shipment={shipment}")
    expect(it.locator("#mode option")).to_have_count(7)  # arrive, stocktake, wipe, repair, note, look up, collect
    scan(it, labelled[0].serial)
    expect(row(it, labelled[0].serial)).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    expect(it.locator("#scan-counts [data-count=found]")).to_have_text("1 / 2", timeout=SLOW)
    check_page(it)


def test_the_mode_form_gives_the_documented_url(staff):
    delivery = DeliveryFactory(serials=["URL-0001"])
    school = SchoolFactory()
    stocktake_at = shipment_to(school)  # (a shipment too, so that the lists are not empty)
    assert stocktake_at
    page = staff("warehouse", lang="en")
    page.goto(page.base + "/station")
    expect(page.locator("#scan-code")).to_be_focused()
    page.locator("#mode").select_option("receive")
    expect(page.locator("#param-image")).to_be_hidden()
    page.locator("#param-delivery").select_option(str(delivery.id))
    page.locator("#mode-apply").click()
    page.wait_for_url(re.compile(r"/station\?"))
    assert page.url == page.base + f"/station?mode=receive&delivery={delivery.id}"
    expect(page.locator("#station-setup")).to_contain_text(f"#{delivery.id}")

    page.locator("#mode").select_option("image")
    page.locator("#param-image").fill("win11-edu-2026")
    page.locator("#mode-apply").click()
    page.wait_for_url(re.compile(r"mode=image"))
    assert page.url == page.base + "/station?mode=image&image=win11-edu-2026"  # the empty station is left out

    page.locator("#mode").select_option("ship")
    page.locator("#param-school").select_option(school.registration_number)
    page.locator("#param-school").focus()
    page.keyboard.press("Tab")  # by keyboard alone: on to the button (the hidden fields are skipped)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"mode=ship"))
    assert page.url == page.base + f"/station?mode=ship&school={school.registration_number}"
    expect(page.locator("#ship-shipment")).to_contain_text("No shipment yet")
    check_page(page)

    # A stocktake of the warehouse, and a note: the two modes not used above.
    device = DeviceFactory(status="in_warehouse")
    count = stocktakes.start(current_session(), Scope.of(Principal(page.user.id, page.user.name, "warehouse")), None)
    current_session().commit()
    page.goto(page.base + f"/station?mode=stocktake&stocktake={count.id}")
    scan(page, device.asset_tag)
    expect(row(page, device.asset_tag)).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    expect(page.locator("#scan-counts [data-count=found]")).to_contain_text("1 / ", timeout=SLOW)
    page.goto(page.base + "/station?mode=note&text=" + quote("Skrāpējums uz vāka"))
    scan(page, device.serial)
    expect(row(page, device.serial)).to_have_attribute("data-outcome", "applied", timeout=SLOW)
    assert events(device.serial, "note") == 1 and events(device.serial, "audited") == 1


@pytest.mark.parametrize("lang, waiting", [
    ("lv", {1: "Nav savienojuma — 1 skenējums gaida", 2: "Nav savienojuma — 2 skenējumi gaida",
            11: "Nav savienojuma — 11 skenējumu gaida", 21: "Nav savienojuma — 21 skenējums gaida"}),
    ("en", {1: "No connection — 1 scan waiting", 2: "No connection — 2 scans waiting",
            21: "No connection — 21 scans waiting"}),
], ids=["lv", "en"])
def test_the_scans_waiting_are_counted_in_the_language_s_plural_forms(staff, lang, waiting):
    # The queue a station left while the server was away, sent to a server that cannot be reached.
    page = staff("warehouse", lang=lang)
    page.route("**/api/v1/**", lambda route: route.abort())
    page.goto(page.base + "/station?mode=lookup")
    for n, sentence in waiting.items():
        page.evaluate("""n => localStorage.setItem("fleet.station.queue", JSON.stringify(Array.from(
                           {length: n}, (_, i) => ({nonce: `q-${n}-${i}`, code: `Q-${i}`, mode: "lookup",
                                                   params: {}, at: Date.now()}))))""", n)
        page.reload()
        expect(page.locator("#scan-offline")).to_have_text(sentence, timeout=SLOW)
        expect(page.locator("#station")).to_have_attribute("data-waiting", str(n))
    page.evaluate("localStorage.removeItem('fleet.station.queue')")


def test_the_station_s_counted_words_hold_every_plural_form_in_the_catalog_s_order(app):
    from fleet.web.station import words

    for lang, forms in (("lv", ["Nav savienojuma — %(n)s skenējumu gaida", "Nav savienojuma — %(n)s skenējums gaida",
                                "Nav savienojuma — %(n)s skenējumi gaida"]),
                        ("en", ["No connection — %(n)s scan waiting", "No connection — %(n)s scans waiting"])):
        with app.test_request_context(f"/station?lang={lang}"):
            said = words()
        assert said["offline"] == forms
        assert len(said["sending_queue"]) == len(forms) and all("%(n)s" in f for f in said["sending_queue"])
