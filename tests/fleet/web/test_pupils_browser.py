"""The pupils' pages in Chromium: a school IT person imports a class of 30 from the school register's
Windows-1257 export with Latvian group names, then sees the class in register order; a file with bad
lines lists them; a pupil's page and its form — at a desktop and a phone, in Latvian and English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import SchoolFactory
from tests.pages import check_page

HEADER = ("Skolēna ID;Vārds;Uzvārds;Klase;Likumiskais pārstāvis;Likumiskā pārstāvja e-pasts;Tālrunis;"
          "Mērķa grupa;Personas kods")
GIVEN = ["Ārija", "Čaba", "Ēriks", "Ģirts", "Īva", "Ķirils", "Ļena", "Ņikita", "Šarlote", "Ūna", "Žanis", "Anna",
         "Jānis", "Līga", "Pēteris"]
FAMILY = ["Ābele", "Bērziņš", "Čakste", "Dūmiņa", "Ēdole", "Freimane", "Ģērmane", "Hāzners", "Īvāns", "Jēkabsons",
          "Ķēniņš", "Kļaviņa", "Ļaviņa", "Mūrniece", "Ņikitins", "Ozoliņa", "Pūce", "Rēķe", "Šņore", "Tālbergs",
          "Ūdre", "Vīksna", "Zīle", "Žagare", "Abele", "Cīrule", "Egle", "Kalniņš", "Sproģe", "Upīte"]
GROUPS = ["Daudzbērnu ģimene", "trūcīga ģimene", "MAZNODROŠINĀTA ĢIMENE", "Bērns ar invaliditāti",
          "Speciālās izglītības vajadzības", "Large family"]

# Family name, then given name, in the Latvian alphabet: a ā b c č d e ē f g ģ h i ī j k ķ l ļ m n ņ o p r s š …
REGISTER_ORDER = [
    "Abele Ūna", "Ābele Ārija", "Bērziņš Čaba", "Cīrule Žanis", "Čakste Ēriks", "Dūmiņa Ģirts", "Egle Anna",
    "Ēdole Īva", "Freimane Ķirils", "Ģērmane Ļena", "Hāzners Ņikita", "Īvāns Šarlote", "Jēkabsons Ūna",
    "Kalniņš Jānis", "Kļaviņa Anna", "Ķēniņš Žanis", "Ļaviņa Jānis", "Mūrniece Līga", "Ņikitins Pēteris",
    "Ozoliņa Ārija", "Pūce Čaba", "Rēķe Ēriks", "Sproģe Līga", "Šņore Ģirts", "Tālbergs Īva", "Upīte Pēteris",
    "Ūdre Ķirils", "Vīksna Ļena", "Zīle Ņikita", "Žagare Šarlote"]


def class_of_30() -> bytes:
    lines = [HEADER]
    for i, family in enumerate(FAMILY):
        given = GIVEN[i % len(GIVEN)]
        lines.append(f"K{i + 1:03d};{given};{family};7.b;Kažoča {family};;+371 2{i:07d};"
                     f"{GROUPS[i % len(GROUPS)]};")
    data = ("\r\n".join(lines) + "\r\n").encode("cp1257")
    assert all(bytes([b]) in data for b in "āčēģīķļņšūž".encode("cp1257"))  # the Latvian letters, one byte each
    return data


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_school_it_imports_a_class_of_30_and_sees_it(staff, tmp_path, viewport, lang):
    school = SchoolFactory(name="Liepājas Raiņa 6. vidusskola")
    page = staff("school_it", school=school, viewport=viewport, lang=lang)
    page.goto(page.base + "/pupils")
    expect(page.locator("#no-pupils")).to_be_visible()
    check_page(page)
    page.click("#import")
    page.wait_for_url("**/pupils/import**")
    check_page(page)

    bad = tmp_path / "slikts.csv"
    bad.write_bytes((HEADER + "\r\nK1;Anna;;7.b;Ilze;;;Bagāta ģimene;\r\n").encode("cp1257"))
    page.set_input_files("#file", str(bad))
    page.click("#import-go")
    expect(page.locator("#refusal")).to_have_attribute("data-code", "invalid_input")
    expect(page.locator("#refusal-lines li")).to_have_count(2)
    expect(page.locator("#refusal-lines li").first).to_contain_text("2. rinda" if lang == "lv" else "line 2")
    expect(page.locator("#refusal-lines")).to_contain_text("Daudzbērnu ģimene" if lang == "lv" else "Large family")
    check_page(page)

    refused, page = page, page.context.new_page()  # the refusal stays open (its screenshot)
    page.base, page.csp_blocked = refused.base, []
    page.on("console", lambda m: page.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(page.base + "/pupils/import")
    good = tmp_path / "7b.csv"
    good.write_bytes(class_of_30())
    page.set_input_files("#file", str(good))
    page.click("#import-go")
    page.wait_for_url("**/pupils?school=*&class=7.b")
    expect(page.locator(".flash.ok")).to_contain_text("30")
    rows = page.locator("#pupils tbody tr")
    expect(rows).to_have_count(30)
    assert page.locator("#pupils .name").all_inner_texts() == REGISTER_ORDER
    expect(page.locator("#pupils")).to_contain_text("Daudzbērnu ģimene" if lang == "lv" else "Large family")
    expect(page.locator('#classes a[aria-current="page"]')).to_have_text("7.b")
    check_page(page)

    href = page.locator("#pupils .name").first.get_attribute("href")
    listing, page = page, page.context.new_page()  # the class stays open (its screenshot); the pupil in a tab
    page.base, page.csp_blocked = listing.base, []
    page.on("console", lambda m: page.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(page.base + href)
    expect(page.locator("#pupil-name")).to_have_text("Ūna Abele")
    expect(page.locator("#no-loans")).to_be_visible()
    check_page(page)
    page.select_option("#f-eligibility", "disability")
    page.fill("#f-guardian_email", "nav-adrese")
    page.click("#save")
    expect(page.locator("#e-guardian_email")).to_be_visible()
    check_page(page)
    page.fill("#f-guardian_email", "anna.abele@example.lv")
    page.click("#save")
    expect(page.locator(".flash.ok")).to_be_visible()
    expect(page.locator("#group")).to_contain_text("Bērns ar invaliditāti" if lang == "lv"
                                                   else "Child with a disability")
    check_page(page)
