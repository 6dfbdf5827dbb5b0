"""The paged lists behind the dashboard's exceptions on a small fleet (``health_world``): what each lists,
two pages by keyset, a founder manager's schools only, ``days`` checked, and never a pupil's data."""

from __future__ import annotations

import json

import pytest

from fleet.errors import FleetError
from fleet.models import clock
from fleet.reports import Column, Params, build
from fleet.reports.lists import LISTS, check_days
from tests.fleet.reports.health_world import EVERY_SCHOOL, NOW, SECRET, at, devices, refresh
from tests.fleet.reports.health_world import build as world


def page(name, session, reach=EVERY_SCHOOL, school_ids=None, days=None, limit=50, after=None):
    with clock(lambda: NOW):
        rows, last = LISTS[name].fn(session, reach, school_ids, days, limit, after)
    assert SECRET not in json.dumps(rows, default=str)
    keys = {c.key for c in LISTS[name].columns}
    assert all(keys <= set(row) for row in rows)  # every column filled
    return rows, last


def test_unsigned_agreements_by_age_in_two_pages(session):
    w = world(session)
    rows, last = page("unsigned", session, limit=1)  # default: older than 30 days
    assert [(r["school"], r["age_days"], r["handed_over"]) for r in rows] == [(w.a1.registration_number, 194,
                                                                               "2026-05-10")]
    assert rows[0]["serial"] == w.loans["a1"].device.serial and rows[0]["agreement"]
    assert last == rows[0]["id"]
    more, end = page("unsigned", session, limit=1, after=last)
    assert [(r["school"], r["age_days"]) for r in more] == [(w.b1.registration_number, 50)] and end is None
    assert len(page("unsigned", session, days=0)[0]) == 3
    assert [r["age_days"] for r in page("unsigned", session, days=100)[0]] == [194]
    assert [r["school"] for r in page("unsigned", session, reach=w.manager_of(w.fa))[0]] == [w.a1.registration_number]
    # a manager asking for a school outside its reach gets nothing of it
    assert page("unsigned", session, reach=w.manager_of(w.fa), school_ids=frozenset({w.b1.id}))[0] == []


def test_devices_not_seen_overdue_loans_and_repairs(session):
    w = world(session)
    first, last = page("not_seen", session, limit=3)
    second, end = page("not_seen", session, limit=3, after=last)
    seen = first + second
    assert len(first) == 3 and len(second) == 1 and end is None
    assert {r["serial"] for r in seen} == {d.serial for d in w.devices["a1_at_school"]} | {w.loans["a1"].device.serial}
    assert {r["status"] for r in seen} == {"at_school", "on_loan"}  # the lost device is not looked for
    assert seen[0]["last_seen"] == "2026-01-05" and seen[0]["days"] == 319
    assert len(page("not_seen", session, days=30)[0]) == 6
    assert page("not_seen", session, reach=w.manager_of(w.fb))[0] == []

    (loan,) = page("overdue", session)[0]
    assert (loan["loan"], loan["school"], loan["handed_over"], loan["return_by"]) == (
        w.loans["a1"].id, w.a1.registration_number, "2026-05-10", "2026-06-30")
    assert page("overdue", session, reach=w.manager_of(w.fb))[0] == []

    (repair,) = page("in_repair", session)[0]
    assert (repair["serial"], repair["since"], repair["days"]) == (w.devices["a1_repair"][0].serial, "2026-10-10", 41)
    assert page("in_repair", session, days=41)[0] == [] and len(page("in_repair", session, days=40)[0]) == 1


def test_not_seen_counts_to_the_week_as_the_health_report_does(session):
    w = world(session)
    (late,) = devices(1, "at_school", at(2026, 8, 18), w.b1)  # 94 days before NOW, in the week of 17 August
    refresh(session)
    listed = {r["serial"] for r in page("not_seen", session, limit=500)[0]}
    assert late.serial not in listed and len(listed) == build("health", session, EVERY_SCHOOL, Params()).summary[
        "not_seen_90"] == 4  # no event since Monday 17 August, the week 90 days ago began
    assert late.serial in {r["serial"] for r in page("not_seen", session, days=80)[0]}


@pytest.mark.parametrize("days", ["abc", "-1", -1, 3651, True, 2.5, "٣"])
def test_bad_days_are_refused(days):
    with pytest.raises(FleetError) as e:
        check_days(days, 30)
    assert e.value.code == "invalid_input" and e.value.details[0]["field"] == "days"


def test_days_default_and_every_list_is_described(session):
    assert (check_days(None, 30), check_days("", 90), check_days("7", 30), check_days(0, 30)) == (30, 90, 7, 0)
    with clock(lambda: NOW), pytest.raises(FleetError) as e:
        LISTS["not_seen"].fn(session, EVERY_SCHOOL, None, "x", 10, None)
    assert e.value.code == "invalid_input"
    assert set(LISTS) == {"unsigned", "not_seen", "overdue", "in_repair", "double_funding"}
    for spec in LISTS.values():
        assert spec.title and spec.columns and all(isinstance(c, Column) for c in spec.columns)
    assert page("double_funding", session) == ([], None)
