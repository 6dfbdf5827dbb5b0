"""The connectivity report on a small world worked out by hand (``connectivity_world``): each school's diagnosis
and evidence, the plan's ranks and totals against the round's budget (all funded, then a budget that funds only
the first two), by founder and by diagnosis; a founder manager's schools only, another founder ``not_found``; the
round asked for, an unknown one ``not_found``, no round at all; the API's JSON and every file (CSV with both
separators, XLSX read back, PDF read back) in Latvian and English; ``fleet report connectivity --round``."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from fleet.errors import FleetError
from fleet.reports import Params, Reach, build
from tests.factories import SchoolFactory, UserFactory
from tests.fleet.reports import connectivity_world as cw

EVERY_SCHOOL = Reach(all_schools=True)
AT = Params(as_of=cw.AS_OF)


def items_by(report) -> dict[str, dict]:
    return {i["registration_number"]: i for i in report.summary["items"]}


def test_diagnoses_evidence_and_the_plan_all_within_the_budget(session):
    world = cw.build(session)
    r = build("connectivity", session, EVERY_SCHOOL, AT)
    items, s = items_by(r), world.schools
    assert {k: items[s[k].registration_number]["diagnosis"] for k in s} == {
        "fine": "ok", "wifi": "inside_network", "slow": "uplink", "silent": "no_data"}
    slow = items[s["slow"].registration_number]
    assert slow["download_mbps"] == 100 and slow["contracted_down_mbps"] == 500 and slow["compliance"] == 0.2
    assert slow["samples"] == 3 and slow["founder"] == world.founders[1].name
    compliance = next(e for e in slow["evidence"] if e["check"] == "compliance")
    assert compliance["passed"] is False and compliance["figures"]["compliance"] == pytest.approx(0.2)
    assert items[s["fine"].registration_number]["per_pupil_mbps"] == pytest.approx(1.667, abs=0.001)
    assert [(m["measure"], m["cost"]) for m in slow["plan"]["measures"]] == [
        ("uplink_upgrade", "2400.00"), ("backup_line", "600.00")]
    ranks = {k: (items[s[k].registration_number]["plan"]["rank"], items[s[k].registration_number]["plan"]["cost"])
             for k in s}
    assert ranks == {"fine": (1, "600.00"), "silent": (2, "600.00"), "slow": (3, "3000.00"), "wifi": (4, "3300.00")}
    assert r.summary["round"] == {"code": "2024", "title": "Savienojamības aptauja 2024", "deadline": "2024-02-29"}
    assert (r.summary["budget"], r.summary["total_cost"], r.summary["funded"], r.summary["remaining"]) == (
        "20000.00", "7500.00", "7500.00", "12500.00")
    assert r.summary["diagnoses"] == {"uplink": 1, "inside_network": 1, "congestion": 0, "unstable": 0, "ok": 1,
                                         "no_data": 1}
    assert (r.summary["school_count"], r.summary["without_data"]) == (4, 1)
    assert r.summary["thresholds"]["compliance_ratio"] == 0.8
    plan = r.table("plan").rows
    assert sum(Decimal(row["cost"]) for row in plan) == Decimal("7500.00") and len(plan) == 6
    assert [row["rank"] for row in plan] == [1, 2, 3, 3, 4, 4]


def test_a_budget_that_funds_the_first_two(session):
    world = cw.build(session, budget=Decimal("4000.00"))
    r = build("connectivity", session, EVERY_SCHOOL, AT)
    assert (r.summary["total_cost"], r.summary["funded"], r.summary["remaining"]) == ("7500.00", "1200.00",
                                                                                      "2800.00")
    within = {i["school"]: i["plan"]["within_budget"] for i in r.summary["items"]}
    assert within == {world.schools["fine"].name: True, world.schools["silent"].name: True,
                      world.schools["slow"].name: False, world.schools["wifi"].name: False}
    founders = {row["founder"]: row for row in r.table("by_founder").rows}
    first, second = founders[world.founders[0].code], founders[world.founders[1].code]
    assert (first["schools"], first["ok"], first["inside_network"], first["cost"], first["within_budget"]) == (
        2, 1, 1, "3900.00", "600.00")
    assert (second["uplink"], second["no_data"], second["cost"], second["within_budget"]) == (1, 1, "3600.00",
                                                                                             "600.00")
    assert {row["code"]: row["schools"] for row in r.table("by_diagnosis").rows}["no_data"] == 1


def test_a_founder_manager_sees_its_schools_and_not_another_founders(session):
    world = cw.build(session)
    mine = Reach(False, frozenset({world.schools["fine"].id, world.schools["wifi"].id}))
    r = build("connectivity", session, mine, AT)
    assert {i["diagnosis"] for i in r.summary["items"]} == {"ok", "inside_network"}
    assert r.summary["total_cost"] == "3900.00"
    for params in (Params(founder=world.founders[1].code), Params(school=world.schools["slow"].registration_number)):
        with pytest.raises(FleetError) as e:
            build("connectivity", session, mine, params)
        assert e.value.code == "not_found"


def test_the_round_asked_for_an_unknown_one_and_none_at_all(session):
    school = SchoolFactory()
    cw.measure(session, school, 100, 20, "cable", 1)
    session.commit()
    bare = build("connectivity", session, EVERY_SCHOOL, AT)
    assert bare.summary["round"] is None and bare.summary["budget"] is None
    assert bare.summary["items"][0]["diagnosis"] in ("uplink", "ok") and bare.summary["items"][0]["samples"] == 1
    assert bare.summary["total_cost"] == "0.00"  # nothing planned without answers
    world = cw.build(session)
    with pytest.raises(FleetError) as e:
        build("connectivity", session, EVERY_SCHOOL, Params(as_of=cw.AS_OF, round="1999"))
    assert e.value.code == "not_found"
    asked = build("connectivity", session, EVERY_SCHOOL, Params(as_of=cw.AS_OF, round=world.round.code))
    assert asked.summary["round"]["code"] == "2024" and asked.summary["total_cost"] == "7500.00"


def test_the_api_gives_items_with_their_diagnosis_in_both_languages(api_as, session):
    world = cw.build(session)
    api = api_as("ministry")
    founder = world.founders[1].code
    r = api.get(f"reports/connectivity?founder={founder}&round=2024&as_of=2024-03-15&lang=en")
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert {(i["school"], i["diagnosis"]) for i in body["items"]} == {
        (world.schools["slow"].name, "uplink"), (world.schools["silent"].name, "no_data")}
    assert body["title"] == "Connectivity of schools" and body["scope"] == world.founders[1].name
    assert all(isinstance(e["words"], str) and e["words"] for i in body["items"] for e in i["evidence"])
    assert {row["code"]: row["schools"] for row in body["by_diagnosis"]}["uplink"] == 1
    assert body["diagnoses"]["no_data"] == 1 and body["school_count"] == 2 and body["without_data"] == 1
    assert [row["school"] for row in body["schools"]] and body["plan"] and body["figures"] and body["by_founder"]
    assert api.get("reports/connectivity?round=1999").status_code == 404
    lv = api.get(f"reports/connectivity?founder={founder}&as_of=2024-03-15&lang=lv").get_json()
    assert [i["diagnosis"] for i in lv["items"]] == [i["diagnosis"] for i in body["items"]]
    manager = api_as(user=UserFactory(role="founder_manager", founders=[world.founders[0]]))
    assert manager.get(f"reports/connectivity?founder={founder}").status_code == 404
    assert {i["diagnosis"] for i in manager.get("reports/connectivity?as_of=2024-03-15").get_json()["items"]} == {
        "ok", "inside_network"}


@pytest.mark.parametrize("sep, delimiter, bom", [("semicolon", ";", True), ("comma", ",", False)])
def test_csv_of_the_schools_and_the_plan(api_as, session, sep, delimiter, bom):
    world = cw.build(session)
    api = api_as("ministry")
    r = api.get(f"reports/connectivity.csv?as_of=2024-03-15&sep={sep}&lang=en")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeff") is bom
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
    assert rows[0][:4] == ["School", "School (VIIS number)", "Founder", "Diagnosis"]
    slow = next(row for row in rows if row[0] == world.schools["slow"].name)
    assert slow[3] == "The connection (provider)" and "compliant" in slow[4] and slow[5:] == ["3000.00", "3"]
    figures = api.get(f"reports/connectivity.csv?as_of=2024-03-15&sep={sep}&table=figures&lang=en")
    lines = list(csv.reader(io.StringIO(figures.get_data(as_text=True).lstrip("\ufeff")), delimiter=delimiter))
    assert next(row for row in lines if row[0] == world.schools["slow"].name)[1:] == [
        "100.0", "20.0", "12.0", "500.0", "20.0", "1.667", "3", "2024-03-14"]
    plan = api.get(f"reports/connectivity.csv?as_of=2024-03-15&sep={sep}&table=plan&lang=en").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(plan.lstrip("\ufeff")), delimiter=delimiter))
    assert len(lines) == 7 and lines[1][:2] == ["1", world.schools["fine"].name]


@pytest.mark.parametrize("lang, schools, founder", [("lv", "Skolas", "Dibinātājs"), ("en", "Schools", "Founder")])
def test_xlsx_and_pdf_read_back(api_as, session, lang, schools, founder):
    world = cw.build(session)
    api = api_as("ministry")
    book = load_workbook(io.BytesIO(api.get(f"reports/connectivity.xlsx?as_of=2024-03-15&lang={lang}").data))
    assert len(book.sheetnames) == 6 and schools in book.sheetnames
    sheet = book[schools]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert founder in header
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    slow = next(v for v in values if v[0] == world.schools["slow"].name)
    assert slow[3] and slow[-2] == 3000 and slow[-1] == 3
    summary = [c.value for row in book[book.sheetnames[0]].iter_rows() for c in row]
    assert "7500" in "".join(str(v) for v in summary)
    pdf = api.get(f"reports/connectivity.pdf?as_of=2024-03-15&lang={lang}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())  # cells wrap: words, not lines
    assert ("Lapa" if lang == "lv" else "Page") + f" 1/{len(pages)}" in text
    assert "7500.00" in text and world.schools["slow"].registration_number[:6] in text
    assert ("3 000,00" if lang == "lv" else "3,000.00") in text  # the slow school's plan
    assert "Schools by diagnosis" in text or "Skolas pēc diagnozes" in text


def test_fleet_report_connectivity_with_a_round(session, fleet):
    cw.build(session)
    out = fleet("report", "connectivity", "--round", "2024", "--as-of", "2024-03-15", "--lang", "en")
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["round"]["code"] == "2024" and len(body["items"]) == 4
    bad = fleet("report", "connectivity", "--round", "1999")
    assert bad.exit_code == 1 and "not_found" in bad.output
