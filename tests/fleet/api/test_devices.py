"""Devices through /api/v1: registering one or many, reading by any code, listing, history."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote

import pytest

from fleet.asset_tags import check_character
from fleet.models import Device, Event
from tests.conftest import error_code
from tests.factories import ContractFactory, DeviceFactory, SchoolFactory

NEW = {"serial": "PF3A1B2C", "manufacturer": "Lenovo", "model": "ThinkPad 11e Yoga Gen 6"}


def details(response):
    return response.get_json()["error"]["details"]


def qr_url(tag: str) -> str:
    return f"https://fleet.example.lv/d/{tag}"


def wrong_check(tag: str) -> str:
    """The tag with another check character: what a mistyped tag looks like."""
    return tag[:-1] + ("Y" if tag[-1] != "Y" else "X")


def cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


# --- registering one ------------------------------------------------------------------------------

def test_register_one_device(api, count):
    contract = ContractFactory()
    r = api.post("devices", json={**NEW, "contract": contract.number})
    assert r.status_code == 201
    body = r.get_json()
    assert {k: v for k, v in body.items() if k not in ("created_at", "updated_at")} == {
        "serial": "PF3A1B2C", "asset_tag": None, "status": "expected", "manufacturer": "Lenovo",
        "model": "ThinkPad 11e Yoga Gen 6", "school": None, "contract": contract.number, "loan": None,
    }
    assert count(Device) == 1
    assert api.get("devices/PF3A1B2C").get_json() == body


def test_registering_writes_the_first_event(api_as):
    warehouse = api_as("warehouse")
    warehouse.post("devices", json=NEW)
    [event] = warehouse.get("devices/PF3A1B2C/events").get_json()["items"]
    assert event["seq"] == 1
    assert event["action"] == "register"
    assert (event["from_status"], event["to_status"]) == (None, "expected")
    assert event["data"] == {"manufacturer": "Lenovo", "model": "ThinkPad 11e Yoga Gen 6"}
    assert event["actor"].startswith("lietotājs-")  # the token's user, not "factory"


def test_serial_is_normalised(api):
    r = api.post("devices", json={**NEW, "serial": " ab-1234 "})
    assert r.status_code == 201
    assert r.get_json()["serial"] == "AB-1234"
    assert api.get("devices/AB-1234").get_json()["serial"] == "AB-1234"


def test_bad_serial_is_refused(api, count):
    for serial in (None, 12345678, "", "ABC", "A" * 41, "PF 3A1B2C", "PF3A1B2C!", "PF_3A1B", "PF3Ä1B2C",
                   "ＰＦ３Ａ１Ｂ"):
        body = {**NEW, "serial": serial}
        if serial is None:
            del body["serial"]
        r = api.post("devices", json=body)
        assert r.status_code == 400, serial
        assert error_code(r) == "invalid_input"
        assert [d["field"] for d in details(r)] == ["serial"], serial
        assert "index" not in details(r)[0]  # one device: no batch index
    assert count(Device) == 0


def test_one_device_every_bad_field_at_once(api, count):
    r = api.post("devices", json={
        "serial": "x", "manufacturer": 5, "model": "M" * 101, "contract": "NOPE", "colour": "black",
    })
    assert r.status_code == 400
    assert sorted(d["field"] for d in details(r)) == ["colour", "contract", "manufacturer", "model", "serial"]
    assert count(Device) == 0


def test_unknown_contract_is_refused(api, count):
    r = api.post("devices", json={**NEW, "contract": "IZM-NOPE"})
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert details(r) == [{"field": "contract", "message": "unknown contract 'IZM-NOPE'"}]
    assert count(Device) == 0


def test_manufacturer_and_model_are_required(api, count):
    r = api.post("devices", json={"serial": "PF3A1B2C"})
    assert r.status_code == 400
    assert sorted(d["field"] for d in details(r)) == ["manufacturer", "model"]
    assert count(Device) == 0


def test_registering_a_known_serial_is_a_duplicate(api, count):
    DeviceFactory(serial="PF3A1B2C")
    r = api.post("devices", json={**NEW, "serial": " pf3a1b2c "})
    assert r.status_code == 409
    assert error_code(r) == "duplicate"
    assert details(r) == [{"field": "serial", "serial": "PF3A1B2C"}]
    assert count(Device) == 1


# --- registering many -----------------------------------------------------------------------------

def test_register_many_devices(api, count):
    contract = ContractFactory()
    items = [{"serial": f"pf-{n:04d}", "manufacturer": "Dell", "model": "Latitude 3120", "contract": contract.number}
             for n in range(3)]
    r = api.post("devices", json={"devices": items})
    assert r.status_code == 201
    body = r.get_json()
    assert body["count"] == 3
    assert [d["serial"] for d in body["items"]] == ["PF-0000", "PF-0001", "PF-0002"]
    assert {d["status"] for d in body["items"]} == {"expected"}
    assert {d["contract"] for d in body["items"]} == {contract.number}
    assert count(Device) == 3
    assert count(Event, Event.action == "register") == 3


def test_batch_is_all_or_nothing_and_lists_every_bad_item(api, count):
    items = [
        {**NEW, "serial": "GOOD-0001"},
        {**NEW, "serial": "x"},
        {**NEW, "serial": "GOOD-0002"},
        "PF3A1B2C",
        {**NEW, "serial": "GOOD-0003", "contract": "IZM-NOPE"},
        {**NEW, "serial": "GOOD-0004", "size": 11},
    ]
    r = api.post("devices", json={"devices": items})
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert [(d["index"], d.get("field")) for d in details(r)] == [
        (1, "serial"), (3, None), (4, "contract"), (5, "size"),
    ]
    assert all(d["message"] for d in details(r))
    assert count(Device) == 0


def test_batch_with_a_serial_twice_is_refused(api, count):
    items = [{**NEW, "serial": "AA-0001"}, {**NEW, "serial": "BB-0002"}, {**NEW, "serial": " aa-0001 "}]
    r = api.post("devices", json={"devices": items})
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    [problem] = details(r)
    assert (problem["index"], problem["field"]) == (2, "serial")
    assert "item 0" in problem["message"]
    assert count(Device) == 0


def test_batch_with_a_registered_serial_is_a_duplicate_and_stores_nothing(api, count):
    DeviceFactory(serial="OLD-0001")
    items = [{**NEW, "serial": "NEW-0001"}, {**NEW, "serial": "old-0001"}, {**NEW, "serial": "NEW-0002"}]
    r = api.post("devices", json={"devices": items})
    assert r.status_code == 409
    assert error_code(r) == "duplicate"
    assert details(r) == [{"index": 1, "field": "serial", "serial": "OLD-0001"}]
    assert count(Device) == 1


def test_batch_of_more_than_ten_thousand_is_too_large(api, count):
    r = api.post("devices", json={"devices": [{"serial": f"S{n:07d}"} for n in range(10_001)]})
    assert r.status_code == 413
    assert error_code(r) == "too_large"
    assert count(Device) == 0


def test_batch_of_ten_thousand_is_not_too_large(api, count):
    """The limit is inclusive: 10,000 items are validated (here all of them fail, cheaply)."""
    r = api.post("devices", json={"devices": [{"serial": "x", "manufacturer": "HP", "model": "ProBook"}] * 10_000})
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert len(details(r)) == 10_000
    assert details(r)[-1]["index"] == 9_999
    assert count(Device) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"devices": []},
        {"devices": {"serial": "PF3A1B2C"}},
        {"devices": "PF3A1B2C"},
        {"devices": [NEW], "contract": "K-1"},
    ],
)
def test_malformed_batch_is_refused(api, count, body):
    r = api.post("devices", json=body)
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert count(Device) == 0


# --- reading one by any code ----------------------------------------------------------------------

@pytest.fixture
def tagged():
    """A device at a school, with an asset tag."""
    return DeviceFactory(status="at_school", serial="PF0AB123")


def assert_is(response, device):
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["serial"], body["asset_tag"]) == (device.serial, device.asset_tag)
    assert body["status"] == "at_school"
    assert body["school"] == device.school.registration_number


def test_device_fields(api, tagged):
    body = api.get(f"devices/{tagged.serial}").get_json()
    assert set(body) >= {"serial", "asset_tag", "status", "manufacturer", "model", "school", "loan"}
    assert re.fullmatch(r"DIB-\d{6}-[0-9A-Z]", body["asset_tag"])
    assert body["manufacturer"] == "Lenovo"


def test_get_by_serial(api, tagged):
    assert_is(api.get("devices/PF0AB123"), tagged)
    assert_is(api.get("devices/pf0ab123"), tagged)


def test_get_by_asset_tag(api, tagged):
    assert_is(api.get(f"devices/{tagged.asset_tag}"), tagged)
    assert_is(api.get(f"devices/{tagged.asset_tag.lower()}"), tagged)


def test_first_asset_tag_is_the_designs_example(api):
    DeviceFactory(status="in_warehouse", serial="PF0AB123")
    assert api.get("devices/PF0AB123").get_json()["asset_tag"] == "DIB-000001-Y"
    assert check_character("DIB", 1) == "Y"


def test_get_by_percent_encoded_qr_url(api, tagged):
    encoded = quote(qr_url(tagged.asset_tag), safe="")
    assert encoded == f"https%3A%2F%2Ffleet.example.lv%2Fd%2F{tagged.asset_tag}"
    assert_is(api.get(f"devices/{encoded}"), tagged)


def test_get_by_upper_cased_qr_url(api, tagged):
    """Scanners in caps-lock mode type the whole URL upper-cased."""
    encoded = quote(qr_url(tagged.asset_tag).upper(), safe="")
    assert encoded.startswith("HTTPS%3A%2F%2FFLEET.EXAMPLE.LV%2FD%2F")
    assert_is(api.get(f"devices/{encoded}"), tagged)


@pytest.mark.parametrize("url", [
    "http://fleet.example.lv/d/{tag}",
    "https://fleet.example.lv/d/{tag}/",
    "https://other.example/fleet/d/{tag}",
    "https://fleet.example.lv/d/{lower}",
])
def test_get_by_qr_url_variants(api, tagged, url):
    code = url.format(tag=tagged.asset_tag, lower=tagged.asset_tag.lower())
    assert_is(api.get(f"devices/{quote(code, safe='')}"), tagged)


def test_events_and_actions_take_the_qr_url_too(api, tagged):
    encoded = quote(qr_url(tagged.asset_tag), safe="")
    events = api.get(f"devices/{encoded}/events")
    assert events.status_code == 200
    assert events.get_json()["items"][-1]["action"] == "arrive"
    r = api.post(f"devices/{encoded}/actions/wipe", json={})
    assert r.status_code == 200
    assert r.get_json()["event"]["action"] == "wipe"


def test_tag_with_wrong_check_character_is_invalid_input(api, tagged, count):
    r = api.get(f"devices/{wrong_check(tagged.asset_tag)}")
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert details(r)[0]["reason"] == "check_character"


def test_qr_url_with_wrong_check_character_is_invalid_input(api, tagged):
    r = api.get(f"devices/{quote(qr_url(wrong_check(tagged.asset_tag)), safe='')}")
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"


def test_serial_that_looks_like_a_tag_with_a_wrong_check_character_is_still_found(api):
    """A manufacturer's serial may happen to look like a mistyped asset tag."""
    tag = "DIB-000042-" + ("A" if check_character("DIB", 42) != "A" else "B")
    DeviceFactory(serial=tag)
    r = api.get(f"devices/{tag}")
    assert r.status_code == 200
    assert r.get_json()["serial"] == tag


def test_url_that_is_not_a_device_page_is_invalid_input(api, tagged):
    r = api.get(f"devices/{quote('https://fleet.example.lv/loans/17', safe='')}")
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"


@pytest.mark.parametrize("kind", ["serial", "tag", "url"])
def test_unknown_device_is_not_found(api, tagged, kind):
    tag = f"DIB-000777-{check_character('DIB', 777)}"  # a valid tag that was never assigned
    ref = {"serial": "NOPE-0001", "tag": tag, "url": quote(qr_url(tag), safe="")}[kind]
    r = api.get(f"devices/{ref}")
    assert r.status_code == 404
    assert error_code(r) == "not_found"


def test_code_that_is_neither_serial_nor_tag_is_not_found(api):
    r = api.get("devices/kas%20tas%20t%C4%81ds%3F")
    assert r.status_code == 404
    assert error_code(r) == "not_found"


# --- listing --------------------------------------------------------------------------------------

@pytest.fixture
def fleet_mix():
    """Two schools; devices in several statuses. Returns (school_a, school_b, serials by label)."""
    a, b = SchoolFactory(), SchoolFactory()
    made = {
        "expected": DeviceFactory(),
        "labelled": DeviceFactory(status="labelled"),
        "a1": DeviceFactory(status="at_school", school=a),
        "a2": DeviceFactory(status="at_school", school=a),
        "a_transit": DeviceFactory(status="in_transit", school=a),
        "b1": DeviceFactory(status="at_school", school=b),
    }
    return a, b, {k: d.serial for k, d in made.items()}


def serials(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [d["serial"] for d in response.get_json()["items"]]


def test_list_all_devices_in_registration_order(api, fleet_mix):
    _, _, s = fleet_mix
    r = api.get("devices")
    assert serials(r) == [s["expected"], s["labelled"], s["a1"], s["a2"], s["a_transit"], s["b1"]]
    assert r.get_json()["next"] is None


def test_list_by_status(api, fleet_mix):
    _, _, s = fleet_mix
    assert serials(api.get("devices?status=at_school")) == [s["a1"], s["a2"], s["b1"]]
    assert serials(api.get("devices?status=labelled")) == [s["labelled"]]
    assert serials(api.get("devices?status=lost")) == []


def test_list_by_school(api, fleet_mix):
    a, b, s = fleet_mix
    assert serials(api.get(f"devices?school={a.registration_number}")) == [s["a1"], s["a2"], s["a_transit"]]
    assert serials(api.get(f"devices?school={b.registration_number}")) == [s["b1"]]
    assert serials(api.get("devices?school=4113999999")) == []


def test_list_by_status_and_school(api, fleet_mix):
    a, _, s = fleet_mix
    assert serials(api.get(f"devices?status=at_school&school={a.registration_number}")) == [s["a1"], s["a2"]]


def walk(api, query: str, after: str | None = None) -> tuple[list[str], int]:
    """Follow ``next`` to the end; the serials in page order and the number of pages."""
    seen, pages = [], 0
    while True:
        r = api.get(f"devices?{query}" + (f"&after={after}" if after else ""))
        page = serials(r)
        pages += 1
        seen += page
        after = r.get_json()["next"]
        if after is None:
            return seen, pages
        assert page, "a page with a next cursor must not be empty"
        assert pages < 50, "pagination does not end"


def test_keyset_pagination_walks_every_device_once(api):
    made = [DeviceFactory().serial for _ in range(7)]
    seen, pages = walk(api, "limit=3")
    assert seen == made  # no repeats, no gaps, in order
    assert pages == 3


def test_pagination_with_exact_multiple_ends_without_an_empty_page(api):
    made = [DeviceFactory().serial for _ in range(4)]
    seen, pages = walk(api, "limit=2")
    assert (seen, pages) == (made, 2)


def test_pagination_keeps_the_filter(api):
    school = SchoolFactory()
    wanted = []
    for _ in range(5):
        DeviceFactory()
        wanted.append(DeviceFactory(status="at_school", school=school).serial)
    seen, pages = walk(api, "status=at_school&limit=2")
    assert seen == wanted
    assert pages == 3


def test_pagination_is_stable_when_devices_are_added_meanwhile(api):
    made = [DeviceFactory().serial for _ in range(4)]
    first = api.get("devices?limit=2").get_json()
    made.append(DeviceFactory().serial)
    rest, _ = walk(api, "limit=2", after=first["next"])
    assert [d["serial"] for d in first["items"]] + rest == made


def test_limit_bounds(api):
    for _ in range(3):
        DeviceFactory()
    assert len(serials(api.get("devices?limit=1"))) == 1
    assert len(serials(api.get("devices?limit=500"))) == 3


def test_bad_limit_is_invalid_input(api):
    DeviceFactory()
    # "%C2%B2" is "²" and "%EF%BC%95" a fullwidth 5: str.isdigit() says yes to both ("²" was a 500)
    for limit in ("0", "501", "-1", "abc", "", "2.5", " 3", "1e2", "%C2%B2", "%EF%BC%95"):
        r = api.get(f"devices?limit={limit}")
        assert r.status_code == 400, (limit, r.get_json())
        assert error_code(r) == "invalid_input"
        assert details(r) == [{"field": "limit", "message": "must be a whole number 1-500"}]


BAD_CURSORS = [
    "garbage!!",
    "",
    cursor({"x": 1}),
    cursor({"id": "1"}),
    cursor({"id": True}),
    cursor({"id": 1.5}),
    cursor([1]),
    cursor(1),
    cursor({"id": -1}),
    cursor({"id": 2**31}),  # beyond devices.id on PostgreSQL
    cursor({"id": 2**70}),  # beyond every integer: was a 500 on both databases
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
]


def test_bad_cursor_is_invalid_input(api):
    DeviceFactory()
    for after in BAD_CURSORS:
        r = api.get(f"devices?after={quote(after)}")
        assert r.status_code == 400, (after, r.get_json())
        assert error_code(r) == "invalid_input"
        assert [d["field"] for d in details(r)] == ["after"]


def test_unknown_status_is_invalid_input(api):
    r = api.get("devices?status=borrowed")
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    [problem] = details(r)
    assert problem["field"] == "status"
    assert "at_school" in problem["allowed"]


# --- history --------------------------------------------------------------------------------------

def test_events_oldest_first_with_every_field(api):
    school = SchoolFactory()
    device = DeviceFactory(status="at_school", school=school)
    r = api.get(f"devices/{device.serial}/events")
    assert r.status_code == 200
    body = r.get_json()
    assert body["next"] is None
    events = body["items"]
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5, 6]
    assert [e["action"] for e in events] == ["register", "receive", "image", "label", "ship", "arrive"]
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        (None, "expected"), ("expected", "in_warehouse"), ("in_warehouse", "imaged"),
        ("imaged", "labelled"), ("labelled", "in_transit"), ("in_transit", "at_school"),
    ]
    for e in events:
        assert set(e) == {"seq", "action", "from_status", "to_status", "at", "actor", "data", "hash"}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", e["at"])
        assert re.fullmatch(r"[0-9a-f]{64}", e["hash"])
        assert e["actor"] == "factory"
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    assert len({e["hash"] for e in events}) == 6
    assert events[1]["data"] == {"asset_tag": device.asset_tag}
    assert events[2]["data"] == {"image": "win11-edu-v3"}
    assert events[4]["data"] == {"school": school.registration_number}


def test_events_include_facts_that_keep_the_status(api):
    device = DeviceFactory(status="in_warehouse")
    api.post(f"devices/{device.serial}/actions/note", json={"text": "kaste saplēsta"})
    last = api.get(f"devices/{device.serial}/events").get_json()["items"][-1]
    assert (last["seq"], last["action"], last["from_status"], last["to_status"]) == (3, "note", "in_warehouse", None)
    assert last["data"] == {"text": "kaste saplēsta"}


def test_events_of_unknown_device_are_not_found(api):
    r = api.get("devices/NOPE-0001/events")
    assert r.status_code == 404
    assert error_code(r) == "not_found"


def test_a_serial_that_is_a_valid_asset_tag_is_refused(api, count):
    from fleet.asset_tags import format_tag

    tag = format_tag("DIB", 4711)
    r = api.post("devices", json={"serial": tag.lower(), "manufacturer": "HP", "model": "ProBook"})
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert details(r) == [{"field": "serial", "message": f"{tag} is an asset tag, not a serial number"}]
    assert count(Device) == 0


def test_a_long_history_comes_a_page_at_a_time_oldest_first(api):
    device = DeviceFactory()
    for n in range(5):
        assert api.post(f"devices/{device.serial}/actions/note", json={"text": f"n{n}"}).status_code == 200
    first = api.get(f"devices/{device.serial}/events?limit=4").get_json()
    rest = api.get(f"devices/{device.serial}/events?limit=4&after={first['next']}").get_json()
    seqs = [e["seq"] for e in first["items"] + rest["items"]]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)) == 6  # registered, and five notes
    assert rest["next"] is None and [e["data"]["text"] for e in rest["items"]] == ["n3", "n4"]
