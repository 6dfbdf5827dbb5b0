"""Asking for evidence packs: who may (admins and auditors), what is refused (with its field named, nothing
queued), one founder's pack, the sample drawn again from its recorded seed, agreements left out, two workers
claiming one pack, and a pack that fails."""

from __future__ import annotations

import csv
import json
import random

import pytest
from sqlalchemy import select

from fleet.evidence import jobs
from fleet.models import Device, EvidencePack
from tests.conftest import error_code
from tests.factories import UserFactory
from tests.fleet.evidence.world import download, make_world, verify, work


@pytest.mark.parametrize("role", ["ministry", "founder_manager", "school_it", "warehouse"])
def test_only_admins_and_auditors_may_export(api_as, session, count, role):
    world = make_world(session, devices=1)
    pack = api_as("admin").post("evidence", json={"target_date": "2023-12-31"}).get_json()
    api = api_as(role)
    if role == "founder_manager":
        from fleet.models import Founder

        api = api_as(user=UserFactory(role=role, founders=[session.scalar(select(Founder).where(
            Founder.code == world.founder))]))
    for r in (api.post("evidence", json={"target_date": "2023-12-31"}), api.get("evidence"),
              api.get(f"evidence/{pack['id']}"), api.get(f"evidence/{pack['id']}/pack.zip")):
        assert r.status_code == 403 and error_code(r) == "forbidden"
    assert count(EvidencePack) == 1


@pytest.mark.parametrize("body, field", [
    ({}, "target_date"),
    ({"target_date": "2023-13-01"}, "target_date"),
    ({"target_date": "31.12.2023"}, "target_date"),
    ({"target_date": "9999-12-31"}, "target_date"),
    ({"target_date": 20231231}, "target_date"),
    ({"target_date": "2023-12-31", "sample": {"size": 0}}, "sample.size"),
    ({"target_date": "2023-12-31", "sample": {"size": 2, "seed": -1}}, "sample.seed"),
    ({"target_date": "2023-12-31", "sample": {}}, "sample.size"),
    ({"target_date": "2023-12-31", "agreements": "no"}, "agreements"),
    ({"target_date": "2023-12-31", "format": "zip"}, "format"),
])
def test_bad_input_is_refused_naming_the_field(api_as, count, body, field):
    r = api_as("auditor").post("evidence", json=body)
    assert r.status_code == 400 and error_code(r) == "invalid_input", r.get_json()
    assert field in [d["field"] for d in r.get_json()["error"]["details"]]
    assert count(EvidencePack) == 0


def test_an_unknown_founder_or_pack_is_not_found(api_as, count):
    auditor = api_as("auditor")
    r = auditor.post("evidence", json={"target_date": "2023-12-31", "founder": "NAV"})
    assert r.status_code == 404 and error_code(r) == "not_found"
    assert r.get_json()["error"]["details"] == {"field": "founder"}
    assert count(EvidencePack) == 0
    for path in ("evidence/4242", "evidence/4242/pack.zip"):
        assert error_code(auditor.get(path)) == "not_found"


def test_one_founders_pack_holds_only_its_devices(api_as, app, session, tmp_path):
    world = make_world(session, devices=2)
    auditor = api_as("auditor")
    pack = auditor.post("evidence", json={"target_date": "2023-12-31", "founder": world.other_founder}).get_json()
    assert pack["founder"] == world.other_founder
    work(app)
    unzipped = download(auditor, pack["id"], tmp_path / "pack")
    with open(unzipped / "devices.csv", encoding="utf-8") as f:
        assert [r["serial"] for r in csv.DictReader(f)] == world.other_counted
    assert json.loads((unzipped / "summary.json").read_text())["founder"]["code"] == world.other_founder
    assert verify(unzipped).returncode == 0


def _agreements(unzipped) -> set[str]:
    return {p.name for p in (unzipped / "agreements").iterdir()} if (unzipped / "agreements").is_dir() else set()


def test_the_sample_is_drawn_again_from_its_seed(api_as, app, session, tmp_path):
    world = make_world(session, devices=5)
    auditor = api_as("auditor")
    drawn = auditor.post("evidence", json={"target_date": "2023-12-31", "sample": {"size": 2}}).get_json()
    seed = drawn["sample"]["seed"]
    assert drawn["sample"]["size"] == 2 and isinstance(seed, int)  # drawn and recorded
    again = auditor.post("evidence", json={"target_date": "2023-12-31", "sample": {"size": 2, "seed": seed}})
    assert again.status_code == 202 and again.get_json()["sample"] == {"size": 2, "seed": seed}
    work(app), work(app)
    first = download(auditor, drawn["id"], tmp_path / "first")
    second = download(auditor, again.get_json()["id"], tmp_path / "second")
    assert len(_agreements(first)) == 2 and _agreements(first) == _agreements(second)
    # the auditor can draw it too: random.Random(seed) over the sorted device ids
    ids = sorted(session.scalars(select(Device.id).where(Device.serial.in_(world.counted + world.other_counted))))
    chosen = set(random.Random(seed).sample(ids, 2))
    with open(first / "devices.csv", encoding="utf-8") as f:
        rows = {r["serial"]: r["agreement_sha256"] for r in csv.DictReader(f)}
    serials = dict(session.execute(select(Device.id, Device.serial).where(Device.id.in_(chosen))).all())
    assert {f"{rows[serials[i]]}.pdf" for i in chosen} == _agreements(first)
    summary = json.loads((first / "summary.json").read_text())
    assert summary["agreements"]["included"] == "sample" and summary["agreements"]["sample"]["seed"] == seed
    assert verify(first).returncode == 0


def test_agreements_may_be_left_out(api_as, app, session, tmp_path):
    make_world(session, devices=2)
    auditor = api_as("admin")
    pack = auditor.post("evidence", json={"target_date": "2023-12-31", "agreements": False}).get_json()
    assert pack["agreements"] is False
    work(app)
    unzipped = download(auditor, pack["id"], tmp_path / "pack")
    assert _agreements(unzipped) == set()
    assert json.loads((unzipped / "summary.json").read_text())["agreements"]["included"] == "none"
    assert verify(unzipped).returncode == 0


def test_a_pack_of_many_batches_records_its_progress_and_verifies(api_as, app, session, tmp_path, monkeypatch):
    from fleet.evidence import writer

    monkeypatch.setattr(writer, "BATCH", 2)
    seen = []
    progress = jobs.progress
    monkeypatch.setattr(jobs, "progress", lambda writes, pack_id, **values: (seen.append(values),
                                                                             progress(writes, pack_id, **values)))
    world = make_world(session, devices=4)
    auditor = api_as("auditor")
    pack = auditor.post("evidence", json={"target_date": "2023-12-31"}).get_json()
    work(app)
    counted = len(world.counted) + len(world.other_counted)
    assert [v["written"] for v in seen if "written" in v] == [0, 2, 4, 5]
    assert seen[0] == {"counted": counted, "written": 0} and seen[-1]["status"] == "done"
    unzipped = download(auditor, pack["id"], tmp_path / "pack")
    assert verify(unzipped).returncode == 0 and len(list((unzipped / "agreements").iterdir())) == counted


def test_an_earlier_cut_off_counts_nothing_handed_over_after_it(api_as, app, session, tmp_path):
    make_world(session, devices=1)
    auditor = api_as("auditor")
    pack = auditor.post("evidence", json={"target_date": "2022-12-31"}).get_json()
    work(app)
    done = auditor.get(f"evidence/{pack['id']}").get_json()
    assert done["status"] == "done" and done["progress"] == {"counted": 0, "written": 0}
    unzipped = download(auditor, pack["id"], tmp_path / "pack")
    summary = json.loads((unzipped / "summary.json").read_text())
    assert summary["achieved"] == 0 and summary["target"]["target"] == 13_310
    assert verify(unzipped).returncode == 0


def test_a_pack_is_claimed_by_one_worker(app, session):
    writes = app.extensions["fleet.sessionmaker"]
    with writes() as s:
        pack = jobs.queue(s, "revidents", __import__("datetime").date(2023, 12, 31))
        s.commit()
        pack_id = pack.id
    assert jobs.claim(writes) == pack_id and jobs.claim(writes) is None
    assert session.get(EvidencePack, pack_id).status == "running"


def test_a_pack_that_cannot_be_written_fails_and_says_so(api_as, app, session, monkeypatch):
    from fleet.evidence import writer

    def broken(*args, **kwargs):
        raise RuntimeError("Ērika Ņikitina's agreement")  # whatever it says stays in the log

    monkeypatch.setattr(writer, "write", broken)
    auditor = api_as("auditor")
    pack = auditor.post("evidence", json={"target_date": "2023-12-31"}).get_json()
    assert work(app) == pack["id"]
    failed = auditor.get(f"evidence/{pack['id']}").get_json()
    assert failed["status"] == "failed" and "RuntimeError" in failed["error"] and "Ērika" not in failed["error"]
    assert failed["links"]["download"] is None
    assert error_code(auditor.get(f"evidence/{pack['id']}/pack.zip")) == "conflict"
    assert not list(jobs.directory(app.config["FLEET"], app.instance_path).glob("*"))


def test_the_agreements_pass_through_memory_one_at_a_time(app, session, tmp_path):
    """Four signed agreements of 4 MiB each: writing the pack never holds them all (tracemalloc's peak)."""
    import os
    import tracemalloc

    from sqlalchemy import update as sql_update

    from fleet.evidence import writer
    from fleet.models import Agreement, Document

    make_world(session, devices=3)
    big = 4 * 1024 * 1024
    for digest in session.scalars(select(Agreement.signed_sha256).where(Agreement.signed_sha256.is_not(None))).all():
        session.execute(sql_update(Document).where(Document.sha256 == digest).values(
            data=b"%PDF-" + os.urandom(big), size=big + 5))
    session.commit()
    writes = app.extensions["fleet.sessionmaker"]
    with writes() as s:
        pack_id = jobs.queue(s, "revidents", __import__("datetime").date(2023, 12, 31)).id
        s.commit()
    tracemalloc.start()
    try:
        with app.extensions["fleet.read_sessionmaker"]() as reading:
            writer.write(reading, pack_id, tmp_path / "pack.zip", lambda **values: None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (tmp_path / "pack.zip").stat().st_size > 4 * big  # (random bytes: stored, not compressed)
    assert peak < 3 * big, f"peak {peak / 2**20:.1f} MiB"
