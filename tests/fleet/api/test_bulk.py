"""Bulk actions: one result per device, one device's refusal never blocks the others."""

from tests.conftest import error_code
from tests.factories import DeviceFactory, SchoolFactory


def test_each_device_gets_its_own_result(api):
    school = SchoolFactory()
    a, b = DeviceFactory(status="labelled"), DeviceFactory(status="labelled")
    imaged = DeviceFactory(status="imaged")
    r = api.post("bulk", json={"action": "ship", "devices": [a.serial, imaged.serial, "NOPE-0001", b.asset_tag],
                               "params": {"school": school.registration_number}})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert [(i["index"], i["result"], i.get("code")) for i in body["items"]] == [
        (0, "applied", None), (1, "error", "invalid_transition"), (2, "error", "not_found"), (3, "applied", None)]
    assert body["counts"] == {"applied": 2, "already": 0, "error": 2}
    assert api.get(f"devices/{b.serial}").get_json()["status"] == "in_transit"
    assert api.get(f"devices/{imaged.serial}").get_json()["status"] == "imaged"
    again = api.post("bulk", json={"action": "ship", "devices": [a.serial],
                                   "params": {"school": school.registration_number}}).get_json()
    assert again["items"][0]["result"] == "already"


def test_a_device_refused_midway_is_not_half_changed(api):
    device = DeviceFactory(status="expected")
    r = api.post("bulk", json={"action": "receive", "devices": [device.serial, device.serial]}).get_json()
    assert [i["result"] for i in r["items"]] == ["applied", "already"]
    events = api.get(f"devices/{device.serial}/events").get_json()["items"]
    assert [e["action"] for e in events] == ["register", "receive"]


def test_bad_bulk_requests(api, api_as):
    device = DeviceFactory(status="at_school")
    for body in ({"action": "teleport", "devices": [device.serial]},
                 {"action": "hand_over", "devices": [device.serial]},
                 {"action": "note", "devices": []}, {"action": "note", "devices": [device.serial], "params": []},
                 {"action": "note", "devices": [device.serial], "colour": 1}):
        assert error_code(api.post("bulk", json=body)) == "invalid_input", body
    school_it = api_as("school_it", school=SchoolFactory())
    r = school_it.post("bulk", json={"action": "receive", "devices": [device.serial]})
    assert r.status_code == 403 and error_code(r) == "forbidden"
    other = school_it.post("bulk", json={"action": "wipe", "devices": [device.serial]}).get_json()
    assert other["items"][0]["code"] == "not_found"  # another school's device
