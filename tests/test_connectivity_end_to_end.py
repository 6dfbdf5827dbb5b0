"""Issue 19's "done when", end to end on both databases, through the served app on loopback:

- the ministry opens a survey round and sets the plan's budget;
- school IT at two Rīga schools fills in the survey (a draft, a submission refused field by field, then accepted);
- each school measures with ``scripts/measure`` — the same protocol as the page, over real sockets: at the first
  school on cable straight to the server (fast) and on Wi-Fi through a 4 Mbit/s line (``tests/throttle.py``); at
  the second everything through that line; a Valmiera school measures nothing;
- the founder manager of Rīga sees its two schools' diagnoses — ``inside_network`` and ``uplink`` — with the
  evidence behind them and a costed, ranked plan; Valmiera's figures are not found for it;
- the ministry sees every school (Valmiera ``no_data``, never ``ok``), the plan's totals by founder and overall
  against its budget, and takes the report as XLSX and PDF for the milestone's report, read back here.
"""

from __future__ import annotations

import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import Api, error_code
from tests.factories import SchoolFactory, UserFactory, token_for
from tests.fleet.connectivity.answers import answers
from tests.throttle import Throttle

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "measure"
ROUND = "2027"


def api_of(client, role: str, school=None, founder=None) -> Api:
    user = UserFactory(role=role, schools=[school] if school else [], founders=[founder] if founder else [])
    return Api(client, token_for(user))


def measure(base: str, token: str, school: str, link: str) -> str:
    done = subprocess.run([sys.executable, str(SCRIPT), base, "--token", token, "--school", school, "--link", link,
                           "--streams", "2", "--seconds", "1", "--repeat", "3", "--every", "0"],
                          capture_output=True, text=True, timeout=180, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_schools_survey_and_measure_managers_see_diagnoses_and_a_costed_plan(client, live):
    riga_a = SchoolFactory(name="Rīgas 64. vidusskola")
    riga_b = SchoolFactory(name="Rīgas Purvciema vidusskola", founder=riga_a.founder)
    valmiera = SchoolFactory(name="Valmieras Pārgaujas ģimnāzija")
    ministry = api_of(client, "ministry")

    # the ministry opens the round and sets the plan's budget
    opened = ministry.post("connectivity/rounds", json={"code": ROUND, "title": "Apsekojums 2027",
                                                        "opens_on": "2026-01-05", "deadline": "2099-06-30"})
    assert opened.status_code == 201, opened.get_json()
    assert ministry.patch(f"connectivity/rounds/{ROUND}", json={"budget": "5000.00"}).status_code == 200

    # school IT fills in the survey: a draft, a refused submission (each bad field named), the submission
    for school in (riga_a, riga_b):
        it = api_of(client, "school_it", school=school)
        path = f"connectivity/rounds/{ROUND}/schools/{school.registration_number}"
        draft = it.client.put(it._url(path), json={"answers": {"provider": "Tet"}, "submit": False},
                              headers=it.headers)
        assert draft.status_code == 200 and draft.get_json()["status"] == "draft"
        bad = answers(school_level="primary", contracted_down_mbps=100, contracted_up_mbps=30, pupils=-5,
                      classrooms_covered=31, backup_line=None)
        refused = it.client.put(it._url(path), json={"answers": bad, "submit": True}, headers=it.headers)
        assert error_code(refused) == "invalid_input"
        reasons = {d["field"]: d["reason"] for d in refused.get_json()["error"]["details"]}
        assert reasons == {"pupils": "out_of_range", "backup_line": "required", "classrooms_covered": "inconsistent"}
        good = answers(school_level="primary", contracted_down_mbps=100, contracted_up_mbps=30, pupils=90,
                       backup_line=False, backup_technology=None)
        saved = it.client.put(it._url(path), json={"answers": good, "submit": True}, headers=it.headers)
        assert saved.status_code == 200 and saved.get_json()["status"] == "submitted", saved.get_json()

    # the measurements, from inside each school, over real sockets
    token_a = token_for(UserFactory(role="school_it", schools=[riga_a]))
    token_b = token_for(UserFactory(role="school_it", schools=[riga_b]))
    assert "recorded" in measure(live, token_a, riga_a.registration_number, "cable")
    with Throttle(live, mbps=4) as line:
        measure(line.url, token_a, riga_a.registration_number, "wifi")
        measure(line.url, token_b, riga_b.registration_number, "cable")
        measure(line.url, token_b, riga_b.registration_number, "wifi")

    # the founder manager of Rīga: its schools' diagnoses with their evidence, and the plan
    manager = api_of(client, "founder_manager", founder=riga_a.founder)
    body = manager.get(f"reports/connectivity?round={ROUND}").get_json()
    items = {i["school"]: i for i in body["items"]}
    assert set(items) == {riga_a.name, riga_b.name}
    assert items[riga_a.name]["diagnosis"] == "inside_network", items[riga_a.name]["evidence"]
    assert items[riga_b.name]["diagnosis"] == "uplink", items[riga_b.name]["evidence"]
    evidence = {e["check"]: e for e in items[riga_a.name]["evidence"]}
    assert evidence["compliance"]["passed"] is True and evidence["wifi_vs_cable"]["passed"] is False
    assert {e["check"]: e["passed"] for e in items[riga_b.name]["evidence"]}["compliance"] is False
    assert items[riga_b.name]["compliance"] < 0.8 <= items[riga_a.name]["compliance"]  # a ratio
    for item in items.values():
        plan = item["plan"]
        assert plan["measures"] and Decimal(plan["cost"]) == sum(Decimal(m["cost"]) for m in plan["measures"])
    assert sorted(i["plan"]["rank"] for i in items.values()) == [1, 2]
    assert error_code(manager.get(f"reports/connectivity?founder={valmiera.founder.code}")) == "not_found"

    # the ministry: every school, Valmiera without data, totals against the budget, files for the milestone
    body = ministry.get(f"reports/connectivity?round={ROUND}").get_json()
    diagnoses = {i["school"]: i["diagnosis"] for i in body["items"]}
    assert diagnoses[valmiera.name] == "no_data" and diagnoses[riga_a.name] == "inside_network"
    ranked = sorted((i for i in body["items"] if i["plan"]["rank"]), key=lambda i: i["plan"]["rank"])
    per_euro = [i["plan"]["pupils_per_euro"] for i in ranked]
    assert per_euro == sorted(per_euro, reverse=True)
    total = sum(Decimal(i["plan"]["cost"]) for i in body["items"])
    assert Decimal(body["total_cost"]) == total and Decimal(body["budget"]) == Decimal("5000.00")
    funded = sum(Decimal(i["plan"]["cost"]) for i in body["items"] if i["plan"]["within_budget"])
    assert Decimal(body["funded"]) == funded <= Decimal("5000.00")
    assert Decimal(body["remaining"]) == Decimal("5000.00") - funded
    founders = {row["founder"]: row for row in body["by_founder"]}
    assert Decimal(str(founders[riga_a.founder.code]["cost"])) == total

    workbook = load_workbook(io.BytesIO(ministry.get(f"reports/connectivity.xlsx?round={ROUND}&lang=lv").data))
    cells = [str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert riga_a.name in cells and valmiera.name in cells
    pdf = ministry.get(f"reports/connectivity.pdf?round={ROUND}&lang=en")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Rīgas Purvciema" in text and "no data" in text.lower()
