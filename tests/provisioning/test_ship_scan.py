"""The packing station (``POST /shipments/scan``): each scan ships one device to the school and puts
it on the station's open shipment, started by the first scan; and every mode of the scan station
answers a retried scan (the same nonce) ``already``, writing nothing twice."""

import uuid

import pytest
from sqlalchemy import select

from fleet import resolvers
from fleet.access.policy import Principal, Scope
from fleet.models import ArrivalScan, DeliveryScan, Event, StocktakeScan
from provisioning import shipments, stocktakes
from tests.conftest import error_code
from tests.factories import DeliveryFactory, DeviceFactory, SchoolFactory, current_session

EVERYWHERE = Scope.of(Principal(0, "factory", "admin"))


def ship_scan(api, school, code, shipment=None, nonce=None):
    body = {"code": code, "school": school.registration_number}
    if shipment is not None:
        body["shipment"] = shipment
    if nonce is not None:
        body["nonce"] = nonce
    return api.post("shipments/scan", json=body)


def test_the_first_scan_starts_the_shipment_and_the_next_join_it(api):
    school = SchoolFactory()
    devices = [DeviceFactory(status="labelled") for _ in range(3)]
    first = ship_scan(api, school, devices[0].serial)
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["applied"] and body["device"]["status"] == "in_transit"
    shipment = body["shipment"]
    for device in devices[1:]:
        r = ship_scan(api, school, device.asset_tag, shipment)
        assert (r.status_code, r.get_json()["shipment"]) == (200, shipment)
    report = api.get(f"shipments/{shipment}").get_json()
    assert report["school"] == school.registration_number and report["from_school"] is None
    assert report["counts"]["expected"] == 3 and sorted(report["missing"]) == sorted(d.serial for d in devices)


def test_a_double_scan_is_already_and_stays_on_its_shipment(api, count):
    school = SchoolFactory()
    device = DeviceFactory(status="labelled")
    shipment = ship_scan(api, school, device.serial).get_json()["shipment"]
    again = ship_scan(api, school, device.serial, shipment).get_json()
    assert (again["applied"], again["already"], again["shipment"]) == (False, True, shipment)
    assert api.get(f"shipments/{shipment}").get_json()["counts"]["expected"] == 1


def test_a_retry_without_the_shipment_is_answered_with_the_one_it_started(api, count):
    """The answer to the first scan was lost: the station retries it (same nonce), still without a shipment."""
    school = SchoolFactory()
    device = DeviceFactory(status="labelled")
    nonce = uuid.uuid4().hex
    shipment = ship_scan(api, school, device.serial, nonce=nonce).get_json()["shipment"]
    retry = ship_scan(api, school, device.serial, nonce=nonce).get_json()
    assert (retry["already"], retry["shipment"]) == (True, shipment)
    assert count(Event, Event.device_id == device.id, Event.action == "ship") == 1


def test_refusals(api, api_as):
    school, other = SchoolFactory(), SchoolFactory()
    imaged = DeviceFactory(status="imaged")
    r = ship_scan(api, school, imaged.serial)
    assert r.status_code == 409 and error_code(r) == "invalid_transition"
    assert "label" in r.get_json()["error"]["details"]["allowed"]
    assert error_code(ship_scan(api, school, "NOPE-404")) == "not_found"
    assert error_code(api.post("shipments/scan", json={"code": imaged.serial, "school": "0000000000"})) \
        == "invalid_input"
    shipment = ship_scan(api, school, DeviceFactory(status="labelled").serial).get_json()["shipment"]
    elsewhere = ship_scan(api, other, DeviceFactory(status="labelled").serial, shipment)
    assert elsewhere.status_code == 409 and error_code(elsewhere) == "conflict"
    assert error_code(ship_scan(api, school, DeviceFactory(status="labelled").serial, 999_999)) == "not_found"
    it = api_as("school_it", school=school)
    assert error_code(ship_scan(it, school, DeviceFactory(status="labelled").serial)) == "forbidden"


def test_a_shipment_that_began_to_arrive_takes_no_more(api, api_as):
    school = SchoolFactory()
    device = DeviceFactory(status="labelled")
    shipment = ship_scan(api, school, device.serial).get_json()["shipment"]
    assert api_as("school_it", school=school).post(f"shipments/{shipment}/arrive",
                                                   json={"code": device.serial}).status_code == 200
    late = ship_scan(api, school, DeviceFactory(status="labelled").serial, shipment)
    assert late.status_code == 409 and error_code(late) == "conflict"


def _events(session, device) -> int:
    session.commit()
    return len(session.scalars(select(Event.id).where(Event.device_id == device.id)).all())


def _modes(api, api_as, school):
    """(device, path, body, the client, the place's scans (model, where)) for every station mode."""
    delivery = DeliveryFactory(serials=["STN-0001"])
    on_its_way = DeviceFactory(status="labelled")
    shipped = {"shipment": shipments.create_shipment(current_session(), EVERYWHERE, school.registration_number,
                                                     [on_its_way.serial]).id, "in_transit": on_its_way.serial}
    stocktake = stocktakes.start(current_session(), EVERYWHERE, school.registration_number).id
    current_session().commit()
    it = api_as("school_it", school=school)
    at_school = DeviceFactory(status="at_school", school=school)
    return [
        ("receive", "STN-0001", f"deliveries/{delivery.id}/receive", {}, api, (DeliveryScan, delivery.id)),
        ("arrive", shipped["in_transit"], f"shipments/{shipped['shipment']}/arrive", {}, it,
         (ArrivalScan, shipped["shipment"])),
        ("stocktake", at_school.serial, f"stocktakes/{stocktake}/scan", {}, it, (StocktakeScan, stocktake)),
        ("ship", DeviceFactory(status="labelled").serial, "shipments/scan", {"school": school.registration_number},
         api, None),
        ("image", DeviceFactory(status="in_warehouse").serial, "scan", {"action": "image", "image": "win11"}, api,
         None),
        ("label", DeviceFactory(status="imaged").asset_tag, "scan", {"action": "label"}, api, None),
        ("wipe", at_school.asset_tag, "scan", {"action": "wipe"}, it, None),
        ("repair", DeviceFactory(status="in_warehouse").serial, "scan", {"action": "repair"}, api, None),
        ("note", DeviceFactory(status="imaged").serial, "scan", {"action": "note", "text": "skrāpējums"}, api, None),
    ]


@pytest.mark.parametrize("mode", ["receive", "arrive", "stocktake", "ship", "image", "label", "wipe", "repair",
                                  "note"])
def test_every_station_mode_answers_a_retry_already(api, api_as, session, count, mode):
    """The station's offline queue resends a scan whose answer it never got: one event, one kept scan."""
    school = SchoolFactory()
    _, code, path, extra, client, place = next(m for m in _modes(api, api_as, school) if m[0] == mode)
    device = resolvers.resolve(session, code, EVERYWHERE)
    before = _events(session, device)
    nonce = uuid.uuid4().hex
    first = client.post(path, json={"code": code, "nonce": nonce, **extra})
    assert first.status_code == 200 and first.get_json()["applied"], first.get_json()
    scans = count(place[0], place[0].__table__.c[f"{mode_place(place[0])}_id"] == place[1]) if place else None
    retry = client.post(path, json={"code": code, "nonce": nonce, **extra})
    assert retry.status_code == 200, retry.get_json()
    assert (retry.get_json()["applied"], retry.get_json()["already"]) == (False, True)
    assert _events(session, device) == before + 1
    if place:
        assert count(place[0], place[0].__table__.c[f"{mode_place(place[0])}_id"] == place[1]) == scans


def mode_place(model) -> str:
    return {DeliveryScan: "delivery", ArrivalScan: "shipment", StocktakeScan: "stocktake"}[model]
