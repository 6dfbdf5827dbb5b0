"""The class hand-out in Chromium: a class of 30 handed out by typing 30 serials and asset tags + Enter
into the scan field at a tablet (820×1180), as a handheld scanner does — a reload halfway (the pairs
kept), a refused scan said in words, the pupil chosen first (Destiny's order), one undo, one per-pupil
accessory exception, "the school keeps a copy" — then the commit, and the PDF read page by page: every
agreement names its pupil, its laptop's serial and its guardian, twice. And the pages at a tablet, a
desktop and a phone, in Latvian and English (axe-core, no sideways scrolling, CSP)."""

from __future__ import annotations

import io
import re
from collections import defaultdict

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from fleet.access.policy import Principal, Scope
from fleet.lending import loans
from fleet.models import Loan
from tests.conftest import SCREENSHOTS
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory, current_session
from tests.pages import check_page

CLASS = 30
GIVEN = ["Ērika", "Jānis", "Līga", "Ņikita", "Ģirts", "Anna"]


def make_class(size: int, lent: int = 1):
    """A school with class 7.b: ``lent`` pupils who have a laptop already, then ``size`` without; ``size``
    laptops at the school."""
    school = SchoolFactory(name="Ķekavas vidusskola")
    everyone = Scope.of(Principal(0, "factory", "admin"))
    session = current_session()
    for i in range(lent):
        pupil = PupilFactory(school=school, grade="7.b", given_name="Uldis", family_name=f"Apinis {i}")
        loans.hand_over(session, everyone, loans.HandOver(DeviceFactory(status="at_school", school=school).serial,
                                                          pupil.id), "http://fleet.example.lv")
    pupils = [PupilFactory(school=school, grade="7.b", given_name=GIVEN[i % len(GIVEN)],
                           family_name=f"Ozoliņa {i:02d}", guardian_name=f"Inese Kalniņa {i:02d}",
                           register_id=f"EK-{i:04d}") for i in range(size)]
    devices = [DeviceFactory(status="at_school", school=school) for _ in range(size)]
    session.commit()
    return school, pupils, devices


def scan(page, code: str) -> None:
    page.keyboard.type(code)  # the scan field has the focus, as the scanner expects
    page.keyboard.press("Enter")


def test_a_class_of_30_handed_out_by_scanning_at_a_tablet(staff):
    school, pupils, devices = make_class(CLASS)
    stranger = DeviceFactory(status="at_school", school=SchoolFactory())
    current_session().commit()
    page = staff("school_it", school=school, viewport="tablet", lang="lv")
    page.goto(f"{page.base}/desk/handout?school={school.registration_number}&class=7.b")
    expect(page.locator("#scan")).to_be_focused()
    expect(page.locator("tr.lent")).to_have_count(1)  # the pupil with a laptop already: shown, skipped
    check_page(page)

    # a laptop of another school: refused at once, in words, with its code; the focus stays
    scan(page, stranger.serial)
    expect(page.locator("#scan-alert")).to_be_visible()
    expect(page.locator("#scan-alert")).to_contain_text("[not_found]")
    expect(page.locator("#scan")).to_be_focused()

    codes = [d.serial if i % 2 else d.asset_tag for i, d in enumerate(devices)]  # serials and tags, mixed
    for i in range(10):
        scan(page, codes[i])
        expect(page.locator(f"#pupil-{pupils[i].id} .pair")).to_contain_text(devices[i].serial)
    expect(page.locator("#scan-alert")).to_be_hidden()
    expect(page.locator("#count")).to_contain_text("10")

    page.reload()  # an accidental reload: the pairs come back from this browser
    expect(page.locator("#scan-status")).to_contain_text("10")
    expect(page.locator("tr.paired")).to_have_count(10)
    expect(page.locator("#scan")).to_be_focused()

    # Destiny's order: the pupil first (the pupil's card carries the register id), then the laptop
    scan(page, pupils[20].register_id.lower())
    expect(page.locator(f"#pupil-{pupils[20].id}")).to_have_class(re.compile(r"\bchosen\b"))
    scan(page, codes[20])
    expect(page.locator(f"#pupil-{pupils[20].id} .pair")).to_contain_text(devices[20].serial)
    # … or a click on the pupil's row
    page.locator(f"#pupil-{pupils[25].id} .who").click()
    expect(page.locator("#scan")).to_be_focused()
    scan(page, codes[25])
    expect(page.locator(f"#pupil-{pupils[25].id} .pair")).to_contain_text(devices[25].serial)

    # the same laptop twice in the sitting: refused
    scan(page, devices[3].serial)
    expect(page.locator("#scan-alert")).to_contain_text("[duplicate]")

    for i in [i for i in range(10, CLASS) if i not in (20, 25)]:
        scan(page, codes[i])
        expect(page.locator(f"#pupil-{pupils[i].id} .pair")).to_contain_text(devices[i].serial)
    expect(page.locator("#target")).to_contain_text("Neviens")

    # one mistake undone (laptops 4 and 5 swapped): undo both, scan them again the right way round
    page.locator(f"#pupil-{pupils[4].id} .undo").click()
    expect(page.locator(f"#pupil-{pupils[4].id} .pair")).to_have_text("")
    expect(page.locator("#scan")).to_be_focused()
    page.focus("#copies")  # the focus wandered to a tick box: the scanner's keys still reach the scan field
    scan(page, codes[4])
    expect(page.locator(f"#pupil-{pupils[4].id} .pair")).to_contain_text(devices[4].serial)
    assert not page.locator("#copies").is_checked()

    # one pupil takes a bag instead of the charger; the school keeps a copy
    row = page.locator(f"#pupil-{pupils[7].id}")
    row.locator("summary").click()
    row.locator("input[value=charger]").uncheck()
    row.locator("input[value=bag]").check()
    page.locator("#copies").check()
    expect(page.locator("#commit")).to_contain_text("30")
    check_page(page)
    page.screenshot(path=str(SCREENSHOTS / "handout-class-of-30-before-the-commit.png"))  # what the desk sees

    page.locator("#commit").click()
    expect(page.locator("#made")).to_contain_text("30")
    expect(page.locator("#refused")).to_have_count(0)
    check_page(page)
    assert page.evaluate(f"localStorage.getItem('fleet-handout:{school.registration_number}:7.b')") is None

    made = {loan.pupil_id: loan for loan in current_session().scalars(
        select(Loan).where(Loan.pupil_id.in_([p.id for p in pupils])))}
    assert len(made) == CLASS
    assert all(made[p.id].device.serial == d.serial for p, d in zip(pupils, devices, strict=True))
    assert list(made[pupils[7].id].accessories) == ["bag"] and list(made[pupils[8].id].accessories) == ["charger"]

    href = page.locator("#print").get_attribute("href")
    assert "copies=2" in href
    answer = page.request.get(page.base + href)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(answer.body())).pages]
    by_number: dict[str, list[str]] = defaultdict(list)
    first_pages: dict[str, int] = defaultdict(int)
    for text in texts:
        number = re.search(r"L-\d{4}-\d{6}", text).group(0)  # every page names its agreement
        by_number[number].append(text)
        first_pages[number] += bool(re.search(r"\b1/\d\b", text))
    numbers = {made[p.id].id: f"L-{made[p.id].handed_over_at.year}-{made[p.id].id:06d}" for p in pupils}
    assert set(by_number) == set(numbers.values())
    for pupil, device in zip(pupils, devices, strict=True):
        number = numbers[made[pupil.id].id]
        whole = re.sub(r"\s+", " ", "\n".join(by_number[number]))
        assert f"{pupil.given_name} {pupil.family_name}" in whole, number
        assert device.serial in whole and pupil.guardian_name in whole, number
        assert first_pages[number] == 2, number  # two copies: each numbered from its own first page


@pytest.mark.parametrize("viewport", ["tablet", "desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_hand_out_pages_pass_the_checks(staff, viewport, lang):
    school, pupils, devices = make_class(4)
    page = staff("school_it", school=school, viewport=viewport, lang=lang)
    page.goto(f"{page.base}/desk/handout")  # the only school of the user: its classes
    expect(page.locator("#classes a")).to_have_count(1)
    check_page(page)
    page.locator("#classes a").click()
    expect(page.locator("#scan")).to_be_focused()
    scan(page, devices[0].serial)
    expect(page.locator(f"#pupil-{pupils[0].id} .pair")).to_contain_text(devices[0].serial)
    scan(page, "NAV-TĀDA-DATORA")
    expect(page.locator("#scan-alert")).to_contain_text("[not_found]")
    page.locator(f"#pupil-{pupils[2].id} summary").click()
    check_page(page)
    class_page, page = page, page.context.new_page()  # the class page stays open (its screenshot)
    page.base, page.csp_blocked = class_page.base, []
    page.on("console", lambda m: page.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{page.base}/desk/handout?school={school.registration_number}&class=7.b")
    expect(page.locator("tr.paired")).to_have_count(1)  # the same browser: the pair kept
    scan(page, devices[1].asset_tag)
    expect(page.locator(f"#pupil-{pupils[1].id} .pair")).to_contain_text(devices[1].serial)
    page.locator("#commit").click()
    expect(page.locator("#made")).to_contain_text("2")
    check_page(page)
    assert page.locator("html").get_attribute("lang") == lang
