"""The fleet health report, figured by hand on a small fleet (``health_world``): devices by status, school
and founder, unsigned agreements by age, loans overdue after the end-of-year collection, repairs, the lost
and stolen rate, stocktake coverage, imaging mismatches — read from the roll-ups, scoped to the reader's
schools, and never a pupil's name."""

from __future__ import annotations

import json
from datetime import date

import pytest

from fleet.errors import FleetError
from fleet.models import ImagingRun, clock
from fleet.reports import Params, build, rollup
from fleet.reports.health_rollups import return_due
from tests.fleet.reports.health_world import EVERY_SCHOOL, NOW, SECRET, at, refresh
from tests.fleet.reports.health_world import build as world


def rows_by(table, key):
    return {row[key]: row for row in table.rows}


def jsonable(report) -> str:
    return json.dumps({"summary": report.summary, **{t.name: t.rows for t in report.tables}}, default=str)


def test_the_figures_by_status_school_and_founder(session):
    w = world(session)
    report = build("health", session, EVERY_SCHOOL, Params())
    s = report.summary
    assert (s["devices"], s["expected"], s["on_loan"], s["in_repair"], s["lost"], s["stolen"]) == (16, 1, 3, 1, 1, 1)
    assert s["loss_rate"] == 12.5  # 2 of 16
    assert (s["unsigned"], s["unsigned_over_30"]) == (3, 2)
    assert (s["loans_active"], s["loans_overdue"], s["return_by"]) == (3, 1, "2026-06-30")
    assert s["not_seen_90"] == 4 and s["imaging_mismatches"] == 0
    assert report.refreshed_at == rollup.latest(session).finished_at
    assert rows_by(report.table("by_status"), "status")["at_school"]["devices"] == 5

    schools = rows_by(report.table("by_school"), "school")
    assert schools[""]["warehouse"] == 4 and schools[""]["total"] == 4  # the warehouse, expected left out
    assert {k: schools[w.a1.registration_number][k] for k in ("at_school", "on_loan", "lost", "in_repair", "total")} \
        == {"at_school": 3, "on_loan": 1, "lost": 1, "in_repair": 1, "total": 6}
    founders = rows_by(report.table("by_founder"), "founder")
    assert (founders["FA"]["total"], founders["FA"]["stolen"], founders["FB"]["total"]) == (9, 1, 3)

    assert [r["count"] for r in report.table("unsigned_by_age").rows] == [1, 0, 1, 1]  # <7, 7-30, 30-90, >90
    assert [r["count"] for r in report.table("repair_by_age").rows] == [0, 0, 1, 0]  # 41 days
    assert {r["days"]: r["devices"] for r in report.table("not_seen").rows} == {30: 6, 90: 4, 180: 4, 365: 0}

    exceptions = rows_by(report.table("exceptions_by_school"), "school")
    a1, a2 = exceptions[w.a1.registration_number], exceptions[w.a2.registration_number]
    assert (a1["loss_rate"], a1["loans_overdue"], a1["unsigned_over_30"], a1["not_seen_90"]) == (16.7, 1, 1, 4)
    assert (a2["loss_rate"], a2["stolen"], a2["unsigned_over_30"]) == (33.3, 1, 0)
    chart = next(c for c in report.charts if c.name == "by_status")
    assert chart.kind == "bars" and sum(y for _, y in chart.series[0].points) == 17
    assert SECRET not in jsonable(report)


def test_a_founder_manager_sees_its_schools_only(session):
    w = world(session)
    mine = w.manager_of(w.fa)
    report = build("health", session, mine, Params())
    assert (report.summary["devices"], report.summary["loans_overdue"], report.summary["unsigned"]) == (9, 1, 2)
    assert "" not in rows_by(report.table("by_school"), "school")  # no warehouse
    assert set(rows_by(report.table("by_founder"), "founder")) == {"FA"}
    one = build("health", session, mine, Params(school=w.a2.registration_number))
    assert one.summary["devices"] == 3 and one.scope_label.startswith(w.a2.name)
    for params in (Params(founder="FB"), Params(school=w.b1.registration_number)):
        with pytest.raises(FleetError) as e:
            build("health", session, mine, params)
        assert e.value.code == "not_found"
    assert SECRET not in jsonable(report)


def test_imaging_mismatches_count_each_devices_latest_run(session):
    w = world(session)
    first, second = w.devices["warehouse"][:2]
    differs = [{"field": "model", "manifest": "ThinkPad 11e", "reported": "ThinkPad X13"},
               {"field": "macs", "manifest": ["aa"], "reported": []}]
    with clock(lambda: NOW):
        session.add_all([ImagingRun(device_id=first.id, station="s1", image="w11", succeeded=True, mismatches=differs),
                         ImagingRun(device_id=second.id, station="s1", image="w11", succeeded=True,
                                    mismatches=differs[:1])])
        session.flush()
        session.add(ImagingRun(device_id=second.id, station="s1", image="w11", succeeded=True, mismatches=[]))
    session.commit()
    refresh(session)
    report = build("health", session, EVERY_SCHOOL, Params())
    assert report.summary["imaging_mismatches"] == 1  # the second device's latest run matched
    assert {r["field"]: r["devices"] for r in report.table("imaging_mismatches").rows} == {
        "manufacturer": 0, "model": 1, "macs": 1}
    # the warehouse's devices: a founder manager sees none of them
    assert build("health", session, w.manager_of(w.fa), Params()).summary["imaging_mismatches"] == 0


def test_the_last_passed_end_of_the_school_year():
    assert return_due(at(2026, 6, 30, 20)) == date(2025, 6, 30)  # 23:00 in Riga: the day has not passed
    assert return_due(at(2026, 6, 30, 21)) == date(2026, 6, 30)  # midnight in Riga: it has
    assert return_due(at(2027, 1, 2)) == date(2026, 6, 30)


def test_no_refresh_yet_gives_zeros_and_no_time(session):
    report = build("health", session, EVERY_SCHOOL, Params())
    assert report.refreshed_at is None and report.summary["devices"] == 0
    assert report.table("by_school").rows == []
