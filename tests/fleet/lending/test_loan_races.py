"""Races for one device and for one pupil (PostgreSQL, 20 threads): exactly one loan is made; the
database's partial unique indexes hold where no row lock is shared."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from fleet.models import Agreement, Loan
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory, UserFactory, token_for

THREADS = 20


def _race(app, school, pairs):
    token = token_for(UserFactory(role="school_it", schools=[school]))
    barrier = threading.Barrier(len(pairs))

    def fire(pair):
        device, pupil = pair
        client = app.test_client()
        barrier.wait()
        r = client.post("/api/v1/loans", json={"device": device, "pupil": pupil, "accessories": []},
                        headers={"Authorization": f"Bearer {token}"})
        return r.status_code, r.get_json()

    with ThreadPoolExecutor(len(pairs)) as pool:
        results = list(pool.map(fire, pairs))
    with app.extensions["fleet.read_sessionmaker"]() as s:
        loans = s.scalar(select(func.count()).select_from(Loan))
        agreements = s.scalar(select(func.count()).select_from(Agreement))
    return results, loans, agreements


def test_twenty_pupils_race_for_one_laptop(pg_app):
    school = SchoolFactory()
    device = DeviceFactory(status="at_school", school=school)
    pupils = [PupilFactory(school=school) for _ in range(THREADS)]
    results, loans, agreements = _race(pg_app, school, [(device.serial, p.id) for p in pupils])
    assert [s for s, _ in results].count(201) == 1, results
    assert {b["error"]["code"] for s, b in results if s != 201} <= {"invalid_transition", "duplicate"}
    assert (loans, agreements) == (1, 1)


def test_one_pupil_races_for_twenty_laptops(pg_app):
    school = SchoolFactory()
    pupil = PupilFactory(school=school)
    devices = [DeviceFactory(status="at_school", school=school) for _ in range(THREADS)]
    results, loans, agreements = _race(pg_app, school, [(d.serial, pupil.id) for d in devices])
    assert [s for s, _ in results].count(201) == 1, results
    assert {b["error"]["code"] for s, b in results if s != 201} <= {"conflict", "duplicate"}
    assert (loans, agreements) == (1, 1)
