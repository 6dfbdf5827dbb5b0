"""The speed test's endpoints: the probe, random downloads and discarded uploads (never cached or compressed,
capped), recording a measurement and listing a school's, making measurement links; who may (school IT its own
schools, admins) and a measurement key, which measures for its one school and reaches nothing else."""

from __future__ import annotations

import zlib

import pytest

from fleet.connectivity import keys, measurements
from fleet.models import Measurement
from tests.conftest import error_code
from tests.factories import DeviceFactory, SchoolFactory, UserFactory

GOOD = {"download_mbps": 48.5, "upload_mbps": 12, "latency_ms": 9.5, "jitter_ms": 1.25, "link": "wifi"}


@pytest.fixture
def school():
    return SchoolFactory()


def key_for(app, school, days=7):
    with app.app_context():
        return keys.issue(school.id, days)[0]


def test_the_probe_is_tiny_and_never_cached(api_as, school):
    r = api_as("school_it", school=school).get("connectivity/probe")
    assert r.status_code == 200
    assert r.get_json() == {"ok": True}
    assert r.headers["Cache-Control"] == "no-store"


def test_a_download_is_n_random_bytes_uncompressed_and_uncached(api_as, school):
    r = api_as("school_it", school=school).get("connectivity/download?bytes=300000")
    assert r.status_code == 200
    assert r.mimetype == "application/octet-stream"
    assert (r.headers["Cache-Control"], r.headers["Content-Encoding"]) == ("no-store", "identity")
    assert int(r.headers["Content-Length"]) == len(r.data) == 300_000
    assert len(zlib.compress(r.data)) > 0.99 * len(r.data)  # random: nothing to squeeze out


@pytest.mark.parametrize("size", ["0", "-5", str(measurements.MAX_DOWNLOAD_BYTES + 1), "lots"])
def test_a_download_is_one_byte_to_the_cap(api, size):
    r = api.get(f"connectivity/download?bytes={size}")
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert r.get_json()["error"]["details"][0]["field"] == "bytes"


def test_an_upload_is_read_and_thrown_away(api):
    body = bytes(range(256)) * 4000
    r = api.client.post("/api/v1/connectivity/upload", data=body, headers={**api.headers,
                                                                            "Content-Type": "application/octet-stream"})
    assert r.status_code == 200
    assert r.get_json() == {"bytes": len(body)}
    assert r.headers["Cache-Control"] == "no-store"
    r = api.client.post("/api/v1/connectivity/upload", headers=api.headers)
    assert r.get_json() == {"bytes": 0}


def test_an_upload_over_the_cap_is_refused(api):
    body = b"x" * (measurements.MAX_UPLOAD_BYTES + 1)
    r = api.client.post("/api/v1/connectivity/upload", data=body, headers=api.headers)
    assert r.status_code == 413
    assert error_code(r) == "too_large"


def test_school_it_records_and_lists_its_schools_measurements(api_as, school, count):
    laptop = DeviceFactory(status="at_school", school=school)
    it = api_as("school_it", school=school)
    r = it.post("connectivity/measurements", json={**GOOD, "asset_tag": laptop.asset_tag})  # its only school
    assert r.status_code == 201, r.get_json()
    m = r.get_json()
    assert (m["school"], m["link"], m["asset_tag"], m["source"]) == (school.registration_number, "wifi",
                                                                      laptop.asset_tag, "browser")
    assert (m["download_mbps"], m["upload_mbps"], m["latency_ms"], m["jitter_ms"]) == (48.5, 12.0, 9.5, 1.25)
    assert m["recorded_by"].startswith("lietotājs-")
    r = it.post("connectivity/measurements", json={**GOOD, "school": school.registration_number, "link": "cable",
                                                   "source": "script"})
    assert r.status_code == 201
    listed = it.get(f"connectivity/measurements?school={school.registration_number}").get_json()["items"]
    assert [x["link"] for x in listed] == ["cable", "wifi"]
    assert count(Measurement) == 2
    for role in ("ministry", "auditor"):
        assert len(api_as(role).get(f"connectivity/measurements?school={school.registration_number}")
                   .get_json()["items"]) == 2


def test_bad_measurements_are_refused_field_by_field(api, school, count):
    r = api.post("connectivity/measurements", json={**GOOD, "school": school.registration_number,
                                                    "download_mbps": -3, "latency_ms": 1e9, "asset_tag": "DIB-X"})
    assert r.status_code == 400
    assert {d["field"] for d in r.get_json()["error"]["details"]} == {"download_mbps", "latency_ms", "asset_tag"}
    r = api.post("connectivity/measurements", json={**GOOD, "school": school.registration_number, "link": "lte"})
    assert r.status_code == 400
    assert r.get_json()["error"]["details"][0]["field"] == "link"
    r = api.post("connectivity/measurements", json=GOOD)  # an admin names the school
    assert r.status_code == 400
    assert r.get_json()["error"]["details"][0]["field"] == "school"
    assert count(Measurement) == 0


def test_another_schools_it_cannot_record_or_read_there(api_as, school, count):
    other = SchoolFactory()
    it = api_as("school_it", school=other)
    r = it.post("connectivity/measurements", json={**GOOD, "school": school.registration_number})
    assert r.status_code == 404 and error_code(r) == "not_found"
    assert it.get(f"connectivity/measurements?school={school.registration_number}").status_code == 404
    assert it.post("connectivity/links", json={"school": school.registration_number}).status_code == 404
    assert count(Measurement) == 0


def test_a_school_it_of_several_schools_picks_one(api_as, school):
    other = SchoolFactory()
    it = api_as(user=UserFactory(role="school_it", schools=[school, other]))
    r = it.post("connectivity/measurements", json=GOOD)
    assert r.status_code == 400
    assert it.post("connectivity/measurements", json={**GOOD, "school": other.registration_number}).status_code == 201


def test_a_session_needs_the_csrf_header_to_record(app, client, school):
    from fleet.access import auth
    from tests.factories import current_session

    user = UserFactory(role="school_it", schools=[school])
    auth.set_password(user, "Skenē-ātri-2026")
    current_session().commit()
    client.get("/login")
    with client.session_transaction() as s:
        token = s.setdefault("csrf", "t-csrf")
    r = client.post("/login", data={"username": user.name, "password": "Skenē-ātri-2026", "csrf_token": token})
    assert r.status_code in (302, 303)
    with client.session_transaction() as s:
        token = s["csrf"]
    assert client.get("/api/v1/connectivity/probe").status_code == 200
    r = client.post("/api/v1/connectivity/measurements", json=GOOD)
    assert r.status_code == 403 and r.get_json()["error"]["details"] == {"csrf": "X-CSRF-Token"}
    r = client.post("/api/v1/connectivity/measurements", json=GOOD, headers={"X-CSRF-Token": token})
    assert r.status_code == 201


# --- measurement keys ------------------------------------------------------------------------------

def test_a_key_measures_and_records_for_its_school(app, client, school, session):
    laptop = DeviceFactory(status="at_school", school=school)
    h = {keys.HEADER: key_for(app, school)}
    assert client.get("/api/v1/connectivity/probe", headers=h).get_json() == {"ok": True}
    assert len(client.get("/api/v1/connectivity/download?bytes=1000", headers=h).data) == 1000
    assert client.post("/api/v1/connectivity/upload", data=b"x" * 5000, headers=h).get_json() == {"bytes": 5000}
    r = client.post("/api/v1/connectivity/measurements", json={**GOOD, "asset_tag": laptop.asset_tag}, headers=h)
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["school"], r.get_json()["recorded_by"]) == (school.registration_number, "key")
    r = client.post("/api/v1/connectivity/measurements", json={**GOOD, "school": school.registration_number},
                    headers=h)
    assert r.status_code == 201


def test_a_key_measures_only_its_school_and_nothing_else(app, client, school, count):
    other = SchoolFactory()
    theirs = DeviceFactory(status="at_school", school=other)
    h = {keys.HEADER: key_for(app, school)}
    r = client.post("/api/v1/connectivity/measurements", json={**GOOD, "school": other.registration_number},
                    headers=h)
    assert r.status_code == 404 and error_code(r) == "not_found"
    r = client.post("/api/v1/connectivity/measurements", json={**GOOD, "asset_tag": theirs.asset_tag}, headers=h)
    assert r.status_code == 400
    assert r.get_json()["error"]["details"][0]["reason"] == "not_at_school"
    assert count(Measurement) == 0
    for method, path in (("GET", f"/api/v1/connectivity/measurements?school={school.registration_number}"),
                         ("POST", "/api/v1/connectivity/links"), ("GET", "/api/v1/devices"),
                         ("GET", "/api/v1/schools"), ("GET", f"/api/v1/schools/{school.registration_number}/pupils")):
        r = client.open(path, method=method, json={"school": school.registration_number} if method == "POST" else None,
                        headers=h)
        assert r.status_code == 401, (path, r.status_code)  # the key is no sign-in
        assert error_code(r) == "unauthorized"


def test_a_forged_or_expired_key_is_refused(app, client, school, count):
    with app.app_context():
        expired, _ = keys.issue(school.id, 1, now=0)
    for key, status, code in (("forged." + "x" * 20, 401, "unauthorized"), (expired, 410, "gone")):
        for r in (client.get("/api/v1/connectivity/probe", headers={keys.HEADER: key}),
                  client.post("/api/v1/connectivity/measurements", json=GOOD, headers={keys.HEADER: key})):
            assert (r.status_code, error_code(r)) == (status, code)
    assert count(Measurement) == 0


def test_school_it_makes_a_link_that_measures_for_the_school(api_as, client, school):
    it = api_as("school_it", school=school)
    r = it.post("connectivity/links", json={"days": 2, "tag": "DIB-000123-8"})
    assert r.status_code == 200, r.get_json()
    link = r.get_json()
    assert link["url"].startswith("https://fleet.example.lv/connectivity/measure?key=")
    assert link["url"].endswith("&tag=DIB-000123-8")
    r = client.post("/api/v1/connectivity/measurements", json=GOOD, headers={keys.HEADER: link["key"]})
    assert r.status_code == 201 and r.get_json()["school"] == school.registration_number
    assert it.post("connectivity/links", json={"days": 0}).status_code == 400
    assert it.post("connectivity/links", json={"days": keys.MAX_DAYS + 1}).status_code == 400


def test_the_warehouse_and_managers_may_not_measure(api_as, school):
    for role in ("warehouse", "ministry", "founder_manager", "auditor"):
        api = api_as(role)
        assert api.get("connectivity/probe").status_code == 403
        r = api.post("connectivity/measurements", json={**GOOD, "school": school.registration_number})
        assert r.status_code == 403 and error_code(r) == "forbidden"
