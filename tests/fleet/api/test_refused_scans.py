"""Refused scans are kept (at intake, arrival, stocktake and ``/scan``): who, when, where, the code
and the error; never in the device's history, never personal data, a station's retry once."""

from fleet.models import AccessLogEntry, Event, RefusedScan
from fleet.resolvers import MAX_CODE_LENGTH
from tests.conftest import error_code
from tests.factories import DeliveryFactory, DeviceFactory, SchoolFactory


def refused(api, query: str = "") -> list[dict]:
    r = api.get(f"scans/refused{query}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def ship(api, school, *serials) -> int:
    r = api.post("shipments", json={"school": school.registration_number, "devices": list(serials)})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def test_a_refused_intake_scan_is_kept_with_its_code_and_error(api, count):
    delivery = DeliveryFactory(serials=["PFD00001"])
    at_school = DeviceFactory(status="at_school")
    events = count(Event, Event.device_id == at_school.id)
    r = api.post(f"deliveries/{delivery.id}/receive", json={"code": at_school.serial.lower(), "nonce": "st1-0001"})
    assert r.status_code == 409 and error_code(r) == "invalid_transition"
    assert count(Event, Event.device_id == at_school.id) == events  # not the device's history
    [row] = refused(api, f"?delivery={delivery.id}")
    assert (row["action"], row["code"], row["error"]["code"]) == (
        "receive", at_school.serial.lower(), "invalid_transition")
    assert row["error"]["message"] and row["actor"] and row["at"].endswith("Z")
    assert (row["delivery"], row["shipment"], row["stocktake"], row["nonce"]) == (delivery.id, None, None, "st1-0001")
    assert row["device"] == {"serial": at_school.serial, "asset_tag": at_school.asset_tag}
    assert api.get(f"deliveries/{delivery.id}").get_json()["refused"] == 1


def test_an_accepted_scan_is_not_kept(api, count):
    delivery = DeliveryFactory(serials=["PFD00001"])
    assert api.post(f"deliveries/{delivery.id}/receive", json={"code": "PFD00001"}).status_code == 200
    assert api.post("scan", json={"code": "PFD00001"}).status_code == 200
    assert count(RefusedScan) == 0
    assert api.get(f"deliveries/{delivery.id}").get_json()["refused"] == 0


def test_a_refused_arrival_is_kept_and_seen_by_the_receiving_school_only(api, api_as, count):
    school, elsewhere = SchoolFactory(), SchoolFactory()
    mine, theirs = DeviceFactory(status="labelled"), DeviceFactory(status="labelled")
    shipment = ship(api, school, mine.serial)
    ship(api, elsewhere, theirs.serial)
    it = api_as("school_it", school=school)
    events = count(Event, Event.device_id == theirs.id)
    r = it.post(f"shipments/{shipment}/arrive", json={"code": theirs.serial})
    assert error_code(r) == "not_found"  # headed to another school: not this school's to see
    assert count(Event, Event.device_id == theirs.id) == events
    [row] = refused(it, f"?shipment={shipment}")
    assert (row["action"], row["code"], row["error"]["code"], row["shipment"]) == (
        "arrive", theirs.serial, "not_found", shipment)
    assert row["device"] is None  # the other school's laptop: this school does not see it
    assert refused(it) == [row]
    assert it.get(f"shipments/{shipment}").get_json()["refused"] == 1
    stranger = api_as("school_it", school=elsewhere)
    assert error_code(stranger.get(f"scans/refused?shipment={shipment}")) == "not_found"
    assert refused(stranger) == []
    # the warehouse ships, it does not receive
    assert error_code(api_as("warehouse").get(f"scans/refused?shipment={shipment}")) == "not_found"
    # another school's scan at this shipment is refused (not found) and not kept here
    assert error_code(stranger.post(f"shipments/{shipment}/arrive", json={"code": mine.serial})) == "not_found"
    assert count(RefusedScan) == 1


def test_a_refused_stocktake_scan_is_kept(api_as, count):
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    stocktake = it.post("stocktakes", json={"school": school.registration_number}).get_json()["id"]
    r = it.post(f"stocktakes/{stocktake}/scan", json={"code": "NOPE-0001"})
    assert error_code(r) == "not_found"
    [row] = refused(it, f"?stocktake={stocktake}")
    assert (row["action"], row["code"], row["error"]["code"], row["stocktake"], row["device"]) == (
        "audited", "NOPE-0001", "not_found", stocktake, None)
    assert it.get(f"stocktakes/{stocktake}").get_json()["refused"] == 1
    other = api_as("school_it", school=SchoolFactory())
    assert error_code(other.get(f"scans/refused?stocktake={stocktake}")) == "not_found"
    assert refused(other) == []


def test_a_refused_generic_scan_is_kept_for_its_scanner_and_admins(api, api_as, count):
    device = DeviceFactory(status="at_school")
    warehouse = api_as("warehouse")
    events = count(Event, Event.device_id == device.id)
    r = warehouse.post("scan", json={"code": device.asset_tag, "action": "label", "nonce": "n-1"})
    assert r.status_code == 409 or r.status_code == 403, r.get_json()
    assert warehouse.post("scan", json={"code": "http://x.example/nope"}).status_code == 400
    assert warehouse.post("scan", json={"code": device.serial, "action": "made up by a client"}).status_code >= 400
    assert count(Event, Event.device_id == device.id) == events
    rows = refused(warehouse)
    assert [(x["action"], x["code"]) for x in rows] == [
        ("unknown", device.serial), ("lookup", "http://x.example/nope"), ("label", device.asset_tag)]
    assert rows[2]["error"]["code"] == error_code(r) and rows[2]["device"]["serial"] == device.serial
    assert [x["id"] for x in refused(api)] == [x["id"] for x in rows]
    assert refused(api_as("warehouse")) == []  # another scanner's own scans
    assert refused(api_as("ministry")) == []


def test_the_same_nonce_refused_twice_is_kept_once(api, count):
    delivery = DeliveryFactory(serials=["PFD00001"])
    for _ in range(2):
        r = api.post(f"deliveries/{delivery.id}/receive", json={"code": "http://x.example/", "nonce": "retry-1"})
        assert error_code(r) == "invalid_input"
    assert count(RefusedScan) == 1
    api.post("scan", json={"code": "NOPE-0001", "nonce": "retry-2"})
    api.post("scan", json={"code": "NOPE-0001", "nonce": "retry-2"})
    api.post("scan", json={"code": "NOPE-0001"})
    api.post("scan", json={"code": "NOPE-0001"})
    assert count(RefusedScan) == 4  # without a nonce, two scans are two


def test_what_is_kept_is_the_code_truncated_and_never_the_rest_of_the_body(api, count):
    code = "X" * (MAX_CODE_LENGTH + 50)
    refusal = api.post("scan", json={"code": code, "action": "note", "text": "Jānis Bērziņš"})
    assert error_code(refusal) == "invalid_input"
    assert error_code(api.post("scan", json={"code": ["not", "text"]})) == "invalid_input"
    assert api.client.post("/api/v1/scan", data=b"\xff not json", content_type="application/json",
                           headers=api.headers).status_code == 400
    rows = refused(api)
    assert [(x["action"], x["code"]) for x in rows] == [
        ("lookup", None), ("lookup", None), ("note", code[:MAX_CODE_LENGTH])]
    assert "Bērziņš" not in str(rows)
    assert count(AccessLogEntry) == 0  # neither a refusal nor the listing uses personal data
    assert "no-store" not in api.get("scans/refused").headers.get("Cache-Control", "")


def test_the_listing_pages_newest_first(api, count):
    delivery = DeliveryFactory(serials=["PFD00001"])
    for n in range(5):
        api.post(f"deliveries/{delivery.id}/receive", json={"code": f"http://x.example/{n}"})
    first = api.get(f"scans/refused?delivery={delivery.id}&limit=2").get_json()
    second = api.get(f"scans/refused?delivery={delivery.id}&limit=2&after={first['next']}").get_json()
    third = api.get(f"scans/refused?delivery={delivery.id}&limit=2&after={second['next']}").get_json()
    codes = [x["code"] for page in (first, second, third) for x in page["items"]]
    assert codes == [f"http://x.example/{n}" for n in (4, 3, 2, 1, 0)]
    assert third["next"] is None
    for query in ("?delivery=x", "?delivery=1&stocktake=1", "?limit=0", "?after=nope", "?shipment=99999999999"):
        assert error_code(api.get(f"scans/refused{query}")) == "invalid_input", query
    assert error_code(api.get("scans/refused?delivery=999999")) == "not_found"


def test_a_refusal_before_the_scan_is_reached_is_not_kept(client, api_as, count):
    delivery = DeliveryFactory(serials=["PFD00001"])
    assert client.post(f"/api/v1/deliveries/{delivery.id}/receive", json={"code": "PFD00001"}).status_code == 401
    school_it = api_as("school_it", school=SchoolFactory())
    assert error_code(school_it.post(f"deliveries/{delivery.id}/receive", json={"code": "PFD00001"})) == "forbidden"
    assert error_code(api_as("admin").post("deliveries/999999/receive", json={"code": "PFD00001"})) == "not_found"
    assert count(RefusedScan) == 0
