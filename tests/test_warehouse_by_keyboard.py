"""Issue 16's "Done when", end to end in Chromium: a warehouse worker with a keyboard-wedge scanner takes one
delivery of four laptops from the lorry to a school without the mouse — receives them at the scan station,
images them, prints their labels on the labels page (the delivery chosen, a used cell ticked with Tab and
Space, the PDF downloaded and read back), confirms each label by scanning its QR address, and ships them; then
school IT, on another browser, receives the shipment. Only the keyboard is used: codes typed at a scanner's
speed (10 ms a character, then Enter), Tab, Space, Enter, and addresses typed into the address bar (a
bookmarked station: ``page.goto``). Clicking, filling and focusing are switched off by the ``keyboard_only``
guard once everyone has signed in, so a step a keyboard user cannot do fails here.

The delivery and its contract are made with the factories (the deliveries page's upload needs the operating
system's file chooser); nothing else is made behind the pages' backs, and nothing by curl."""

from __future__ import annotations

import io
import re

import playwright.sync_api as playwright
import pytest
from sqlalchemy import select

from fleet.labelling.content import label_url
from fleet.models import Device, Shipment
from tests.factories import ContractFactory, DeliveryFactory, SchoolFactory, current_session
from tests.pages import check_page

expect = playwright.expect
SLOW = 15_000  # ms: how long a row may take on a loaded machine (a wait, not a timing assertion)
SERIALS = ["KBD-LV-0001", "KBD-LV-0002", "KBD-LV-0003", "KBD-LV-0004"]
POINTER = ("click", "dblclick", "tap", "fill", "check", "uncheck", "set_checked", "select_option",
           "set_input_files", "focus", "hover", "dispatch_event", "drag_and_drop", "drag_to", "clear")


@pytest.fixture
def keyboard_only(monkeypatch):
    """Call it once everyone has signed in: from then on any pointer or shortcut action (click, fill,
    select_option, focus, …) on a page, locator or element fails the test."""

    def switch_off():
        for cls in (playwright.Page, playwright.Locator, playwright.ElementHandle):
            for name in POINTER:
                if hasattr(cls, name):
                    monkeypatch.setattr(cls, name, _forbidden(name))

    return switch_off


def _forbidden(name):
    def refuse(*_args, **_kwargs):
        raise AssertionError(f"{name}() is not a keyboard: the warehouse worker has no mouse")
    return refuse


def scan(page, code: str) -> None:
    """What a keyboard-wedge scanner does: the code at 10 ms a character, then Enter."""
    page.keyboard.type(code, delay=10)
    page.keyboard.press("Enter")


def focused(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def tab_to(page, element_id: str, most: int = 80) -> int:
    """Press Tab until the element has the focus (as a person does, watching the focus ring); how many presses."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if focused(page) == element_id:
            return presses
    raise AssertionError(f"#{element_id} cannot be reached with Tab (the focus ended on #{focused(page)})")


def outcomes(page) -> list[tuple[str, str]]:
    return [(row.get_attribute("data-code"), row.get_attribute("data-outcome"))
            for row in page.locator("#scan-log li").all()]


def count(page, key: str):
    return page.locator(f"#scan-counts [data-count={key}]")


def scan_all(page, codes: list[str], outcome: str = "applied") -> None:
    """Scan each code; every row answered with ``outcome``, newest first; the field keeps the focus."""
    for code in codes:
        scan(page, code)
    for code in codes:
        expect(page.locator(f'#scan-log li[data-code="{code}"]')).to_have_attribute("data-outcome", outcome,
                                                                                 timeout=SLOW)
    assert outcomes(page)[:len(codes)] == [(code, outcome) for code in reversed(codes)]
    expect(page.locator("#scan-code")).to_be_focused()


def statuses(serials: list[str]) -> dict[str, str]:
    session = current_session()
    session.commit()  # a fresh snapshot: the served app committed since
    return dict(session.execute(select(Device.serial, Device.status).where(Device.serial.in_(serials))).all())


def devices(serials: list[str]) -> list[Device]:
    session = current_session()
    session.commit()
    return session.scalars(select(Device).where(Device.serial.in_(serials)).order_by(Device.serial)).all()


def open_station(page, query: str) -> None:
    """A bookmarked station typed into the address bar: the scan field has the focus at once."""
    page.goto(page.base + "/station?" + query)
    expect(page.locator("#station")).to_have_attribute("data-ready", "true")
    expect(page.locator("#scan-code")).to_be_focused()


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(("viewport", "lang"), [("desktop", "lv"), ("phone", "en")])
def test_a_delivery_from_the_lorry_to_a_school_by_keyboard_alone(app, staff, keyboard_only, viewport, lang):
    serials = [s.replace("-LV-", f"-{lang.upper()}-") for s in SERIALS]
    delivery = DeliveryFactory(contract=ContractFactory(), serials=serials)
    school = SchoolFactory()
    page = staff("warehouse", viewport=viewport, lang=lang)
    it = staff("school_it", school=school, viewport=viewport, lang=lang)  # another browser, at the school
    keyboard_only()  # everyone has signed in: from here on, the keyboard only
    with pytest.raises(AssertionError, match="no mouse"):
        page.locator("#logout").click()
    assert statuses(serials) == dict.fromkeys(serials, "expected")

    # 1. Receive: the delivery's laptops scanned off the pallet.
    open_station(page, f"mode=receive&delivery={delivery.id}")
    expect(count(page, "expected")).to_have_text("4", timeout=SLOW)
    scan_all(page, serials)
    expect(count(page, "found")).to_have_text("4", timeout=SLOW)
    expect(count(page, "missing")).to_have_text("0")
    expect(count(page, "unexpected")).to_have_text("0")
    assert statuses(serials) == dict.fromkeys(serials, "in_warehouse")
    tags = {d.serial: d.asset_tag for d in devices(serials)}
    assert all(tags.values()), "each laptop got its asset tag on receipt"
    check_page(page)

    # 2. Image: the imaging bench's bookmark.
    open_station(page, "mode=image&image=win11-edu")
    scan_all(page, serials)
    assert statuses(serials) == dict.fromkeys(serials, "imaged")

    # 3. Labels: the delivery chosen, cell 1 of the part-used sheet ticked, PDF, print, download.
    page.goto(page.base + "/labels")
    tab_to(page, "delivery")
    page.keyboard.type(str(delivery.id))  # a closed list picks the option its typed text begins
    expect(page.locator("#delivery")).to_have_value(str(delivery.id))
    tab_to(page, "cell-1")
    page.keyboard.press("Space")
    expect(page.locator("#cell-1")).to_be_checked()
    expect(page.locator("#format-pdf")).to_be_checked()
    tab_to(page, "print-button")
    page.keyboard.press("Enter")
    expect(page.locator("#result")).to_have_attribute("data-printed", "4", timeout=SLOW)
    expect(page.locator("#result")).to_have_attribute("data-refused", "0")
    expect(page.locator("#skip-count")).to_have_attribute("data-skip", "5")  # cell 1 used, then four labels
    check_page(page)
    with page.expect_download() as download:
        tab_to(page, "download")
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")
    text = pdf_text(open(download.value.path(), "rb").read())
    for tag in tags.values():
        assert tag in text, f"{tag} is not on the printed labels"
    assert statuses(serials) == dict.fromkeys(serials, "imaged")  # printed is not yet stuck on

    # 4. Confirm each label, stuck on the laptop: the scanner reads its QR code — the address it encodes.
    public = app.config["FLEET"].public_url
    qr = [label_url(public, tags[s]) for s in serials]
    assert all(re.fullmatch(r"HTTPS?://[^/]+/D/[A-Z0-9-]+", code) for code in qr), qr
    open_station(page, "mode=label")
    scan_all(page, qr)
    assert statuses(serials) == dict.fromkeys(serials, "labelled")
    detail = page.locator("#scan-status .status-detail")  # read from a metre away: the tag, not the address
    expect(detail).to_contain_text(tags[serials[-1]])
    expect(detail).not_to_contain_text("HTTP")

    # 5. Ship to the school: the first scan starts the shipment; the box holds the four.
    open_station(page, f"mode=ship&school={school.registration_number}")
    scan_all(page, [tags[s] for s in serials[:2]] + serials[2:])  # asset tags or serials, as they come
    expect(count(page, "expected")).to_have_text("4", timeout=SLOW)
    shipment = page.locator("#station").get_attribute("data-shipment")
    assert shipment and shipment.isdigit()
    assert statuses(serials) == dict.fromkeys(serials, "in_transit")
    session = current_session()
    assert session.get(Shipment, int(shipment)).school_id == school.id
    check_page(page)

    # 6. At the school: school IT receives the shipment by scanning the labels.
    open_station(it, f"mode=arrive&shipment={shipment}")
    expect(count(it, "found")).to_have_text("0 / 4", timeout=SLOW)
    scan_all(it, qr)
    expect(count(it, "found")).to_have_text("4 / 4", timeout=SLOW)
    expect(count(it, "missing")).to_have_text("0")
    assert statuses(serials) == dict.fromkeys(serials, "at_school")
    assert {d.school_id for d in devices(serials)} == {school.id}
    check_page(it)
