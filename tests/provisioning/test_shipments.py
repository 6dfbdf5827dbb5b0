"""Shipments to schools and their arrival, with what went missing and what came unexpected."""

from tests.conftest import error_code
from tests.factories import DeviceFactory, SchoolFactory


def ship(api, school, *serials):
    return api.post("shipments", json={"school": school.registration_number, "devices": list(serials)})


def test_a_shipment_sends_every_device(api):
    school = SchoolFactory()
    devices = [DeviceFactory(status="labelled") for _ in range(3)]
    r = ship(api, school, *[d.serial for d in devices[:2]], devices[2].asset_tag.lower())
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["school"] == school.registration_number and body["counts"]["expected"] == 3
    assert sorted(body["missing"]) == sorted(d.serial for d in devices)
    for d in devices:
        got = api.get(f"devices/{d.serial}").get_json()
        assert (got["status"], got["school"]) == ("in_transit", school.registration_number)


def test_a_shipment_is_all_or_nothing_with_a_reason_per_device(api):
    school = SchoolFactory()
    ok, imaged = DeviceFactory(status="labelled"), DeviceFactory(status="imaged")
    r = ship(api, school, ok.serial, imaged.serial, "NOPE-0001", ok.serial)
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert [(d["index"], d["code"]) for d in r.get_json()["error"]["details"]] == [
        (1, "invalid_transition"), (2, "not_found"), (3, "duplicate")]
    assert api.get(f"devices/{ok.serial}").get_json()["status"] == "labelled"  # rolled back
    assert error_code(api.post("shipments", json={"school": "0000000000", "devices": [ok.serial]})) == "invalid_input"
    assert error_code(api.post("shipments", json={"school": school.registration_number, "devices": []})) == "invalid_input"


def test_arrival_reports_missing_unexpected_and_repeated(api, api_as):
    school = SchoolFactory()
    devices = [DeviceFactory(status="labelled") for _ in range(3)]
    shipment = ship(api, school, *[d.serial for d in devices]).get_json()["id"]
    other = DeviceFactory(status="labelled")
    ship(api, school, other.serial)  # on its way to the same school, in another box
    it = api_as("school_it", school=school)
    for code in (devices[0].serial, devices[1].asset_tag, other.serial, devices[0].serial):
        r = it.post(f"shipments/{shipment}/arrive", json={"code": code})
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["device"]["status"] == "at_school"
    assert it.post(f"shipments/{shipment}/arrive", json={"code": other.serial}).get_json()["unexpected"]
    report = it.get(f"shipments/{shipment}").get_json()
    assert report["missing"] == [devices[2].serial]
    assert report["unexpected"] == [other.serial]
    assert report["repeated"] == {devices[0].serial: 2, other.serial: 2}
    assert report["counts"]["found"] == 2


def test_another_school_sees_nothing_of_it(api, api_as):
    school, elsewhere = SchoolFactory(), SchoolFactory()
    device = DeviceFactory(status="labelled")
    shipment = ship(api, school, device.serial).get_json()["id"]
    stranger = api_as("school_it", school=elsewhere)
    assert error_code(stranger.get(f"shipments/{shipment}")) == "not_found"
    assert error_code(stranger.post(f"shipments/{shipment}/arrive", json={"code": device.serial})) == "not_found"
    assert api.get(f"devices/{device.serial}").get_json()["status"] == "in_transit"


def test_a_device_headed_elsewhere_does_not_arrive_here(api):
    school, elsewhere = SchoolFactory(), SchoolFactory()
    mine, theirs = DeviceFactory(status="labelled"), DeviceFactory(status="labelled")
    shipment = ship(api, school, mine.serial).get_json()["id"]
    ship(api, elsewhere, theirs.serial)
    r = api.post(f"shipments/{shipment}/arrive", json={"code": theirs.serial})
    assert r.status_code == 409 and error_code(r) == "conflict"
    assert api.get(f"devices/{theirs.serial}").get_json()["status"] == "in_transit"
    assert api.get(f"shipments/{shipment}").get_json()["unexpected"] == []
