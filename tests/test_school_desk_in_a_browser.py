"""Issue 17's "Done when", end to end in Chromium: a school IT person imports the school register's
Windows-1257 export (class 7.b of 30 with Latvian group names, and three pupils of 7.a), hands out 7.b's
30 laptops in one sitting at the desk's tablet by scanning them, prints the one PDF (read back page by
page: every agreement names its pupil, laptop and guardian), and has the 30 guardians sign at the tablet
one after another in the "next pupil" flow, the roster's counts checked after each. 7.a's three laptops are
handed out too; their guardians get the signing link by e-mail from a real SMTP server: one signs on a
phone with a drawn signature, one with a typed one, and the third, silent for longer than
FLEET_REMINDER_DAYS, is reminded through the outbox and signs with the reminder's link. At the end of the
year the class comes back: 29 laptops through the scan station's collect mode, the 30th at the desk's
return page with its charger missing, and the return act read back.

Everything a person does is done on the pages; the laptops (delivered, labelled and arrived at the school
in the warehouse's issue) are made by the factories, and the clock of the reminders is moved by calling the
worker's pass with a later "now", as cron would run it days later."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import urljoin

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from fleet.lending import reminders
from fleet.models import Agreement, Loan, Pupil, utcnow
from tests import pages
from tests.factories import DeviceFactory, SchoolFactory, current_session
from tests.mailbox import text_of, work
from tests.pages import check_page, draw_signature, guardian_phone

SLOW = 15_000  # ms: how long a step may take on a loaded machine (a wait, not a timing assertion)

HEADER = "Skolēna ID;Vārds;Uzvārds;Klase;Likumiskais pārstāvis;Likumiskā pārstāvja e-pasts;Mērķa grupa"
GIVEN = ["Ārija", "Čaba", "Ēriks", "Ģirts", "Īva", "Ķirils", "Ļena", "Ņikita", "Šarlote", "Ūna"]
FAMILY = ["Ābele", "Bērziņš", "Čakste", "Dūmiņa", "Ēdole", "Freimane", "Ģērmane", "Hāzners", "Īvāns", "Jēkabsons",
          "Ķēniņš", "Kļaviņa", "Ļaviņa", "Mūrniece", "Ņikitins", "Ozoliņa", "Pūce", "Rēķe", "Šņore", "Tālbergs",
          "Ūdre", "Vīksna", "Zīle", "Žagare", "Abele", "Cīrule", "Egle", "Kalniņš", "Sproģe", "Upīte"]
GROUPS = ["Daudzbērnu ģimene", "trūcīga ģimene", "MAZNODROŠINĀTA ĢIMENE", "Bērns ar invaliditāti", "Large family"]
LINK_FAMILIES = [("Liepa", "Inese Liepa"), ("Krūmiņš", "Māris Krūmiņš"), ("Zvaigzne", "Dace Zvaigzne")]


def register_export() -> bytes:
    """What E-klase saves as CSV on a Latvian Windows PC: ``;``, Windows-1257, Latvian headers and group names."""
    lines = [HEADER]
    for i, family in enumerate(FAMILY):
        lines.append(f"B{i + 1:03d};{GIVEN[i % len(GIVEN)]};{family};7.b;Kažoča {family};;{GROUPS[i % len(GROUPS)]}")
    for i, (family, guardian) in enumerate(LINK_FAMILIES):
        email = guardian.split()[0].lower().replace("ā", "a") + "@example.lv"
        lines.append(f"A{i + 1:03d};Anna;{family};7.a;{guardian};{email};Daudzbērnu ģimene")
    return ("\r\n".join(lines) + "\r\n").encode("cp1257")


def scan(page, code: str) -> None:
    """A handheld scanner: the code typed into the field that has the focus, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def summary(page, reg: str) -> dict:
    """The roster's counts as the API gives them to the desk's own browser session."""
    r = page.request.get(f"{page.base}/api/v1/schools/{reg}/agreements/summary")
    assert r.ok, r.text()
    return r.json()


def sign_links(inbox) -> dict[str, str]:
    """The path of the signing link in each e-mail received so far, by recipient (the newest one wins; the
    link's host is the configured public address, not the test's loopback one)."""
    links = {}
    for message in inbox.messages:
        found = re.search(r"https?://\S+(/sign/[A-Za-z0-9_-]+)", text_of(message))
        if found:
            links[message["To"]] = found.group(1)
    return links


def hand_out(page, reg: str, grade: str, devices) -> str:
    """The class's hand-out page: each laptop scanned (to the next pupil in order), committed: the PDF's URL."""
    page.goto(f"{page.base}/desk/handout?school={reg}&class={grade}")
    expect(page.locator("#scan")).to_be_focused()
    for device in devices:
        scan(page, device.asset_tag)
        expect(page.locator(".pair", has_text=device.serial)).to_have_count(1, timeout=SLOW)
    expect(page.locator("#scan-alert")).to_be_hidden()
    page.click("#commit")
    expect(page.locator("#made .big")).to_have_text(str(len(devices)), timeout=SLOW)
    check_page(page)
    return page.locator("#print").get_attribute("href")


def test_a_class_from_the_register_to_the_end_of_the_year(app, staff, browser, smtp, tmp_path):
    school = SchoolFactory(name="Ķekavas vidusskola")
    reg = school.registration_number
    laptops_7b = [DeviceFactory(status="at_school", school=school) for _ in FAMILY]
    laptops_7a = [DeviceFactory(status="at_school", school=school) for _ in LINK_FAMILIES]
    session = current_session()
    session.commit()
    desk = staff("school_it", school=school, viewport="tablet", lang="lv")

    # 1. The register's export, imported through the page
    export = tmp_path / "eklase.csv"
    export.write_bytes(register_export())
    desk.goto(f"{desk.base}/pupils/import?school={reg}")
    desk.set_input_files("#file", str(export))
    desk.click("#import-go")
    desk.wait_for_url("**/pupils?**")
    expect(desk.locator(".flash.ok")).to_contain_text("33")
    desk.goto(f"{desk.base}/pupils?school={reg}&class=7.b")
    expect(desk.locator("#pupils tbody tr")).to_have_count(30)
    expect(desk.locator("#pupils")).to_contain_text("Daudzbērnu ģimene")
    check_page(desk)

    # 2. Class 7.b handed out in one sitting: 30 scans, one commit, one PDF
    pdf_url = hand_out(desk, reg, "7.b", laptops_7b)
    pdf = desk.request.get(desk.base + pdf_url if pdf_url.startswith("/") else pdf_url)
    assert pdf.ok and pdf.headers["content-type"].startswith("application/pdf")
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.body())).pages]
    session.commit()  # a new transaction: what the served app wrote since
    lent = session.scalars(select(Loan).join(Pupil).where(Pupil.grade == "7.b", Loan.status == "active")).all()
    assert len(lent) == 30
    for loan in lent:
        number = session.scalar(select(Agreement.number).where(Agreement.loan_id == loan.id))
        own = " ".join(t for t in texts if number in t)  # the agreement's pages: its number is on each
        assert own, f"agreement {number} is not in the PDF"
        pupil = loan.pupil
        for wanted in (f"{pupil.given_name} {pupil.family_name}", loan.device.serial, pupil.guardian_name):
            assert wanted in own, f"{number} does not name {wanted!r}"
    assert summary(desk, reg)["states"]["awaiting_signature"] == 30

    # 3. The 30 guardians at the tablet, one after another; the roster's counts after each
    desk.click("#sign-now")
    for signed in range(1, 31):
        expect(desk.locator("#pupil-name")).to_be_visible(timeout=SLOW)
        if signed == 1:
            assert desk.locator("header.bar").count() == 0  # the parent holds the tablet: no staff bar
            check_page(desk)
        desk.check("#who-guardian")
        if signed % 10 == 1:
            draw_signature(desk)
        else:
            desk.check("#kind-typed")
            desk.fill("#typed_name", desk.locator("#guardian-on-record").inner_text())
        desk.check("#consent")
        desk.click("#submit")
        expect(desk.locator("#done")).to_be_visible(timeout=SLOW)
        counts = summary(desk, reg)["states"]
        assert (counts["signed"], counts["awaiting_signature"]) == (signed, 30 - signed)
        desk.click("#next" if signed < 30 else "#finish")
    desk.wait_for_url("**/desk/agreements**")
    expect(desk.locator("#roster-summary")).to_contain_text("30 parakstīti")
    session.commit()  # a new transaction: what the served app wrote since
    methods = session.scalars(select(Agreement.method).join(Loan).join(Pupil).where(Pupil.grade == "7.b")).all()
    assert methods == ["desk"] * 30

    # 4. Class 7.a: the guardians are not at the desk; they get their links by e-mail
    hand_out(desk, reg, "7.a", laptops_7a)
    assert work(app).sent == 3
    links = sign_links(smtp)
    assert set(links) == {"inese@example.lv", "maris@example.lv", "dace@example.lv"}

    parent = guardian_phone(browser, desk.base)
    parent.goto(desk.base + links["inese@example.lv"])  # a drawn signature on a phone
    expect(parent.locator("html")).to_have_attribute("lang", "lv")
    check_page(parent)
    parent.check("#who-guardian")
    draw_signature(parent)
    parent.check("#consent")
    parent.click("#submit")
    expect(parent.locator("#signed-copy")).to_be_visible(timeout=SLOW)
    assert not pages.scrolls_sideways(parent)
    copy = parent.request.get(urljoin(parent.url, parent.locator("#signed-copy").get_attribute("href")))
    assert copy.ok and copy.body().startswith(b"%PDF")
    assert summary(desk, reg)["states"]["signed"] == 31

    parent = guardian_phone(browser, desk.base)
    parent.goto(desk.base + links["maris@example.lv"])  # typed, by keyboard alone
    parent.check("#who-guardian")
    parent.check("#kind-typed")
    parent.fill("#typed_name", "Māris Krūmiņš")
    parent.check("#consent")
    parent.click("#submit")
    expect(parent.locator("#signed-copy")).to_be_visible(timeout=SLOW)
    assert summary(desk, reg)["states"]["signed"] == 32

    # 5. Dace has not signed: after FLEET_REMINDER_DAYS the worker's pass reminds her, once
    later = utcnow() + timedelta(days=app.config["FLEET"].reminder_days + 1)
    config, sessions = app.config["FLEET"], app.extensions["fleet.sessionmaker"]
    assert reminders.run(sessions, config, now=later) == 1
    assert reminders.run(sessions, config, now=later + timedelta(hours=1)) == 0  # not twice within N days
    before = len(smtp.messages)
    assert work(app, now=later).sent >= 1
    reminder = [m for m in smtp.messages[before:] if m["To"] == "dace@example.lv"]
    assert len(reminder) == 1
    desk.goto(f"{desk.base}/desk/agreements?school={reg}&class=7.a")
    waiting = desk.locator('#roster tr[data-state="awaiting_signature"]')
    expect(waiting).to_have_count(1)
    check_page(desk)
    fresh = sign_links(smtp)["dace@example.lv"]
    assert fresh != links["dace@example.lv"]
    parent = guardian_phone(browser, desk.base)
    old = parent.goto(desk.base + links["dace@example.lv"])
    assert old.status in (404, 410)  # the reminder's new link replaced it
    parent.goto(desk.base + fresh)
    parent.check("#who-guardian")
    parent.check("#kind-typed")
    parent.fill("#typed_name", "Dace Zvaigzne")
    parent.check("#consent")
    parent.click("#submit")
    expect(parent.locator("#signed-copy")).to_be_visible(timeout=SLOW)
    counts = summary(desk, reg)["states"]
    assert (counts["signed"], counts["awaiting_signature"]) == (33, 0)

    # 6. The end of the year: 29 laptops collected by scanning, the 30th at the desk with its charger missing
    desk.goto(f"{desk.base}/station?mode=collect&school={reg}&class=7.b")
    count = desk.locator('#scan-counts [data-count="back"]')
    expect(count).to_have_text("0 no 30 atpakaļ")
    for device in laptops_7b[:29]:
        scan(desk, device.asset_tag)
        expect(desk.locator(f'#scan-log li[data-code="{device.asset_tag}"]')).to_have_attribute(
            "data-outcome", "applied", timeout=SLOW)
    expect(count).to_have_text("29 no 30 atpakaļ", timeout=SLOW)
    check_page(desk)

    last = laptops_7b[29]
    desk.goto(f"{desk.base}/desk/return?school={reg}")
    desk.fill("#return-code", last.asset_tag)
    desk.click("#return-find")
    expect(desk.locator("#pupil-class")).to_have_text("7.b")
    expect(desk.locator("#lent-with")).to_contain_text("lādētājs")
    desk.uncheck("#accessory-charger")
    desk.check("#condition-worn")
    desk.click("#return-commit")
    expect(desk.locator("#returned-missing")).to_contain_text("lādētājs", timeout=SLOW)
    check_page(desk)
    act = desk.request.get(desk.base + desk.locator("#return-act").get_attribute("href"))
    assert act.ok
    act_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(act.body())).pages)
    session.commit()  # a new transaction: what the served app wrote since
    loan = session.scalar(select(Loan).where(Loan.device_id == last.id))
    agreement_number = session.scalar(select(Agreement.number).where(Agreement.loan_id == loan.id))
    assert agreement_number in act_text and "nolietots" in act_text and "lādētājs" in act_text
    assert "worn" not in act_text
    assert session.scalar(select(Loan.status).where(Loan.id == loan.id)) == "returned"
    active = session.scalars(select(Loan.id).join(Pupil).where(Pupil.grade == "7.b", Loan.status == "active")).all()
    assert active == []
