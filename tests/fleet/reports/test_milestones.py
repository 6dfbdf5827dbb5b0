"""The milestones report: each target's count on its date, the count on ``as_of``, by founder, school and month;
what is still needed per month (worked out by hand here); a founder manager sees only its schools and another
founder is not found; the targets' wording in the reader's language; no pupil in it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete

from fleet.errors import FleetError
from fleet.models import ProgrammeTarget, Pupil
from fleet.reports import Params, Reach, build, rollup
from tests.factories import ContractFactory, FounderFactory, SchoolFactory
from tests.fleet.reports.test_counting import provide, seeded  # noqa: F401 (the seeds, autouse)

EVERY_SCHOOL = Reach(all_schools=True)


@pytest.fixture
def world(session):
    """Founder A (schools a1, a2) and B (b1); small targets: 3 by 2022-12-31, 10 by 2023-12-31."""
    session.execute(delete(ProgrammeTarget))
    session.add_all([ProgrammeTarget(due_on=date(2022, 12, 31), target=3, wording_lv="Vismaz 3 ierīces",
                                     wording_en="At least 3 devices"),
                     ProgrammeTarget(due_on=date(2023, 12, 31), target=10, wording_lv="Vismaz 10 ierīces",
                                     wording_en="At least 10 devices")])
    session.commit()
    a, b = FounderFactory(), FounderFactory()
    a1, a2, b1 = SchoolFactory(founder=a), SchoolFactory(founder=a), SchoolFactory(founder=b)
    provide(session, a1, "2022-10-03 10:00", "2022-10-03 12:00")
    provide(session, a1, "2022-12-31 23:30", "2022-12-31 23:40")  # counts in 2022, Riga time
    provide(session, a2, "2022-12-30 10:00", "2023-03-02 09:00")  # signed in 2023: counts then
    provide(session, b1, "2022-11-14 10:00", "2022-11-15 10:00")
    provide(session, b1, "2023-04-01 10:00", None)  # waiting for a signature
    provide(session, b1, "2023-04-01 10:00", "2023-04-01 11:00", contract=ContractFactory(funding_source="react_eu"))
    rollup.refresh(session)
    session.commit()
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1}


def test_targets_are_counted_on_their_dates_and_by_founder(session, world):
    r = build("milestones", session, EVERY_SCHOOL, Params(as_of=date(2023, 10, 15)))
    assert r.summary["provided"] == 4 and r.summary["waiting_for_signature"] == 1
    assert r.summary["withheld"] == {"other_source": 1, "no_contract": 0, "other_fund": 0}
    first, second = r.summary["targets"]
    assert (first["date"], first["target"], first["achieved"], first["met"], first["remaining"]) == (
        "2022-12-31", 3, 3, True, 0)
    assert (second["achieved"], second["met"], second["remaining"]) == (4, False, 6)  # so far, by 2023-10-15
    assert first["wording"] == "At least 3 devices"
    # 6 still needed over October, November and December 2023: 2 a month
    assert r.summary["next_target"] == {"date": "2023-12-31", "target": 10, "remaining": 6, "months": 3,
                                        "needed_per_month": 2}
    founders = {row["founder"]: row for row in r.table("by_founder").rows}
    assert founders[world["a"].code] == {"founder": world["a"].code, "name": world["a"].name, "provided": 3,
                                         "waiting_for_signature": 0, "withheld": 0}
    assert (founders[world["b"].code]["provided"], founders[world["b"].code]["waiting_for_signature"],
            founders[world["b"].code]["withheld"]) == (1, 1, 1)
    schools = {row["school"]: row["provided"] for row in r.table("by_school").rows}
    assert schools == {world["a1"].registration_number: 2, world["a2"].registration_number: 1,
                       world["b1"].registration_number: 1}
    months = {row["month"]: (row["provided"], row["cumulative"]) for row in r.table("monthly").rows}
    assert months["2022-10"] == (1, 1) and months["2022-11"] == (1, 2) and months["2022-12"] == (1, 3)
    assert months["2023-01"] == (0, 3) and months["2023-03"] == (1, 4) and months["2023-10"] == (0, 4)
    assert len(months) == 13
    line, bars = r.charts
    assert [(m.x, m.y) for m in line.marks] == [("2022-12-31", 3), ("2023-12-31", 10)]
    assert line.marks[0].label.in_("lv") == "3 līdz 31.12.2022"  # as the dashboard's cards write a target
    assert line.series[0].points[-1] == ("2023-10-15", 4) and line.table == "monthly"
    assert sorted(bars.series[0].points) == sorted([(world["a"].name, 3), (world["b"].name, 1)])
    assert r.refreshed_at == rollup.latest(session).finished_at


def test_the_count_on_a_day_and_a_met_target(session, world):
    r = build("milestones", session, EVERY_SCHOOL, Params(as_of=date(2022, 12, 31)))
    assert r.summary["provided"] == 3
    assert [t["achieved"] for t in r.summary["targets"]] == [3, 3]
    # the first is met on its day; the next one not met: 7 over January–December 2023 → 1 a month
    assert r.summary["next_target"]["needed_per_month"] == 1 and r.summary["next_target"]["months"] == 13
    early = build("milestones", session, EVERY_SCHOOL, Params(as_of=date(2022, 10, 31)))
    assert early.summary["provided"] == 1
    assert early.summary["next_target"] == {"date": "2022-12-31", "target": 3, "remaining": 2, "months": 3,
                                            "needed_per_month": 1}


def test_all_targets_met_has_no_next_target(session, world):
    for t in session.query(ProgrammeTarget):
        t.target = 1
    session.commit()
    r = build("milestones", session, EVERY_SCHOOL, Params(as_of=date(2023, 6, 1)))
    assert r.summary["next_target"] is None and all(t["met"] for t in r.summary["targets"])


def test_a_founder_manager_sees_only_its_schools(session, world):
    mine = Reach(False, frozenset({world["a1"].id, world["a2"].id}))
    r = build("milestones", session, mine, Params(as_of=date(2023, 10, 15)))
    assert r.summary["provided"] == 3 and r.summary["waiting_for_signature"] == 0
    assert [row["founder"] for row in r.table("by_founder").rows] == [world["a"].code]
    assert {row["school"] for row in r.table("by_school").rows} == {world["a1"].registration_number,
                                                                    world["a2"].registration_number}
    assert build("milestones", session, mine, Params(as_of=date(2023, 10, 15),
                                                     founder=world["a"].code)).summary["provided"] == 3
    for params in (Params(founder=world["b"].code), Params(school=world["b1"].registration_number),
                   Params(founder="NO-SUCH")):
        with pytest.raises(FleetError) as e:
            build("milestones", session, mine, params)
        assert e.value.code == "not_found"


def test_narrowed_to_a_founder_or_a_school(session, world):
    by_b = build("milestones", session, EVERY_SCHOOL, Params(as_of=date(2023, 10, 15), founder=world["b"].code))
    assert (by_b.summary["provided"], by_b.summary["waiting_for_signature"]) == (1, 1)
    assert by_b.scope_label == world["b"].name
    a2 = build("milestones", session, EVERY_SCHOOL, Params(as_of=date(2023, 10, 15),
                                                           school=world["a2"].registration_number))
    assert a2.summary["provided"] == 1 and [m["month"] for m in a2.table("monthly").rows][0] == "2023-03"


def test_wording_in_the_readers_language_and_no_pupil_anywhere(app, session, world):
    with app.test_request_context("/?lang=lv"):
        r = build("milestones", session, EVERY_SCHOOL, Params(as_of=date(2023, 10, 15)))
        assert r.summary["targets"][0]["wording"] == "Vismaz 3 ierīces"
        assert isinstance(r.summary["rule"], str) and r.summary["rule"]
    text = repr((r.summary, [t.rows for t in r.tables]))
    for pupil in session.query(Pupil):
        assert pupil.family_name not in text and pupil.register_id not in text and pupil.guardian_name not in text
