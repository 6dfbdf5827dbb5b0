"""Lifecycle actions through HTTP: POST /devices/{ref}/actions/{action} and POST /scan."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.conftest import error_code
from tests.factories import DeviceFactory, SchoolFactory

SERIAL = "PF3A1B2C"


def act(api, ref, action, **params):
    return api.post(f"devices/{quote(ref, safe='')}/actions/{action}", json=params)


def events(api, ref) -> list[dict]:
    r = api.get(f"devices/{quote(ref, safe='')}/events")
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def status(api, ref) -> str:
    return api.get(f"devices/{quote(ref, safe='')}").get_json()["status"]


def details(response):
    return response.get_json()["error"]["details"]


@pytest.fixture
def registered(api):
    r = api.post("devices", json={"serial": SERIAL, "manufacturer": "Lenovo", "model": "ThinkPad 11e"})
    assert r.status_code == 201
    return SERIAL


# --- the happy walk -------------------------------------------------------------------------------

def test_walk_from_receive_to_arrive(api, registered):
    school = SchoolFactory()

    r = act(api, SERIAL, "receive")
    assert r.status_code == 200
    body = r.get_json()
    assert (body["applied"], body["already"]) == (True, False)
    tag = body["device"]["asset_tag"]
    assert re.fullmatch(r"DIB-\d{6}-[0-9A-Z]", tag)
    assert body["device"]["status"] == "in_warehouse"
    assert body["event"]["action"] == "receive"
    assert body["event"]["data"] == {"asset_tag": tag}
    assert (body["event"]["from_status"], body["event"]["to_status"]) == ("expected", "in_warehouse")

    r = act(api, tag, "image", image="win11-edu-v3", station="st-2")
    assert r.get_json()["device"]["status"] == "imaged"
    assert r.get_json()["event"]["data"] == {"image": "win11-edu-v3", "station": "st-2"}

    r = act(api, tag.lower(), "label")
    assert r.get_json()["device"]["status"] == "labelled"

    r = act(api, f"https://fleet.example.lv/d/{tag}", "ship", school=school.registration_number)
    assert r.status_code == 200
    assert r.get_json()["device"]["status"] == "in_transit"
    assert r.get_json()["device"]["school"] == school.registration_number

    r = act(api, SERIAL, "arrive")
    assert r.get_json()["device"]["status"] == "at_school"
    assert r.get_json()["device"]["asset_tag"] == tag  # assigned once, kept

    history = events(api, SERIAL)
    assert [e["action"] for e in history] == ["register", "receive", "image", "label", "ship", "arrive"]
    assert [e["seq"] for e in history] == [1, 2, 3, 4, 5, 6]
    assert history[-1]["hash"] == r.get_json()["event"]["hash"]


def test_walk_through_scan(api, registered):
    school = SchoolFactory()
    r = api.post("scan", json={"code": SERIAL.lower(), "action": "receive"})
    assert r.status_code == 200
    tag = r.get_json()["device"]["asset_tag"]
    url = f"https://fleet.example.lv/d/{tag}"
    steps = [
        ({"code": url, "action": "image", "image": "win11-edu-v3"}, "imaged"),
        ({"code": tag, "action": "label"}, "labelled"),
        ({"code": url.upper(), "action": "ship", "school": school.registration_number}, "in_transit"),
        ({"code": f"  {tag}  ", "action": "arrive", "school": school.registration_number}, "at_school"),
    ]
    for body, expected in steps:
        r = api.post("scan", json=body)
        assert r.status_code == 200, (body, r.get_json())
        out = r.get_json()
        assert (out["applied"], out["already"]) == (True, False)
        assert out["device"]["status"] == expected
        assert out["event"]["action"] == body["action"]
    assert len(events(api, SERIAL)) == 6


def test_actor_is_the_token_user(api_as, registered):
    warehouse = api_as("warehouse")
    event = act(warehouse, SERIAL, "receive").get_json()["event"]
    history = events(warehouse, SERIAL)
    assert event["actor"].startswith("lietotājs-")
    assert history[0]["actor"] != event["actor"]  # registered by the admin, another user
    assert history[-1]["actor"] == event["actor"]


def test_recorded_parameters(api):
    device = DeviceFactory(status="at_school")
    r = act(api, device.serial, "report_stolen", police_report="11-2022-0042", notes="no somas")
    assert r.get_json()["device"]["status"] == "stolen"
    assert r.get_json()["event"]["data"] == {"police_report": "11-2022-0042", "notes": "no somas"}
    r = act(api, device.serial, "write_off", reason="nozagts")
    assert r.get_json()["device"]["status"] == "written_off"
    assert r.get_json()["event"]["data"] == {"reason": "nozagts"}


# --- refusals -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "start, action, params, allowed",
    [
        ("expected", "ship", {"school": None}, ["note", "receive", "write_off"]),
        ("expected", "label", {}, ["note", "receive", "write_off"]),
        ("labelled", "receive", {}, ["note", "ship", "write_off"]),
        ("at_school", "image", {"image": "win11"}, [
            "note", "repair", "report_lost", "report_stolen", "transfer", "wipe", "write_off",
        ]),
        ("written_off", "found", {}, ["note"]),
    ],
)
def test_invalid_transition_lists_what_is_allowed(api, start, action, params, allowed):
    school = SchoolFactory()
    device = DeviceFactory(status=start, school=school if start == "at_school" else None)
    params = {k: (school.registration_number if v is None else v) for k, v in params.items()}
    before = events(api, device.serial)
    r = act(api, device.serial, action, **params)
    assert r.status_code == 409
    assert error_code(r) == "invalid_transition"
    assert details(r)["allowed"] == allowed
    assert details(r)["status"] == start
    assert "hand_over" not in details(r)["allowed"]  # loans' own actions are never offered here
    assert status(api, device.serial) == start
    assert events(api, device.serial) == before


def test_invalid_transition_through_scan(api):
    device = DeviceFactory()
    r = api.post("scan", json={"code": device.serial, "action": "arrive"})
    assert r.status_code == 409
    assert error_code(r) == "invalid_transition"
    assert details(r)["allowed"] == ["note", "receive", "write_off"]


@pytest.mark.parametrize(
    "start, action, params, bad",
    [
        ("in_warehouse", "image", {}, [("image", "is required")]),
        ("in_warehouse", "image", {"image": "  "}, [("image", "must be a non-empty string")]),
        ("in_warehouse", "image", {"image": "w", "colour": "red"}, [("colour", None)]),
        ("labelled", "ship", {}, [("school", "is required")]),
        ("labelled", "ship", {"school": "4113999999"}, [("school", None)]),
        ("labelled", "ship", {"school": 4113900000}, [("school", None)]),
        ("expected", "receive", {"pallet": 3}, [("pallet", None)]),
        ("in_warehouse", "write_off", {}, [("reason", "is required")]),
        ("at_school", "note", {"text": "t" * 2001}, [("text", None)]),
        ("at_school", "transfer", {"school": "x", "when": "today"}, [("when", None), ("school", None)]),
    ],
)
def test_missing_or_unknown_parameters_are_invalid_input(api, start, action, params, bad):
    device = DeviceFactory(status=start)
    before = events(api, device.serial)
    r = act(api, device.serial, action, **params)
    assert r.status_code == 400, r.get_json()
    assert error_code(r) == "invalid_input"
    got = [(d["field"], d["message"]) for d in details(r)]
    assert [f for f, _ in got] == [f for f, _ in bad]
    for (_, message), (_, expected) in zip(got, bad, strict=True):
        assert message and (expected is None or message == expected)
    assert status(api, device.serial) == start
    assert events(api, device.serial) == before


def test_unknown_action_is_invalid_input(api):
    device = DeviceFactory()
    r = act(api, device.serial, "teleport")
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert details(r)[0]["field"] == "action"
    assert "receive" in details(r)[0]["actions"]
    assert len(events(api, device.serial)) == 1


def test_action_body_must_be_an_object(api):
    device = DeviceFactory()
    for body in ([], ["image"], "receive", 3):
        r = api.post(f"devices/{device.serial}/actions/receive", json=body)
        assert r.status_code == 400, body
        assert error_code(r) == "invalid_input"
    assert status(api, device.serial) == "expected"


def test_action_without_a_body_is_an_action_without_parameters(api):
    device = DeviceFactory()
    r = api.post(f"devices/{device.serial}/actions/receive")
    assert r.status_code == 200
    assert r.get_json()["device"]["status"] == "in_warehouse"


def test_a_transfer_shows_the_new_school_at_once_and_afterwards(api):
    """The answer is rendered from the locked device that the transfer moved (its school's
    registration number is read with the device, so the move must update it too)."""
    a, b = SchoolFactory(), SchoolFactory()
    device = DeviceFactory(status="at_school", school=a)
    r = act(api, device.serial, "transfer", school=b.registration_number)
    assert r.status_code == 200
    assert r.get_json()["device"]["school"] == b.registration_number
    assert api.get(f"devices/{device.serial}").get_json()["school"] == b.registration_number
    r = act(api, device.serial, "arrive", school=a.registration_number)
    assert error_code(r) == "conflict"
    assert details(r)["failed"][0]["message"] == (
        f"the device was sent to {b.registration_number}, not to {a.registration_number}")


def test_guards_refuse_with_conflict(api):
    a, b = SchoolFactory(), SchoolFactory()
    at_a = DeviceFactory(status="at_school", school=a)
    r = act(api, at_a.serial, "transfer", school=a.registration_number)
    assert r.status_code == 409
    assert error_code(r) == "conflict"
    assert [f["guard"] for f in details(r)["failed"]] == ["other_school"]

    to_a = DeviceFactory(status="in_transit", school=a)
    r = act(api, to_a.serial, "arrive", school=b.registration_number)
    assert r.status_code == 409
    assert [f["guard"] for f in details(r)["failed"]] == ["arrives_at_its_school"]
    assert status(api, to_a.serial) == "in_transit"


def test_action_on_unknown_device_is_not_found(api):
    r = act(api, "NOPE-0001", "receive")
    assert r.status_code == 404
    assert error_code(r) == "not_found"


# --- double scans and nonces ----------------------------------------------------------------------

def test_double_scan_is_not_an_error_and_writes_no_event(api, registered):
    first = act(api, SERIAL, "receive").get_json()
    assert len(events(api, SERIAL)) == 2
    r = act(api, SERIAL, "receive")
    assert r.status_code == 200
    again = r.get_json()
    assert (again["applied"], again["already"]) == (False, True)
    assert again["event"] == first["event"]
    assert again["device"]["asset_tag"] == first["device"]["asset_tag"]
    assert len(events(api, SERIAL)) == 2


def test_double_scan_through_scan(api, registered):
    tag = api.post("scan", json={"code": SERIAL, "action": "receive"}).get_json()["device"]["asset_tag"]
    api.post("scan", json={"code": tag, "action": "image", "image": "win11"})
    r = api.post("scan", json={"code": tag, "action": "image", "image": "win11"})
    assert r.status_code == 200
    assert (r.get_json()["applied"], r.get_json()["already"]) == (False, True)
    assert r.get_json()["event"]["seq"] == 3
    assert len(events(api, SERIAL)) == 3


def test_same_action_with_other_parameters_is_applied_again(api):
    device = DeviceFactory(status="imaged")  # imaged with win11-edu-v3
    r = act(api, device.serial, "image", image="win11-edu-v4")
    assert (r.get_json()["applied"], r.get_json()["already"]) == (True, False)
    r = act(api, device.serial, "image", image="win11-edu-v4")
    assert r.get_json()["already"] is True
    assert [e["data"].get("image") for e in events(api, device.serial)][-2:] == ["win11-edu-v3", "win11-edu-v4"]


def test_nonce_makes_a_retried_request_idempotent(api, registered):
    first = act(api, SERIAL, "receive", nonce="scan-7f3a").get_json()
    assert first["applied"] is True
    retry = act(api, SERIAL, "receive", nonce="scan-7f3a")
    assert retry.status_code == 200
    assert (retry.get_json()["applied"], retry.get_json()["already"]) == (False, True)
    assert retry.get_json()["event"] == first["event"]
    assert len(events(api, SERIAL)) == 2


def test_nonce_retry_after_the_device_moved_on_changes_nothing(api, registered):
    receive = act(api, SERIAL, "receive", nonce="scan-0001").get_json()["event"]
    act(api, SERIAL, "image", image="win11")
    retry = act(api, SERIAL, "receive", nonce="scan-0001")
    assert retry.status_code == 200
    assert retry.get_json()["already"] is True
    assert retry.get_json()["event"] == receive
    assert retry.get_json()["device"]["status"] == "imaged"
    assert len(events(api, SERIAL)) == 3


def test_nonce_retry_through_scan(api, registered):
    body = {"code": SERIAL, "action": "receive", "nonce": "hand-7"}
    assert api.post("scan", json=body).get_json()["applied"] is True
    retry = api.post("scan", json=body)
    assert retry.get_json()["already"] is True
    assert len(events(api, SERIAL)) == 2


def test_nonce_reused_on_another_device_is_a_conflict(api, registered):
    act(api, SERIAL, "receive", nonce="scan-0001")
    other = DeviceFactory()
    r = act(api, other.serial, "receive", nonce="scan-0001")
    assert r.status_code == 409
    assert error_code(r) == "conflict"
    assert details(r) == {"nonce": "scan-0001"}
    assert status(api, other.serial) == "expected"
    assert len(events(api, other.serial)) == 1


def test_nonce_reused_for_another_action_is_a_conflict(api, registered):
    act(api, SERIAL, "receive", nonce="scan-0001")
    r = act(api, SERIAL, "image", image="win11", nonce="scan-0001")
    assert r.status_code == 409
    assert error_code(r) == "conflict"
    assert status(api, SERIAL) == "in_warehouse"
    assert len(events(api, SERIAL)) == 2


@pytest.mark.parametrize("nonce", [5, "", "n" * 101, ["a"], {"a": 1}])
def test_bad_nonce_is_invalid_input(api, registered, nonce):
    r = act(api, SERIAL, "receive", nonce=nonce)
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert [d["field"] for d in details(r)] == ["nonce"]
    assert status(api, SERIAL) == "expected"


# --- actions that belong to other parts ---------------------------------------------------------

@pytest.mark.parametrize(
    "start, action, owner",
    [("at_school", "hand_over", "loans"), ("on_loan", "return", "loans"),
     ("at_school", "audited", "stocktakes"), ("labelled", "label_printed", "labels")],
)
def test_owned_actions_are_forbidden_directly(api, start, action, owner):
    device = DeviceFactory(status=start)
    before = events(api, device.serial)
    for r in (act(api, device.serial, action), api.post("scan", json={"code": device.serial, "action": action})):
        assert r.status_code == 403
        assert error_code(r) == "forbidden"
        assert details(r) == {"action": action, "owner": owner}
    assert status(api, device.serial) == start
    assert events(api, device.serial) == before


# --- /scan ----------------------------------------------------------------------------------------

def test_scan_without_action_only_resolves(api):
    device = DeviceFactory(status="labelled")
    before = events(api, device.serial)
    for code in (device.serial, device.asset_tag, f"https://fleet.example.lv/d/{device.asset_tag}"):
        r = api.post("scan", json={"code": code})
        assert r.status_code == 200
        body = r.get_json()
        assert (body["applied"], body["already"], body["event"]) == (False, False, None)
        assert body["device"]["serial"] == device.serial
        assert body["device"]["status"] == "labelled"
    assert events(api, device.serial) == before


def test_scan_with_parameters_but_no_action_is_invalid_input(api):
    device = DeviceFactory(status="in_warehouse")
    r = api.post("scan", json={"code": device.serial, "image": "win11", "station": "st-1"})
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert details(r) == [{"field": "image"}, {"field": "station"}]
    assert status(api, device.serial) == "in_warehouse"


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": "   "}, {"code": 12345678}, {"code": "x" * 501}])
def test_scan_needs_a_code(api, body):
    r = api.post("scan", json=body)
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"


def test_scan_action_must_be_a_string(api):
    device = DeviceFactory()
    r = api.post("scan", json={"code": device.serial, "action": ["receive"]})
    assert r.status_code == 400
    assert details(r) == [{"field": "action", "message": "must be a string"}]
    assert status(api, device.serial) == "expected"


def test_scan_of_unknown_code_is_not_found(api):
    r = api.post("scan", json={"code": "NOPE-0001", "action": "receive"})
    assert r.status_code == 404
    assert error_code(r) == "not_found"
