"""The scan station's page without a browser: which modes each role is offered, what the URL's mode and
parameters give (ready, not ready, refused), and what the page hands to station.js."""

from __future__ import annotations

import html
import json
import re

import pytest

from fleet import scan_station
from fleet.access.policy import Principal, Scope
from provisioning import deliveries, shipments
from tests.factories import DeliveryFactory, DeviceFactory, SchoolFactory, current_session
from tests.page_routes import client_as

EVERYWHERE = Scope.of(Principal(0, "factory", "admin"))


def shipment_to(school, *devices) -> int:
    """A shipment from the warehouse to ``school`` (of new labelled devices unless given): its id."""
    devices = devices or (DeviceFactory(status="labelled"),)
    session = current_session()
    shipment = shipments.create_shipment(session, EVERYWHERE, school.registration_number, [d.serial for d in devices])
    session.commit()
    return shipment.id


def _get(client, path: str, lang: str = "lv"):
    r = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
    return r, r.get_data(as_text=True)


def _offered(body: str) -> list[str]:
    select = body[body.index('<select id="mode"'):body.index("</select>", body.index('<select id="mode"'))]
    return re.findall(r'<option value="(\w+)"', select)


def _data(body: str, name: str):
    return json.loads(html.unescape(re.search(rf"data-{name}='([^']*)'", body).group(1)))


@pytest.mark.parametrize(("role", "modes"), [
    ("warehouse", ["receive", "image", "label", "ship", "stocktake", "repair", "note", "lookup"]),
    ("school_it", ["arrive", "stocktake", "wipe", "repair", "note", "lookup", "collect"]),
    ("admin", list(scan_station.MODES)),
    ("ministry", ["lookup"]),
    ("auditor", ["lookup"]),
])
def test_each_role_is_offered_the_modes_it_may_apply(app, role, modes):
    school = SchoolFactory() if role == "school_it" else None
    r, body = _get(client_as(app, role, school), "/station")
    assert r.status_code == 200
    assert _offered(body) == modes == scan_station.modes_for(Principal(1, "x", role))
    assert 'id="scan-code"' in body  # look-up needs nothing more: ready at once


def test_a_configured_receive_station(app):
    delivery = DeliveryFactory(serials=["RCV-0001", "RCV-0002"])
    r, body = _get(client_as(app, "warehouse"), f"/station?mode=receive&delivery={delivery.id}")
    assert r.status_code == 200
    assert 'data-mode="receive"' in body and 'data-ready="true"' in body
    assert _data(body, "params") == {"delivery": delivery.id}
    assert f'<option value="{delivery.id}" selected>' in body
    assert 'id="station-setup"' in body and f"#{delivery.id}" in body
    label = re.search(r'<label for="scan-code">([^<]*)</label>', body).group(1)
    assert "Skenēt" in label
    assert '<div id="scan-log" role="log" aria-live="polite"' in body
    assert 'station/camera.html' not in body and 'id="camera"' in body  # the camera's markup is included
    assert "station-camera.js" in body and "station.js" in body
    words = _data(body, "words")
    assert words["outcome"]["applied"] and words["action"]["receive"] and words["refusal"]["invalid_transition"]
    assert "wasm-unsafe-eval" in r.headers["Content-Security-Policy"]


def test_the_page_speaks_english_when_asked(app):
    r, body = _get(client_as(app, "warehouse"), "/station?mode=label", lang="en")
    assert '<html lang="en"' in body
    label = re.search(r'<label for="scan-code">([^<]*)</label>', body).group(1)
    assert "Scan" in label
    assert _data(body, "words")["outcome"]["applied"] == "Applied"


def test_a_mode_without_its_parameters_is_not_ready(app):
    r, body = _get(client_as(app, "warehouse"), "/station?mode=receive")
    assert r.status_code == 200 and 'data-ready="false"' in body
    assert 'id="station-not-ready"' in body and 'id="scan-code"' not in body
    r, body = _get(client_as(app, "warehouse"), "/station?mode=image&station=A1")
    assert 'data-ready="false"' in body and 'value="A1"' in body  # what was given stays in the form


@pytest.mark.parametrize(("role", "path", "status", "code"), [
    ("warehouse", "/station?mode=dance", 400, "invalid_input"),
    ("warehouse", "/station?mode=arrive&shipment=1", 403, "forbidden"),
    ("school_it", "/station?mode=receive&delivery=1", 403, "forbidden"),
    ("ministry", "/station?mode=note&text=x", 403, "forbidden"),
    ("warehouse", "/station?mode=receive&delivery=999999", 404, "not_found"),
    ("warehouse", "/station?mode=receive&delivery=x1", 400, "invalid_input"),
    ("warehouse", "/station?mode=ship&school=0000000000", 400, "invalid_input"),
    ("warehouse", "/station?mode=image&image=" + "x" * 101, 400, "invalid_input"),
])
def test_a_refused_choice_shows_the_form_and_why(app, role, path, status, code):
    school = SchoolFactory() if role == "school_it" else None
    r, body = _get(client_as(app, role, school), path)
    assert r.status_code == status
    assert f'data-code="{code}"' in body and 'id="mode-form"' in body and 'id="scan-code"' not in body


def test_a_closed_delivery_is_a_conflict(app):
    delivery = DeliveryFactory(serials=["CLS-0001"])
    session = current_session()
    deliveries.close(session, deliveries.get_delivery(session, delivery.id), "factory")
    session.commit()
    r, body = _get(client_as(app, "warehouse"), f"/station?mode=receive&delivery={delivery.id}")
    assert r.status_code == 409 and 'data-code="conflict"' in body


def test_school_it_receives_only_its_schools_shipments(app):
    school, other = SchoolFactory(), SchoolFactory()
    mine, theirs = shipment_to(school), shipment_to(other)
    client = client_as(app, "school_it", school)
    r, body = _get(client, f"/station?mode=arrive&shipment={mine}")
    assert r.status_code == 200 and f'<option value="{mine}" selected>' in body
    assert f'<option value="{theirs}"' not in body
    r, body = _get(client, f"/station?mode=arrive&shipment={theirs}")
    assert r.status_code == 404 and 'data-code="not_found"' in body


def test_the_mode_form_is_a_get_form_naming_the_documented_parameters(app):
    r, body = _get(client_as(app, "admin"), "/station")
    form = body[body.index('<form id="mode-form"'):body.index("</form>", body.index('<form id="mode-form"'))]
    assert 'method="get"' in form and 'action="/station"' in form
    names = re.findall(r'name="(\w+)"', form)
    assert names == ["mode", "delivery", "image", "station", "school", "shipment", "stocktake", "text",
                     "school", "class"]  # collect's school: the schools the caller lends at
