"""An auditor's evidence pack end to end: asked for through the API, written by the worker's pass, followed
and downloaded, unzipped and verified offline by ``verify.py`` — which fails, naming what, when an agreement,
an event or any other file is changed."""

from __future__ import annotations

import csv
import json

import pypdf
from sqlalchemy import select

from fleet.models import AccessLogEntry, Agreement, Device, Loan
from tests.fleet.evidence.world import download, make_world, verify, work


def test_a_pack_is_written_followed_downloaded_and_verifies(api_as, app, session, tmp_path):
    world = make_world(session)
    auditor = api_as("auditor")
    r = auditor.post("evidence", json={"target_date": "2023-12-31"})
    assert r.status_code == 202, r.get_json()
    pack = r.get_json()
    assert (pack["status"], pack["progress"], pack["links"]["download"]) == ("queued", {"counted": None,
                                                                                        "written": 0}, None)
    assert pack["sample"] is None and pack["agreements"] is True and pack["founder"] is None
    assert auditor.get(f"evidence/{pack['id']}/pack.zip").get_json()["error"]["code"] == "conflict"

    assert work(app) == pack["id"] and work(app) is None  # one pack, claimed once
    done = auditor.get(f"evidence/{pack['id']}").get_json()
    counted = len(world.counted) + len(world.other_counted)
    assert done["status"] == "done" and done["progress"] == {"counted": counted, "written": counted}
    assert done["links"]["download"] == f"/api/v1/evidence/{pack['id']}/pack.zip" and len(done["sha256"]) == 64
    assert done["requested_by"] and done["finished_at"] and done["error"] is None
    assert [p["id"] for p in auditor.get("evidence").get_json()["items"]] == [pack["id"]]

    unzipped = download(auditor, pack["id"], tmp_path / "pack")
    session.commit()
    exports = session.scalars(select(AccessLogEntry).where(AccessLogEntry.event == "export")).all()
    assert any(f"/evidence/{pack['id']}/pack.zip" in (e.what or "") for e in exports)
    result = verify(unzipped)
    assert result.returncode == 0 and result.stdout.startswith("OK"), result.stdout + result.stderr

    with open(unzipped / "devices.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["serial"] for r in rows) == sorted(world.counted + world.other_counted)
    row = rows[0]
    device = session.scalar(select(Device).where(Device.serial == row["serial"]))
    agreement = session.scalar(select(Agreement).join(Loan).where(Loan.device_id == device.id))
    assert (row["history_head"], row["agreement_sha256"], row["agreement"]) == (
        device.history_head, agreement.signed_sha256, agreement.number)
    assert (row["funding_source"], row["handed_over_on"], row["provided_on"], row["eligibility"]) == (
        "rrf", "2023-03-01", "2023-03-02", "large_family")
    assert row["delivery"] and row["delivery_accepted_on"] and row["founder"] == world.founder
    assert (unzipped / "agreements" / f"{agreement.signed_sha256}.pdf").is_file()
    assert len(list((unzipped / "agreements").iterdir())) == counted
    assert len(list((unzipped / "history").iterdir())) == counted
    summary = json.loads((unzipped / "summary.json").read_text())
    assert summary["achieved"] == counted and summary["target"]["target"] == 26_620
    assert summary["withheld"] == {"other_source": 1, "no_contract": 0, "other_fund": 0}
    assert "first hand-over" in summary["rule"]["en"] and summary["agreements"]["included"] == "all"
    assert summary["cut_off"] == "2023-12-31" and summary["requested_by"] == done["requested_by"]
    contracts = (unzipped / "procurement" / "contracts.csv").read_text()
    assert "rrf" in contracts and "react_eu" not in contracts
    assert list((unzipped / "procurement" / "deliveries").glob("delivery-*.csv"))


def test_no_pupil_or_guardian_name_outside_the_agreements(api_as, app, session, tmp_path):
    world = make_world(session)
    auditor = api_as("auditor")
    pack = auditor.post("evidence", json={"target_date": "2023-12-31"}).get_json()
    work(app)
    unzipped = download(auditor, pack["id"], tmp_path / "pack")
    checked = 0
    for path in unzipped.rglob("*"):
        if not path.is_file() or path.parent.name == "agreements":
            continue
        if path.suffix == ".pdf":
            text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
        else:
            text = path.read_text(encoding="utf-8")
        found = [name for name in world.names if name in text]
        assert not found, f"{path.relative_to(unzipped)} names {found}"
        checked += 1
    assert checked > 6
    # (the signed agreements do name them: that is what they are)
    signed = next((unzipped / "agreements").iterdir())
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(signed).pages)
    assert any(name in text for name in world.names)


def _pack(api_as, app, tmp_path, **body):
    auditor = api_as("auditor")
    pack = auditor.post("evidence", json={"target_date": "2023-12-31", **body}).get_json()
    assert work(app) == pack["id"]
    return download(auditor, pack["id"], tmp_path / f"pack-{pack['id']}")


def test_a_changed_agreement_fails_naming_it(api_as, app, session, tmp_path):
    make_world(session)
    unzipped = _pack(api_as, app, tmp_path)
    agreement = sorted((unzipped / "agreements").iterdir())[0]
    data = bytearray(agreement.read_bytes())
    data[len(data) // 2] ^= 0x01
    agreement.write_bytes(bytes(data))
    result = verify(unzipped)
    assert result.returncode == 1
    assert result.stdout.startswith(f"FAIL agreements/{agreement.name}:"), result.stdout


def test_a_changed_event_fails_naming_the_device_and_seq(api_as, app, session, tmp_path):
    world = make_world(session)
    unzipped = _pack(api_as, app, tmp_path)
    history = unzipped / "history" / f"{world.counted[1]}.jsonl"
    lines = history.read_bytes().split(b"\n")
    assert b'"action":"image"' in lines[2]
    lines[2] = lines[2].replace(b'"image":"win11-edu-v3"', b'"image":"win11-edu-v4"')
    history.write_bytes(b"\n".join(lines))
    result = verify(unzipped)
    assert result.returncode == 1
    assert f"device {world.counted[1]}, seq 3:" in result.stdout and "hash does not match" in result.stdout
    assert result.stdout.startswith(f"FAIL history/{world.counted[1]}.jsonl"), result.stdout


def test_a_dropped_last_event_fails_against_the_head(api_as, app, session, tmp_path):
    world = make_world(session)
    unzipped = _pack(api_as, app, tmp_path)
    history = unzipped / "history" / f"{world.counted[0]}.jsonl"
    history.write_bytes(b"".join(history.read_bytes().splitlines(keepends=True)[:-1]))
    result = verify(unzipped)
    assert result.returncode == 1 and f"device {world.counted[0]}: the history ends" in result.stdout


def test_a_changed_file_or_sums_fails_on_sha256sums(api_as, app, session, tmp_path):
    make_world(session)
    unzipped = _pack(api_as, app, tmp_path)
    contracts = unzipped / "procurement" / "contracts.csv"
    original = contracts.read_bytes()
    contracts.write_bytes(original.replace(b"612.40", b"512.40"))
    result = verify(unzipped)
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL procurement/contracts.csv: its SHA-256 differs"), result.stdout

    contracts.write_bytes(original)
    assert verify(unzipped).returncode == 0
    sums = unzipped / "SHA256SUMS"
    lines = sums.read_text().splitlines(keepends=True)
    sums.write_text("".join(line for line in lines if not line.endswith("  summary.json\n")))
    result = verify(unzipped)
    assert result.returncode == 1 and result.stdout.startswith("FAIL summary.json: not listed in SHA256SUMS")


def test_verify_py_needs_only_the_standard_library():
    """The script shipped in every pack imports nothing but Python's own modules (an auditor has no Fleet)."""
    import ast
    import sys
    from pathlib import Path

    from fleet.evidence import verify as script

    tree = ast.parse(Path(script.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported - {"__future__"} <= set(sys.stdlib_module_names), imported
    assert script.main(["verify.py", "/nonexistent-pack"]) == 1  # importable: the tests call it directly
