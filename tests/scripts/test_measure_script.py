"""``scripts/measure`` against the served app on loopback (the ``live`` fixture), on both databases: a
measurement through a key and through a token, recorded with its link and laptop; a clear message and a non-zero
exit for a bad key, an unreachable server and bad usage; and once under the real ``fleet serve`` (SQLite), whose
buffering worker must let the transfers through."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from fleet.connectivity import keys
from fleet.models import Measurement
from tests.factories import DeviceFactory, SchoolFactory, UserFactory, token_for

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "measure"


def measure(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin"})


def test_the_script_measures_and_records_with_a_key(app, live, session):
    school = SchoolFactory()
    laptop = DeviceFactory(status="at_school", school=school)
    with app.app_context():
        key, _ = keys.issue(school.id, 1)
    link = f"{live}/connectivity/measure?key={key}"  # the whole link pasted works too
    done = measure(live, "--key", link, "--link", "wifi", "--tag", laptop.asset_tag, "--streams", "2",
                   "--seconds", "0.5", "--repeat", "2", "--every", "0")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 2
    assert f"school {school.registration_number} wifi: download " in lines[0] and "recorded" in lines[0]
    session.commit()
    rows = session.scalars(select(Measurement).where(Measurement.school_id == school.id)).all()
    assert [(m.link, m.source, m.device_id, m.recorded_by) for m in rows] == [("wifi", "script", laptop.id, "key")] * 2
    assert all(m.download_mbps > 0 and m.upload_mbps > 0 and m.latency_ms > 0 for m in rows)


def test_the_script_measures_with_a_token_for_a_named_school(live, session):
    school, other = SchoolFactory(), SchoolFactory()
    token = token_for(UserFactory(role="school_it", schools=[school, other]))
    done = measure(live, "--token", token, "--school", other.registration_number, "--link", "cable",
                   "--seconds", "0.5")
    assert done.returncode == 0, done.stderr
    session.commit()
    assert session.scalar(select(Measurement.school_id).where(Measurement.source == "script")) == other.id
    done = measure(live, "--token", token, "--link", "cable", "--seconds", "0.5")  # two schools: which?
    assert done.returncode == 1
    assert "school is required" in done.stderr


def test_the_script_fails_clearly(live, session):
    done = measure(live, "--key", "forged-key", "--link", "cable", "--seconds", "0.5")
    assert done.returncode == 1
    assert "the measurement failed" in done.stderr and "[unauthorized]" in done.stderr
    done = measure("http://127.0.0.1:9", "--key", "k", "--link", "cable", "--seconds", "0.5")
    assert done.returncode == 1
    assert "cannot reach http://127.0.0.1:9" in done.stderr
    done = measure(live, "--key", "k", "--link", "fibre")
    assert done.returncode == 2
    assert "--link" in done.stderr
    assert measure(live, "--link", "cable").returncode == 2  # neither a key nor a token
    session.commit()
    assert session.scalars(select(Measurement)).all() == []


def test_the_script_measures_through_fleet_serve(tmp_path):
    """Under ``fleet serve`` (gunicorn with the buffering worker of decision 0002): downloads stream, uploads
    arrive whole with their Content-Length, and the measurement is recorded."""
    import json
    import urllib.request

    from tests.fleet.test_serving import _database, _serve

    database = _database(tmp_path)
    with _serve(database) as served:
        def post(path: str, body: dict) -> dict:
            request = urllib.request.Request(f"{served.url}/api/v1/{path}", data=json.dumps(body).encode(),
                                             headers={"Authorization": f"Bearer {served.token}",
                                                      "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.loads(answer.read())

        post("founders", {"code": "VAL", "name": "Valmieras novada pašvaldība"})
        post("schools", {"registration_number": "4113900111", "name": "Valmieras skola", "founder": "VAL"})
        done = measure(served.url, "--token", served.token, "--school", "4113900111", "--link", "cable",
                       "--seconds", "1")
        assert done.returncode == 0, done.stderr + served.log.read_text()[-2000:]
        assert "school 4113900111 cable: download " in done.stdout
        link = post("connectivity/links", {"school": "4113900111", "days": 1})
        done = measure(served.url, "--key", link["key"], "--link", "wifi", "--seconds", "1")
        assert done.returncode == 0, done.stderr
