"""The start page by role: the warehouse's work of the day, a school's arrivals, everyone's counts
by status in words — in Chromium in both languages, on a desktop and a phone."""

from __future__ import annotations

import re

import pytest

from fleet.access.policy import Principal, Scope
from tests.factories import ContractFactory, DeliveryFactory, DeviceFactory, SchoolFactory, current_session
from tests.page_routes import client_as
from tests.pages import check_page

EVERYWHERE = Scope.of(Principal(0, "factory", "admin"))


def _shipment(school, n: int, arrived: int = 0) -> int:
    from provisioning.shipments import create_shipment

    session = current_session()
    devices = DeviceFactory.create_batch(n, status="labelled")
    shipment = create_shipment(session, EVERYWHERE, school.registration_number, [d.serial for d in devices])
    session.commit()
    for device in devices[:arrived]:
        from provisioning.shipments import arrive
        arrive(session, EVERYWHERE, shipment, device.serial)
    session.commit()
    return shipment.id


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_warehouse_sees_its_work_of_the_day(app, session):
    delivery = DeliveryFactory(contract=ContractFactory(number="IZM-2026/101"), serials=["WH-1", "WH-2", "WH-3"])
    DeviceFactory.create_batch(2, status="in_warehouse")
    DeviceFactory(status="imaged")
    closed = DeliveryFactory(contract=ContractFactory(), serials=["WH-9"])
    closed.closed_at, closed.closed_by = closed.created_at, "x"
    session.commit()
    shipment = _shipment(SchoolFactory(name="Tukuma 2. pamatskola"), 3, arrived=1)
    page = client_as(app, "warehouse").get("/").get_data(as_text=True)
    assert f'data-delivery="{delivery.id}"' in page and f'data-delivery="{closed.id}"' not in page
    assert "0 / 3" in _text(page[page.index(f'data-delivery="{delivery.id}"'):])
    waiting = _text(page[page.index('id="waiting"'):page.index("</ul>", page.index('id="waiting"'))])
    assert "gaida: instalēt operētājsistēmas attēlu" in waiting  # the step in words (the catalog)
    assert re.search(r'data-status="in_warehouse">.*?<span class="big n">2</span>', page, re.S)
    assert re.search(r'data-status="imaged">.*?<span class="big n">1</span>', page, re.S)
    road = page[page.index(f'data-shipment="{shipment}"'):]
    assert "Tukuma 2. pamatskola" in road and "2 / 3" in _text(road[:400])


def test_the_laptops_waiting_take_the_verb_s_number_in_english(app, session):
    DeviceFactory.create_batch(2, status="in_warehouse")
    DeviceFactory(status="imaged")
    session.commit()
    client = client_as(app, "warehouse")
    client.set_cookie("lang", "en")
    page = client.get("/").get_data(as_text=True)
    card = {status: _text(page[page.index(f'data-status="{status}"'):])[:120] for status in ("in_warehouse", "imaged")}
    assert "2 wait for: install the image" in card["in_warehouse"]
    assert "1 waits for: label" in card["imaged"]


def test_a_school_sees_its_arrivals_and_no_other_school_s(app, session):
    mine, theirs = SchoolFactory(name="Grobiņas ģimnāzija"), SchoolFactory(name="Liepājas 5. vidusskola")
    coming, elsewhere = _shipment(mine, 2), _shipment(theirs, 1)
    DeviceFactory.create_batch(2, status="at_school", school=mine)
    page = client_as(app, "school_it", mine).get("/").get_data(as_text=True)
    assert "Gaidāmie sūtījumi" in page
    assert f'data-shipment="{coming}"' in page and f'data-shipment="{elsewhere}"' not in page
    assert "Liepājas" not in page
    assert 'id="waiting"' not in page and 'id="open-deliveries"' not in page  # the warehouse's work is not theirs
    assert re.search(r'data-status="at_school">.*?skolā.*?<td class="n">2</td>', page, re.S)  # Latvian, not at_school


def test_a_manager_sees_counts_in_words_only(app, session):
    DeviceFactory.create_batch(3, status="on_loan")
    page = client_as(app, "ministry").get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'id="total">3<' in page and "on loan" in page
    assert 'id="waiting"' not in page


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize(("role", "lang"), [("warehouse", "lv"), ("school_it", "en")])
def test_the_start_page_passes_the_checks(staff, session, role, lang, viewport):
    school = SchoolFactory()
    DeliveryFactory(contract=ContractFactory(), serials=["CHK-1"])
    _shipment(school, 2)
    page = staff(role, school=school if role == "school_it" else None, viewport=viewport, lang=lang)
    page.goto(page.base + "/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("#role").get_attribute("data-role") == role
    assert page.locator("#nav a[aria-current=page]").count() == 1
    check_page(page)


@pytest.mark.parametrize(("role", "path", "item"), [
    ("warehouse", "/devices/{serial}", "/devices"), ("warehouse", "/", "/"), ("ministry", "/station", "/station"),
    ("warehouse", "/deliveries/{delivery}", "/deliveries"), ("admin", "/admin/users", "/admin"),
])
def test_the_bar_marks_the_area_also_on_a_record_s_page(app, session, role, path, item):
    world = {"serial": DeviceFactory(status="in_warehouse").serial,
             "delivery": DeliveryFactory(contract=ContractFactory(), serials=["BAR-1"]).id}
    page = client_as(app, role).get(path.format_map(world)).get_data(as_text=True)
    nav = page[page.index('id="nav"'):page.index("</nav>")]
    assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == [item]
