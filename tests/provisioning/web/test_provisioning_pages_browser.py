"""The warehouse's pages in Chromium: each list and each record at a desktop and a phone, in Latvian
and English, passing the checks every page passes; the delivery's reconciliation changing while a
station scans (a scan through the API, the page not reloaded); a manifest with bad lines sent
through the form. Each test leaves its pages open for the screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fleet.access.policy import Principal, Scope
from provisioning import deliveries, shipments, stocktakes
from tests.factories import DeliveryFactory, DeviceFactory, SchoolFactory, UserFactory, current_session, token_for
from tests.pages import check_page
from tests.provisioning.test_manifests import csv_bytes

EVERYONE = Scope.of(Principal(0, "factory", "admin"))
VIEWS = [("desktop", "lv"), ("desktop", "en"), ("phone", "lv"), ("phone", "en")]


def another_tab(page):
    """A second page of the same signed-in browser, with what ``check_page`` looks at."""
    tab = page.context.new_page()
    tab.base, tab.csp_blocked = page.base, []
    tab.on("console", lambda m: tab.csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
    return tab


def a_delivery_under_way():
    delivery = DeliveryFactory(serials=[f"PF5CG{n:05d}" for n in range(12)])
    db = current_session()
    for code in ("PF5CG00000", "PF5CG00001", "PF5CG00001", "PFUNEXP0001"):
        deliveries.receive(db, delivery, code, "noliktava")
    db.commit()
    return delivery


@pytest.mark.parametrize(("viewport", "lang"), VIEWS)
def test_the_deliveries_pages(staff, viewport, lang):
    delivery = a_delivery_under_way()
    page = staff("warehouse", viewport=viewport, lang=lang)
    page.goto(page.base + "/deliveries")
    expect(page.locator(f'tr[data-delivery="{delivery.id}"]')).to_contain_text("2 / 12")
    check_page(page)
    tab = another_tab(page)
    tab.goto(f"{tab.base}/deliveries/{delivery.id}")
    expect(tab.locator("#count-unexpected")).to_have_text("1")
    expect(tab.locator("#count-repeated")).to_have_text("1")
    check_page(tab)


@pytest.mark.parametrize(("viewport", "lang"), VIEWS)
def test_the_shipments_pages(staff, viewport, lang):
    school = SchoolFactory(name="Liepājas Raiņa 6. vidusskola")
    db = current_session()
    shipment = shipments.create_shipment(db, EVERYONE, school.registration_number,
                                         [DeviceFactory(status="labelled").serial for _ in range(3)])
    db.commit()
    first = shipments.reconciliation(db, shipment).missing[0]
    shipments.arrive(db, EVERYONE, shipment, first)
    db.commit()
    page = staff("school_it", school=school, viewport=viewport, lang=lang)
    page.goto(page.base + "/shipments")
    expect(page.locator(f'tr[data-shipment="{shipment.id}"]')).to_contain_text("1 / 3")
    check_page(page)
    tab = another_tab(page)
    tab.goto(f"{tab.base}/shipments/{shipment.id}")
    expect(tab.locator("#arrive")).to_have_attribute("href", f"/station?mode=arrive&shipment={shipment.id}")
    check_page(tab)


@pytest.mark.parametrize(("viewport", "lang"), VIEWS)
def test_the_stocktakes_pages(staff, viewport, lang):
    school = SchoolFactory(name="Grobiņas ģimnāzija")
    serials = [DeviceFactory(status="at_school", school=school).serial for _ in range(3)]
    stray = DeviceFactory(status="at_school")
    db = current_session()
    stocktake = stocktakes.start(db, EVERYONE, school.registration_number)
    for code in (serials[0], stray.serial):
        stocktakes.scan(db, EVERYONE, stocktake, code)
    db.commit()
    page = staff("school_it", school=school, viewport=viewport, lang=lang)
    page.goto(page.base + "/stocktakes")
    check_page(page)
    tab = another_tab(page)
    tab.goto(f"{tab.base}/stocktakes/{stocktake.id}")
    expect(tab.locator("#count-missing")).to_have_text("2")
    check_page(tab)


def test_the_reconciliation_follows_the_stations_without_a_reload(staff, app):
    delivery = DeliveryFactory(serials=["PFLIVE0001", "PFLIVE0002"])
    token = token_for(UserFactory(role="warehouse"))
    page = staff("warehouse", lang="en")
    page.goto(f"{page.base}/deliveries/{delivery.id}")
    expect(page.locator("#count-found")).to_have_text("0")
    page.evaluate("window.fleetNotReloaded = true")
    api = app.test_client()
    for code in ("PFLIVE0001", "PFLIVE0001", "PFSURPRISE1"):
        r = api.post(f"/api/v1/deliveries/{delivery.id}/receive", json={"code": code},
                     headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.get_json()
    expect(page.locator("#count-found")).to_have_text("1", timeout=15_000)
    expect(page.locator("#count-unexpected")).to_have_text("1", timeout=15_000)
    expect(page.locator("#count-repeated")).to_have_text("1", timeout=15_000)
    expect(page.locator("#missing")).to_contain_text("PFLIVE0002")
    assert page.evaluate("window.fleetNotReloaded") is True
    # closed by the form (the box ticked): the page stops polling
    page.check("#confirm")
    page.click("#close button[type=submit]")
    expect(page.locator("#reconciliation")).to_have_attribute("data-closed", "yes")
    expect(page.locator("#reconciliation")).not_to_have_attribute("hx-trigger", "every 2s")
    check_page(page)


def test_a_manifest_with_bad_lines_through_the_form(staff, tmp_path, count):
    from fleet.models import Delivery
    from tests.factories import ContractFactory

    contract = ContractFactory()
    manifest = tmp_path / "piegade.csv"
    manifest.write_bytes(csv_bytes(["Serial", "Model"], [("PFOK000001", "x"), ("PF", "x"), ("PFOK000001", "x")]))
    page = staff("warehouse", viewport="phone", lang="en")
    page.goto(page.base + "/deliveries")
    page.select_option("#contract", contract.number)
    page.set_input_files("#file", str(manifest))
    page.click("#create-delivery button[type=submit]")
    expect(page.locator("#refusal")).to_have_attribute("data-code", "invalid_input")
    expect(page.locator("#refusal-lines li")).to_have_count(2)
    expect(page.locator("#refusal-lines li").first).to_contain_text("line 3")
    expect(page.locator("#refusal-lines li").nth(1)).to_contain_text("line 4")
    assert count(Delivery) == 0
    check_page(page)
