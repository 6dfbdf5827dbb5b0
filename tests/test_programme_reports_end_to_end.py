"""Issue 18's "done when", end to end on both databases: laptops delivered under a Recovery Fund contract are
handed over to eligible pupils in 2022 and 2023 at two municipalities' schools and signed for; one serial is
also on REACT-EU's register (a planted double funding); the worker refreshes the figures. Then

- the ministry reads both targets with the count achieved by each date, by founder, in the API and on the
  dashboard, and the double-funding list names the planted serial, which is not counted;
- a founder manager sees only its own schools, and another founder is not found;
- an auditor asks for the evidence pack of the first target, the worker writes it, the auditor downloads it,
  verifies it offline with ``verify.py`` — OK — and a tampered agreement and a tampered event both fail, named.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import partial

from sqlalchemy import select

from fleet.models import Device, Founder, clock
from fleet.reports import other_funds, rollup
from provisioning import deliveries
from tests.conftest import error_code
from tests.factories import ContractFactory, DeliveryFactory, SchoolFactory, UserFactory, current_session, token_for
from tests.fleet.evidence.world import World, download, lend, verify, walk, work
from tests.page_routes import client_as

# (school, hand-over day, signature day): the 2022 target counts what both happened by 31.12.2022, Riga time
HAND_OVERS = [("riga_a", "2022-11-08", "2022-11-09"), ("riga_a", "2022-12-13", "2022-12-13"),
              ("riga_b", "2022-12-31T21:00", "2022-12-31T21:30"),  # 23:30 in Riga: still 2022
              ("valmiera", "2022-12-20", "2023-01-10"),  # signed in 2023: counts in 2023
              ("riga_b", "2023-02-14", "2023-02-15"), ("valmiera", "2023-09-05", "2023-09-05")]
DUPLICATE = "PF-DUP-0001"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day if "T" in day else f"{day}T09:00").replace(tzinfo=UTC)


def programme(session) -> dict:
    riga_a = SchoolFactory(name="Rīgas 64. vidusskola")
    riga_b = SchoolFactory(name="Rīgas Purvciema vidusskola", founder=riga_a.founder)
    valmiera = SchoolFactory(name="Valmieras 2. vidusskola")
    schools = {"riga_a": riga_a, "riga_b": riga_b, "valmiera": valmiera}
    serials = [f"PF-E2E-{n:04d}" for n in range(len(HAND_OVERS))] + [DUPLICATE]
    delivery = DeliveryFactory(contract=ContractFactory(funding_source="rrf", quantity=100), serials=serials)
    world = World(riga_a.founder.code, valmiera.founder.code)
    for serial, (school, handed, signed) in zip(serials, [*HAND_OVERS, ("riga_a", "2022-11-08", "2022-11-08")],
                                                 strict=True):
        device = session.scalar(select(Device).where(Device.serial == serial))
        moments = iter([at(handed)] * 6 + [at(signed)] * 10)
        with clock(partial(next, moments, at(signed))):  # the walk and the hand-over, then the signature
            walk(session, device, schools[school])
            lend(session, world, device, schools[school])
    deliveries.close(session, delivery, "noliktava")
    other_funds.import_register(session, f"serial\n{DUPLICATE}\n".encode(), "react_eu", "REACT-EU 2021/17", "cli")
    session.commit()
    rollup.refresh(session)
    session.commit()
    return {"schools": schools, "world": world}


def api_of(client, role: str, founder: Founder | None = None):
    from tests.conftest import Api

    return Api(client, token_for(UserFactory(role=role, founders=[founder] if founder else [])))


def test_managers_see_the_targets_the_auditor_proves_them(app, client, tmp_path):
    session = current_session()
    made = programme(session)
    riga, valmiera = made["schools"]["riga_a"].founder, made["schools"]["valmiera"].founder
    names = made["world"].names

    # the ministry: both targets, the count achieved by each date, by founder
    ministry = api_of(client, "ministry")
    body = ministry.get("reports/milestones?as_of=2024-01-15").get_json()
    assert [(t["date"], t["target"], t["achieved"]) for t in body["targets"]] == [
        ("2022-12-31", 13_310, 3), ("2023-12-31", 26_620, 6)]
    assert body["provided"] == 6 and body["withheld"]["other_fund"] == 1
    assert {r["founder"]: r["provided"] for r in body["by_founder"]} == {riga.code: 4, valmiera.code: 2}
    page = client_as(app, "ministry").get("/dashboard").get_data(as_text=True)
    targets = re.search(r'id="targets".*?</ul>', page, re.S).group(0)
    assert "13" in targets and "310" in targets and "26" in targets and "620" in targets
    assert riga.name in page and valmiera.name in page
    assert not any(name in page for name in names)  # counts only: no pupil or guardian

    # the planted double funding is listed, and was not counted
    listed = ministry.get("reports/lists/double_funding").get_json()["items"]
    assert [(r["serial"], "other_fund" in r["kind"]) for r in listed] == [(DUPLICATE, True)]

    # a founder manager: its own schools only
    manager = api_of(client, "founder_manager", valmiera)
    mine = manager.get("reports/milestones?as_of=2024-01-15").get_json()
    assert [r["founder"] for r in mine["by_founder"]] == [valmiera.code] and mine["provided"] == 2
    assert error_code(manager.get(f"reports/milestones?founder={riga.code}")) == "not_found"
    managers_page = client_as(app, "founder_manager", made["schools"]["valmiera"])
    assert riga.name not in managers_page.get("/dashboard").get_data(as_text=True)
    assert managers_page.get(f"/dashboard?founder={riga.code}").status_code == 404

    # the auditor: the first target's evidence, verified offline; tampering is found and named
    auditor = api_of(client, "auditor")
    r = auditor.post("evidence", json={"target_date": "2022-12-31"})
    assert r.status_code == 202, r.get_json()
    pack_id = r.get_json()["id"]
    work(app)
    status = auditor.get(f"evidence/{pack_id}").get_json()
    assert status["status"] == "done" and status["progress"]["counted"] == 3
    pack = download(auditor, pack_id, tmp_path / "pack")
    checked = verify(pack)
    assert checked.returncode == 0 and "OK" in checked.stdout, checked.stdout + checked.stderr
    devices_csv = (pack / "devices.csv").read_text(encoding="utf-8-sig")
    assert DUPLICATE not in devices_csv and not any(name in devices_csv for name in names)

    agreement = next((pack / "agreements").iterdir())
    original = agreement.read_bytes()
    agreement.write_bytes(original[:-20] + bytes([original[-20] ^ 1]) + original[-19:])
    failed = verify(pack)
    assert failed.returncode == 1 and agreement.name in failed.stdout + failed.stderr
    agreement.write_bytes(original)

    history = sorted((pack / "history").iterdir())[0]
    lines = history.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace('"actor":"factory"', '"actor":"someone-else"', 1)
    assert lines[0] != history.read_text(encoding="utf-8").splitlines()[0]
    history.write_text("\n".join(lines) + "\n", encoding="utf-8")
    failed = verify(pack)
    assert failed.returncode == 1 and history.stem in failed.stdout + failed.stderr
