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
    none = api.post("shipments", json={"school": school.registration_number, "devices": []})
    assert error_code(none) == "invalid_input"


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


# --- transfers: a school sends its devices to another school through the same path ----------------

def transfer(api, from_school, to_school, *codes):
    return api.post("shipments", json={"school": to_school.registration_number, "devices": list(codes),
                                       "from_school": from_school.registration_number})


def test_a_school_transfers_devices_and_both_sides_see_the_reconciliation(api, api_as):
    sender, receiver, stranger = SchoolFactory(), SchoolFactory(), SchoolFactory()
    devices = [DeviceFactory(status="at_school", school=sender) for _ in range(3)]
    sender_it, receiver_it = api_as("school_it", school=sender), api_as("school_it", school=receiver)
    r = transfer(sender_it, sender, receiver, devices[0].serial, devices[1].asset_tag, devices[2].serial)
    assert r.status_code == 201, r.get_json()
    shipment = r.get_json()
    assert (shipment["school"], shipment["from_school"]) == (receiver.registration_number, sender.registration_number)
    assert shipment["counts"]["expected"] == 3
    for d in devices:
        got = api.get(f"devices/{d.serial}").get_json()
        assert (got["status"], got["school"]) == ("in_transit", receiver.registration_number)
        last = api.get(f"devices/{d.serial}/events").get_json()["items"][-1]
        assert (last["action"], last["data"]) == ("transfer", {"school": receiver.registration_number})
    other = DeviceFactory(status="in_transit", school=receiver)  # from the warehouse, in another box
    for code in (devices[0].serial, other.serial, devices[1].asset_tag, devices[0].asset_tag):
        r = receiver_it.post(f"shipments/{shipment['id']}/arrive", json={"code": code})
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["device"]["status"] == "at_school"
        assert r.get_json()["unexpected"] == (code == other.serial)
    seen = [it.get(f"shipments/{shipment['id']}").get_json() for it in (sender_it, receiver_it, api)]
    for report in seen:
        assert report["missing"] == [devices[2].serial] and report["unexpected"] == [other.serial]
        assert report["repeated"] == {devices[0].serial: 2}
        assert report["counts"] == {"expected": 3, "found": 2, "missing": 1, "unexpected": 1, "repeated": 1}
    assert seen[0] == seen[1] == seen[2]
    outsider = api_as("school_it", school=stranger)
    assert error_code(outsider.get(f"shipments/{shipment['id']}")) == "not_found"
    arrival = outsider.post(f"shipments/{shipment['id']}/arrive", json={"code": devices[2].serial})
    assert error_code(arrival) == "not_found"


def test_only_the_receiving_school_scans_arrivals(api, api_as):
    sender, receiver = SchoolFactory(), SchoolFactory()
    device = DeviceFactory(status="at_school", school=sender)
    sender_it = api_as("school_it", school=sender)
    shipment = transfer(sender_it, sender, receiver, device.serial).get_json()["id"]
    r = sender_it.post(f"shipments/{shipment}/arrive", json={"code": device.serial})
    assert r.status_code == 403 and error_code(r) == "forbidden"
    assert api.get(f"devices/{device.serial}").get_json()["status"] == "in_transit"
    assert api.get(f"shipments/{shipment}").get_json()["counts"]["found"] == 0


def test_a_transfer_is_all_or_nothing_with_a_reason_per_device(api, api_as, count):
    sender, receiver, elsewhere = SchoolFactory(), SchoolFactory(), SchoolFactory()
    ok = DeviceFactory(status="at_school", school=sender)
    on_loan = DeviceFactory(status="on_loan", school=sender)
    coming = DeviceFactory(status="in_transit", school=sender)
    theirs = DeviceFactory(status="at_school", school=elsewhere)
    shipments_before = len(api.get("shipments").get_json()["items"])
    it = api_as("school_it", school=sender)
    r = transfer(it, sender, receiver, ok.serial, on_loan.serial, coming.asset_tag, theirs.serial, "NOPE-0001",
                 ok.asset_tag)
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert [(d["index"], d["code"]) for d in r.get_json()["error"]["details"]] == [
        (1, "invalid_transition"), (2, "invalid_transition"), (3, "not_found"), (4, "not_found"), (5, "duplicate")]
    assert api.get(f"devices/{ok.serial}").get_json()["status"] == "at_school"  # rolled back
    assert len(api.get("shipments").get_json()["items"]) == shipments_before
    # An admin sees every device, so one at another school is refused for where it is.
    r = transfer(api, sender, receiver, ok.serial, theirs.serial)
    assert [(d["index"], d["code"]) for d in r.get_json()["error"]["details"]] == [(1, "conflict")]
    assert "not at school" in r.get_json()["error"]["details"][0]["message"]
    assert api.get(f"devices/{ok.serial}").get_json()["status"] == "at_school"


def test_who_may_send_from_where(api, api_as):
    sender, receiver = SchoolFactory(), SchoolFactory()
    device = DeviceFactory(status="at_school", school=sender)
    labelled = DeviceFactory(status="labelled")
    it, warehouse = api_as("school_it", school=sender), api_as("warehouse")
    refusals = [
        (transfer(warehouse, sender, receiver, device.serial), "forbidden"),  # the warehouse ships, never transfers
        (ship(it, receiver, labelled.serial), "forbidden"),  # school IT sends only from its own school
        (transfer(api_as("school_it", school=receiver), sender, receiver, device.serial), "forbidden"),
        (transfer(it, sender, sender, device.serial), "invalid_input"),  # to where it comes from
        (api.post("shipments", json={"school": receiver.registration_number, "devices": [device.serial],
                                     "from_school": "0000000000"}), "invalid_input"),
        (api.post("shipments", json={"school": receiver.registration_number, "devices": [device.serial],
                                     "from_school": 42}), "invalid_input"),
        (api.post("shipments", json={"school": receiver.registration_number, "devices": [device.serial],
                                     "from": sender.registration_number}), "invalid_input"),
    ]
    for r, code in refusals:
        assert error_code(r) == code, r.get_json()
    assert api.get(f"devices/{device.serial}").get_json()["status"] == "at_school"
    assert api.get(f"devices/{labelled.serial}").get_json()["status"] == "labelled"
    assert api.get("shipments").get_json()["items"] == []
    assert transfer(api, sender, receiver, device.serial).status_code == 201  # an admin may


def test_the_shipment_list_shows_each_school_its_own_both_ways(api, api_as):
    a, b, c = SchoolFactory(), SchoolFactory(), SchoolFactory()
    to_a = ship(api, a, DeviceFactory(status="labelled").serial).get_json()["id"]
    a_to_b = transfer(api, a, b, DeviceFactory(status="at_school", school=a).serial).get_json()["id"]
    to_c = ship(api, c, DeviceFactory(status="labelled").serial).get_json()["id"]

    def ids(client, query=""):
        r = client.get(f"shipments{query}")
        assert r.status_code == 200, r.get_json()
        return [s["id"] for s in r.get_json()["items"]]

    assert ids(api) == [to_c, a_to_b, to_a]
    assert ids(api_as("school_it", school=a)) == [a_to_b, to_a]
    assert ids(api_as("school_it", school=b)) == [a_to_b]
    assert ids(api_as("ministry")) == [to_c, a_to_b, to_a]
    first = api.get("shipments?limit=2").get_json()
    assert [s["id"] for s in first["items"]] == [to_c, a_to_b] and first["next"]
    rest = api.get(f"shipments?limit=2&after={first['next']}").get_json()
    assert [s["id"] for s in rest["items"]] == [to_a] and rest["next"] is None
    assert error_code(api.get("shipments?limit=0")) == "invalid_input"
    assert error_code(api.get("shipments?after=nonsense")) == "invalid_input"


def test_a_retried_arrival_scan_is_not_counted_twice(api, api_as):
    school = SchoolFactory()
    device = DeviceFactory(status="labelled")
    shipment = ship(api, school, device.serial).get_json()["id"]
    it = api_as("school_it", school=school)
    first = it.post(f"shipments/{shipment}/arrive", json={"code": device.serial, "nonce": "skola-1"}).get_json()
    retry = it.post(f"shipments/{shipment}/arrive", json={"code": device.serial, "nonce": "skola-1"}).get_json()
    assert first["applied"] and retry["already"]
    assert it.get(f"shipments/{shipment}").get_json()["repeated"] == {}
