"""The shipments pages with the test client: the list as each side sees it (school IT: to and from its
schools), another school's shipment as the 404 page, a shipment's devices and arrival, and the links
to the station that builds and receives shipments."""

from __future__ import annotations

import re

from fleet.access.policy import Principal, Scope
from provisioning import shipments
from tests.factories import DeviceFactory, SchoolFactory, current_session
from tests.page_routes import client_as
from tests.provisioning.web.forms import fragment

EVERYONE = Scope.of(Principal(0, "factory", "admin"))


def shipment_to(school, *serials):
    db = current_session()
    made = shipments.create_shipment(db, EVERYONE, school.registration_number,
                                     [DeviceFactory(status="labelled", serial=s).serial for s in serials])
    db.commit()
    return made


def test_school_it_sees_its_schools_shipments_only(app, session):
    ours, theirs = SchoolFactory(), SchoolFactory()
    mine, other = shipment_to(ours, "PFS00001"), shipment_to(theirs, "PFS00002")
    client = client_as(app, "school_it", ours)
    page = client.get("/shipments").get_data(as_text=True)
    assert [int(i) for i in re.findall(r'<tr data-shipment="(\d+)">', page)] == [mine.id]
    assert 'id="build-shipment"' not in page  # school IT does not ship from the warehouse
    r = client.get(f"/shipments/{other.id}")
    assert r.status_code == 404 and 'data-code="not_found"' in r.get_data(as_text=True)
    warehouse = client_as(app, "warehouse").get("/shipments").get_data(as_text=True)
    assert [int(i) for i in re.findall(r'<tr data-shipment="(\d+)">', warehouse)] == [other.id, mine.id]


def test_the_warehouse_builds_a_shipment_at_the_station(app, session):
    school = SchoolFactory(name="Aizputes vidusskola")
    page = client_as(app, "warehouse").get("/shipments").get_data(as_text=True)
    form = page[page.index('<form method="get" action="/station" id="build-shipment"'):]
    form = form[:form.index("</form>")]
    assert 'name="mode" value="ship"' in form
    assert f'<option value="{school.registration_number}">Aizputes vidusskola' in form


def test_a_shipment_shows_its_devices_what_arrived_and_the_way_to_receive_it(app, session):
    school = SchoolFactory()
    shipment = shipment_to(school, "PFA00001", "PFA00002")
    stray = DeviceFactory(status="in_transit", school=school, serial="PFA00003")
    db = current_session()
    school_it = Scope.of(Principal(0, "skola", "school_it", frozenset({school.id})))
    for code in ("PFA00001", "PFA00001", stray.serial):
        shipments.arrive(db, school_it, shipment, code)
    db.commit()
    client = client_as(app, "school_it", school)
    page = client.get(f"/shipments/{shipment.id}").get_data(as_text=True)
    for name, n in (("expected", 2), ("found", 1), ("missing", 1), ("unexpected", 1), ("repeated", 1)):
        assert f'id="count-{name}">{n}<' in page, name
    assert 'data-serial="PFA00001" data-status="at_school"' in page
    assert 'data-serial="PFA00002" data-status="in_transit"' in page
    assert "PFA00003" in page[page.index('id="unexpected"'):]
    assert f'href="/station?mode=arrive&amp;shipment={shipment.id}"' in page
    assert '<a href="/shipments" aria-current="page">' in page  # the bar marks the area on a record's page
    assert f'href="/api/v1/shipments/{shipment.id}/packing-list.pdf"' in page
    r = client.get(f"/api/v1/shipments/{shipment.id}/packing-list.pdf")  # the link works with the page's session
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    # the warehouse sees it, and may not receive it
    page = client_as(app, "warehouse").get(f"/shipments/{shipment.id}").get_data(as_text=True)
    assert 'id="arrive"' not in page and 'id="packing-list"' in page


def test_the_arrival_follows_the_school_and_stops_once_everything_came(app, session):
    school = SchoolFactory()
    shipment = shipment_to(school, "PFV00001", "PFV00002")
    client = client_as(app, "school_it", school)
    part = fragment(client, f"/shipments/{shipment.id}/arrival").get_data(as_text=True)
    assert "<html" not in part and 'hx-trigger="every 2s"' in part and 'id="count-found">0<' in part
    seen = re.search(r'data-version="([^"]+)"', part).group(1)
    assert fragment(client, f"/shipments/{shipment.id}/arrival?seen={seen}").status_code == 204
    db = current_session()
    for code in ("PFV00001", "PFV00002"):
        shipments.arrive(db, Scope.of(Principal(0, "skola", "school_it", frozenset({school.id}))), shipment, code)
    db.commit()
    part = fragment(client, f"/shipments/{shipment.id}/arrival?seen={seen}").get_data(as_text=True)
    assert 'id="count-found">2<' in part and "hx-trigger" not in part  # all arrived: no more polling
    assert 'id="nav"' in client.get(f"/shipments/{shipment.id}/arrival").get_data(as_text=True)  # as a page
