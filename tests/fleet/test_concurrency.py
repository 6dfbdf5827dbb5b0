"""Races for one device: exactly one request wins, the others get a coded error, the chain holds."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from fleet import history, lifecycle
from tests.factories import DeviceFactory, SchoolFactory, UserFactory, current_session, token_for

THREADS = 16


def _race(app, device, requests):
    """Fire ``requests`` [(action, body)] at once, each from its own thread and client."""
    token = token_for(UserFactory(role="admin"))
    barrier = threading.Barrier(len(requests))

    def fire(req):
        action, body = req
        client = app.test_client()
        barrier.wait()
        r = client.post(f"/api/v1/devices/{device.serial}/actions/{action}", json=body,
                        headers={"Authorization": f"Bearer {token}"})
        return r.status_code, r.get_json()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(fire, requests))


def _assert_one_winner(app, results):
    winners = [body for status, body in results if status == 200 and body["applied"]]
    losers = [body for status, body in results if status != 200]
    assert len(winners) == 1, results
    assert len(losers) == len(results) - 1
    assert {b["error"]["code"] for b in losers} == {"invalid_transition"}
    with app.extensions["fleet.read_sessionmaker"]() as s:
        checked, broken = history.verify_all(s)
    assert broken is None and checked >= 1
    return winners[0]


def _race_ships(app):
    device = DeviceFactory(status="labelled")
    schools = [SchoolFactory() for _ in range(THREADS)]
    results = _race(app, device, [("ship", {"school": s.registration_number}) for s in schools])
    winner = _assert_one_winner(app, results)
    assert winner["device"]["status"] == "in_transit"
    assert winner["device"]["school"] == winner["event"]["data"]["school"]
    assert winner["event"]["seq"] == 5


def test_conflicting_ships_on_postgres(pg_app):
    _race_ships(pg_app)


def test_conflicting_ships_on_sqlite(sqlite_app):
    _race_ships(sqlite_app)


def test_mixed_conflicting_actions_on_postgres(pg_app):
    device = DeviceFactory(status="at_school")
    requests = ([("report_stolen", {"police_report": f"P-{i}"}) for i in range(5)]
                + [("report_lost", {"notes": f"n{i}"}) for i in range(5)]
                + [("repair", {"fault": f"f{i}"}) for i in range(6)])
    _assert_one_winner(pg_app, _race(pg_app, device, requests))


def test_lock_is_select_for_update_on_postgres(pg_app):
    """While one transaction holds a device, no other can lock that row; another device's row stays free."""
    session = current_session()
    device, other_device = DeviceFactory(status="in_warehouse"), DeviceFactory(status="in_warehouse")
    session.commit()
    lifecycle.lock_device(session, "serial", device.serial)
    nowait = text("SELECT id FROM devices WHERE id = :id FOR UPDATE NOWAIT")
    with pg_app.extensions["fleet.engine"].connect() as other:
        with pytest.raises(OperationalError) as held:
            other.execute(nowait, {"id": device.id})
        assert held.value.orig.sqlstate == "55P03"  # lock_not_available
        other.rollback()
        assert other.execute(nowait, {"id": other_device.id}).scalar() == other_device.id
        other.rollback()
    session.rollback()


def _race_registrations(app):
    token = token_for(UserFactory(role="warehouse"))
    barrier = threading.Barrier(8)

    def register(_):
        client = app.test_client()
        barrier.wait()
        device = {"serial": "RACE-0001", "manufacturer": "Dell", "model": "Latitude 3120"}
        r = client.post("/api/v1/devices", json=device, headers={"Authorization": f"Bearer {token}"})
        return r.status_code, r.get_json()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(register, range(8)))
    assert sorted(status for status, _ in results) == [201] + [409] * 7
    assert {body["error"]["code"] for status, body in results if status == 409} == {"duplicate"}


def test_concurrent_registrations_of_one_serial_on_postgres(pg_app):
    _race_registrations(pg_app)


def test_concurrent_registrations_of_one_serial_on_sqlite(sqlite_app):
    _race_registrations(sqlite_app)
