"""Recording a speed measurement (``fleet.connectivity.measurements.record``): good ones stored with the laptop
they ran on, bad ones refused field by field with coded reasons and nothing stored; the measurement links' keys
(``fleet.connectivity.keys``): forged, expired, another school's; and ``fleet connectivity link``."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import URLSafeSerializer

from fleet.connectivity import keys, measurements
from fleet.errors import FleetError
from fleet.models import Measurement, utcnow
from tests.factories import DeviceFactory, SchoolFactory


def record(session, school, **changes):
    values = {"download_mbps": 95.5, "upload_mbps": 28.0, "latency_ms": 12.0, "jitter_ms": 1.5, "link": "cable",
              "source": "browser", "recorded_by": "it-riga"}
    values.update(changes)
    return measurements.record(session, school.id, **values)


def reasons(e: FleetError) -> dict[str, str]:
    return {d["field"]: d["reason"] for d in e.details}


def test_a_measurement_is_recorded_with_the_laptop_it_ran_on(session):
    school = SchoolFactory()
    laptop = DeviceFactory(status="at_school", school=school)
    m = record(session, school, asset_tag=laptop.asset_tag.lower(), link="wifi", jitter_ms=None)
    session.commit()
    stored = session.get(Measurement, m.id)
    assert (stored.school_id, stored.device_id, stored.link, stored.source) == (school.id, laptop.id, "wifi", "browser")
    assert (stored.download_mbps, stored.upload_mbps, stored.latency_ms, stored.jitter_ms) == (95.5, 28.0, 12.0, None)
    assert stored.recorded_by == "it-riga"
    assert utcnow() - stored.taken_at < timedelta(minutes=1)


def test_every_bad_field_is_refused_at_once_and_nothing_is_stored(session, count):
    school = SchoolFactory()
    with pytest.raises(FleetError) as e:
        record(session, school, download_mbps=-1, upload_mbps=measurements.MAX_MBPS + 1, latency_ms="12",
               jitter_ms=float("nan"), link="ethernet", asset_tag="DIB-12", taken_at=utcnow() + timedelta(hours=2))
    assert e.value.code == "invalid_input"
    assert reasons(e.value) == {"download_mbps": "out_of_range", "upload_mbps": "out_of_range",
                                "latency_ms": "not_a_number", "jitter_ms": "not_a_number", "link": "unknown_choice",
                                "asset_tag": "not_a_tag",
                                "taken_at": "out_of_range"}
    assert all(d["message"] for d in e.value.to_json()["error"]["details"])
    session.rollback()
    assert count(Measurement) == 0


@pytest.mark.parametrize("field", ["download_mbps", "upload_mbps", "latency_ms"])
def test_a_rate_is_required_and_no_bool_passes_for_a_number(session, field):
    school = SchoolFactory()
    for value, reason in ((None, "required"), (True, "not_a_number"), ("fast", "not_a_number")):
        with pytest.raises(FleetError) as e:
            record(session, school, **{field: value})
        assert reasons(e.value) == {field: reason}


def test_zero_is_a_measurement_a_dead_line_gives(session):
    m = record(session, SchoolFactory(), download_mbps=0, upload_mbps=0)
    assert (m.download_mbps, m.upload_mbps) == (0.0, 0.0)


def test_an_asset_tag_must_be_a_programme_laptop_of_that_school(session):
    school, other = SchoolFactory(), SchoolFactory()
    theirs = DeviceFactory(status="at_school", school=other)
    warehouse = DeviceFactory(status="labelled")
    for tag in (theirs.asset_tag, warehouse.asset_tag):
        with pytest.raises(FleetError) as e:
            record(session, school, asset_tag=tag)
        assert reasons(e.value) == {"asset_tag": "not_at_school"}
        assert tag in e.value.details[0]["message"].in_("en")
    with pytest.raises(FleetError) as e:
        record(session, school, asset_tag="not a tag")
    assert list(reasons(e.value)) == ["asset_tag"]
    ours = DeviceFactory(status="at_school", school=school)
    wrong_check = ours.asset_tag[:-1] + ("0" if ours.asset_tag[-1] != "0" else "1")
    with pytest.raises(FleetError) as e:
        record(session, school, asset_tag=wrong_check)
    assert reasons(e.value) == {"asset_tag": "check_character"}


def test_an_unknown_school_is_not_found(session):
    with pytest.raises(FleetError) as e:
        measurements.record(session, 999_999, 1, 1, 1, 1, "cable", "browser", "x")
    assert e.value.code == "not_found"


def test_recent_is_the_schools_newest_first(session):
    school, other = SchoolFactory(), SchoolFactory()
    old = record(session, school, taken_at=utcnow() - timedelta(days=2))
    new = record(session, school)
    record(session, other)
    session.commit()
    assert [m.id for m in measurements.recent(session, school.id, 10)] == [new.id, old.id]
    assert [m.id for m in measurements.recent(session, school.id, 1)] == [new.id]


# --- measurement keys ------------------------------------------------------------------------------

def test_a_key_names_its_school_until_it_expires(app):
    with app.app_context():
        key, expires = keys.issue(42, days=3)
        assert expires - time.time() == pytest.approx(3 * 86400, abs=5)
        assert keys.school_of(key) == 42
        with pytest.raises(FleetError) as e:
            keys.school_of(key, now=expires + 1)
        assert e.value.code == "gone"
        assert e.value.details == {"expired": True}


@pytest.mark.parametrize("days", [0, -1, keys.MAX_DAYS + 1, True, "7"])
def test_a_key_lasts_one_day_to_a_year(app, days):
    with app.app_context(), pytest.raises(FleetError) as e:
        keys.issue(1, days)
    assert e.value.code == "invalid_input"


def test_a_forged_or_altered_key_is_unauthorized(app):
    with app.app_context():
        key, _ = keys.issue(42, days=3)
        forged = URLSafeSerializer("another secret", salt=keys.SALT).dumps({"s": 7, "e": int(time.time()) + 999})
        other_use = URLSafeSerializer(app.secret_key, salt="another use").dumps({"s": 7, "e": int(time.time()) + 99})
        for bad in (forged, other_use, key[:-2] + ("AA" if key[-2:] != "AA" else "BB"), "", "x" * 600, None, 17):
            with pytest.raises(FleetError) as e:
                keys.school_of(bad)
            assert e.value.code == "unauthorized"


def test_fleet_connectivity_link_prints_a_link_for_the_school(fleet, session):
    school = SchoolFactory()
    session.commit()
    result = fleet("connectivity", "link", school.registration_number, "--days", "5", "--tag", "DIB-000001-0")
    assert result.exit_code == 0, result.output
    url = result.stdout.strip().splitlines()[0]
    assert "/connectivity/measure?key=" in url
    query = parse_qs(urlsplit(url).query)
    assert query["tag"] == ["DIB-000001-0"]
    _, payload = URLSafeSerializer("unknown", salt=keys.SALT).loads_unsafe(query["key"][0])  # (signed by its secret)
    assert payload["s"] == school.id
    assert payload["e"] - time.time() == pytest.approx(5 * 86400, abs=30)
    result = fleet("connectivity", "link", "0000000000")
    assert result.exit_code == 1
    assert "not found" in result.output
    assert fleet("connectivity", "link", school.registration_number, "--days", "0").exit_code == 1
