"""The stocktakes pages with the test client: starting a count where the role may count, the result
(the page and the fragment htmx polls while it is open), closing, and another school's count as the
404 page."""

from __future__ import annotations

import re

from fleet.access.policy import Principal, Scope
from fleet.models import Stocktake
from provisioning import stocktakes
from tests.factories import DeviceFactory, SchoolFactory, current_session
from tests.page_routes import client_as
from tests.provisioning.web.forms import fragment, post_form


def test_school_it_starts_counts_and_closes_a_stocktake_at_its_school(app, session, count):
    school = SchoolFactory(name="Grobiņas ģimnāzija")
    here = [DeviceFactory(status="at_school", school=school).serial for _ in range(2)]
    elsewhere = DeviceFactory(status="at_school")
    client = client_as(app, "school_it", school)
    page = client.get("/stocktakes").get_data(as_text=True)
    assert f'<option value="{school.registration_number}">Grobiņas ģimnāzija' in page
    assert '<option value="">' not in page  # not the warehouse
    r = post_form(client, "/stocktakes", {"school": school.registration_number})
    assert r.status_code == 303
    stocktake_id = int(re.fullmatch(r"/stocktakes/(\d+)", r.headers["Location"]).group(1))
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f'href="/station?mode=stocktake&amp;stocktake={stocktake_id}"' in page
    assert 'id="count-expected">2<' in page and 'hx-trigger="every 2s"' in page
    assert '<a href="/stocktakes" aria-current="page">' in page  # the bar marks the area on a record's page

    db = current_session()
    scope = Scope.of(Principal(0, "skola", "school_it", frozenset({school.id})))
    stocktakes.scan(db, scope, db.get(Stocktake, stocktake_id), here[0])
    admin = Scope.of(Principal(0, "factory", "admin"))
    stocktakes.scan(db, admin, db.get(Stocktake, stocktake_id), elsewhere.serial)
    db.commit()
    part = fragment(client, f"/stocktakes/{stocktake_id}/result").get_data(as_text=True)
    assert "<html" not in part
    for name, n in (("expected", 2), ("found", 1), ("missing", 1), ("unexpected", 1)):
        assert f'id="count-{name}">{n}<' in part, name
    assert f'data-serial="{here[1]}"' in part and f'data-serial="{elsewhere.serial}"' in part

    r = post_form(client, f"/stocktakes/{stocktake_id}/close", {})
    assert r.status_code == 400 and 'data-code="invalid_input"' in r.get_data(as_text=True)
    r = post_form(client, f"/stocktakes/{stocktake_id}/close", {"confirm": "yes"})
    assert r.status_code == 303
    part = fragment(client, f"/stocktakes/{stocktake_id}/result").get_data(as_text=True)
    assert "hx-trigger" not in part and 'data-closed="yes"' in part
    page = client.get("/stocktakes").get_data(as_text=True)
    assert [int(i) for i in re.findall(r'<tr data-stocktake="(\d+)">', page)] == [stocktake_id]


def test_another_schools_stocktake_is_not_found_and_not_listed(app, session):
    ours, theirs = SchoolFactory(), SchoolFactory()
    admin = Scope.of(Principal(0, "factory", "admin"))
    db = current_session()
    other = stocktakes.start(db, admin, theirs.registration_number)
    warehouse = stocktakes.start(db, admin, None)
    db.commit()
    client = client_as(app, "school_it", ours)
    for path in (f"/stocktakes/{other.id}", f"/stocktakes/{warehouse.id}"):
        r = client.get(path)
        assert r.status_code == 404 and 'data-code="not_found"' in r.get_data(as_text=True)
    r = post_form(client, f"/stocktakes/{other.id}/close", {"confirm": "yes"})
    assert r.status_code == 404
    assert 'data-stocktake="' not in client.get("/stocktakes").get_data(as_text=True)
    page = client_as(app, "warehouse").get("/stocktakes").get_data(as_text=True)  # the warehouse: its own counts
    assert [int(i) for i in re.findall(r'<tr data-stocktake="(\d+)">', page)] == [warehouse.id]


def test_school_it_may_not_count_the_warehouse(app, session, count):
    client = client_as(app, "school_it", SchoolFactory())
    r = post_form(client, "/stocktakes", {"school": ""})
    assert r.status_code == 403 and 'data-code="forbidden"' in r.get_data(as_text=True)
    assert count(Stocktake) == 0
