"""Races between identical scans: a double scan sent by two stations (or twice by one) at the same
moment writes one event; every other copy is answered ``already``, whatever the database.

On PostgreSQL a transaction that waited for the device's row lock sees the row as the winner left
it; these tests catch a latest event read from the snapshot taken before the wait (the double-scan
check then passes, and a second, identical event is written).
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from fleet import history
from fleet.models import Event
from tests.factories import DeviceFactory, SchoolFactory, UserFactory, current_session, token_for

COPIES = 10
ROUNDS = 3


def _scan_together(app, token: str, body: dict, copies: int = COPIES) -> list[tuple[int, dict]]:
    """``copies`` identical ``POST /scan`` bodies, each with its own nonce, released at once."""
    barrier = threading.Barrier(copies)

    def fire(_):
        client = app.test_client()
        barrier.wait()
        r = client.post("/api/v1/scan", json={**body, "nonce": uuid.uuid4().hex},
                        headers={"Authorization": f"Bearer {token}"})
        return r.status_code, r.get_json()

    with ThreadPoolExecutor(copies) as pool:
        return list(pool.map(fire, range(copies)))


def _events_of(device) -> int:
    session = current_session()
    session.commit()  # a fresh snapshot: the requests committed after the factory's last one
    return session.scalar(select(func.count()).select_from(Event).where(Event.device_id == device.id))


def _assert_one_event(app, device, before: int, results: list[tuple[int, dict]]) -> dict:
    assert [status for status, _ in results] == [200] * len(results), results
    applied = [body for _, body in results if body["applied"]]
    assert len(applied) == 1, [(b["applied"], b["already"], b["event"] and b["event"]["seq"]) for _, b in results]
    assert all(body["already"] for _, body in results if not body["applied"])
    # Every copy names the one event that was written.
    assert {body["event"]["seq"] for _, body in results} == {before + 1}
    assert _events_of(device) == before + 1
    with app.extensions["fleet.read_sessionmaker"]() as s:
        checked, broken = history.verify_all(s)
    assert broken is None and checked >= 1
    return applied[0]


def test_identical_image_scans_write_one_event_every_round(app):
    """The issue's case: ten stations send the same ``image`` scan at once, round after round
    (the first round from ``in_warehouse``, the later ones re-imaging an ``imaged`` device)."""
    token = token_for(UserFactory(role="warehouse"))
    device = DeviceFactory(status="in_warehouse")
    for n in range(ROUNDS + 2):
        before = _events_of(device)
        body = {"code": device.asset_tag, "action": "image", "image": f"win11-edu-v{n}"}
        winner = _assert_one_event(app, device, before, _scan_together(app, token, body))
        assert winner["device"]["status"] == "imaged"
        assert winner["event"]["data"]["image"] == f"win11-edu-v{n}"


def _school():
    return SchoolFactory().registration_number


# (action, the status it starts from, its parameters): every action a station or a desk applies
# directly, the self-loops (image, wipe) and the facts (note) among them.
CASES = [
    ("receive", "expected", lambda d: {}),
    ("image", "imaged", lambda d: {"image": "win11-edu-v9"}),
    ("label", "imaged", lambda d: {}),
    ("ship", "labelled", lambda d: {"school": _school()}),
    ("arrive", "in_transit", lambda d: {}),
    ("wipe", "at_school", lambda d: {"method": "NIST 800-88 clear"}),
    ("repair", "at_school", lambda d: {"fault": "screen"}),
    ("repaired", "in_repair", lambda d: {}),
    ("report_lost", "at_school", lambda d: {}),
    ("report_stolen", "at_school", lambda d: {"police_report": "11-2022-0042"}),
    ("found", "lost", lambda d: {}),
    ("transfer", "at_school", lambda d: {"school": _school()}),
    ("write_off", "in_warehouse", lambda d: {"reason": "DOA"}),
    ("note", "at_school", lambda d: {"text": "pārbaudīts"}),
]


@pytest.mark.parametrize(("action", "status", "params"), CASES, ids=[c[0] for c in CASES])
def test_identical_concurrent_actions_are_applied_once(app, action, status, params):
    token = token_for(UserFactory(role="admin"))
    for _ in range(2):
        device = DeviceFactory(status=status)
        before = _events_of(device)
        code = device.serial if status == "expected" else device.asset_tag
        body = {"code": code, "action": action, **params(device)}
        winner = _assert_one_event(app, device, before, _scan_together(app, token, body))
        assert winner["event"]["action"] == action


def test_identical_retry_of_a_ship_is_already_not_invalid_transition(app):
    """A station that did not hear the answer sends its ``ship`` again while the first is being
    written: the retry is the same scan (``already``), not a refused transition."""
    token = token_for(UserFactory(role="warehouse"))
    device = DeviceFactory(status="labelled")
    school = _school()
    before = _events_of(device)
    results = _scan_together(app, token, {"code": device.asset_tag, "action": "ship", "school": school}, copies=2)
    winner = _assert_one_event(app, device, before, results)
    assert winner["device"]["status"] == "in_transit" and winner["device"]["school"] == school
