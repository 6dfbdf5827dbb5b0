"""The milestones report: devices provided to the target group (``fleet.reports.counting``'s rule), cumulative
by day against the programme's targets (``programme_targets``), overall, by founder and by school; what is still
needed per month to reach the next target; the first hand-overs waiting only for a signature; the devices
withheld from the count and why.

It reads the roll-ups only (``rollup_counts``, refreshed by ``fleet worker``); the metrics it registers:

- ``provided_daily``: the devices that count (``withheld`` None), per school, keyed by the ISO day they count from;
- ``waiting_for_signature``: per school, the first hand-overs to eligible pupils whose agreement awaits a
  signature (each counts on the day it is signed);
- ``withheld``: per school, the devices meeting the rule but withheld, keyed by the reason.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from fleet.i18n import _l, current_locale
from fleet.models import Agreement, Founder, Loan, ProgrammeTarget, RollupCount, RollupCounted, School
from fleet.reports import Chart, Column, Mark, Params, Reach, Report, Series, Table, counting, report, rollup
from fleet.reports.scope import narrow

# --- the roll-ups -------------------------------------------------------------------------------------------


@rollup.metric("provided_daily")
def provided_daily(session: Session, now: datetime) -> list[tuple[int, str, int]]:
    query = (select(RollupCounted.school_id, RollupCounted.provided_on, func.count())
             .where(RollupCounted.withheld.is_(None))
             .group_by(RollupCounted.school_id, RollupCounted.provided_on))
    return [(school, day.isoformat(), n) for school, day, n in session.execute(query)]


@rollup.metric("withheld")
def withheld(session: Session, now: datetime) -> list[tuple[int, str, int]]:
    query = (select(RollupCounted.school_id, RollupCounted.withheld, func.count())
             .where(RollupCounted.withheld.is_not(None))
             .group_by(RollupCounted.school_id, RollupCounted.withheld))
    return [tuple(row) for row in session.execute(query)]


@rollup.metric("waiting_for_signature")
def waiting_for_signature(session: Session, now: datetime) -> list[tuple[int, str, int]]:
    first = select(Loan.device_id, func.min(Loan.id).label("loan_id")).group_by(Loan.device_id).subquery()
    query = (select(Loan.school_id, func.count())
             .select_from(first)
             .join(Loan, Loan.id == first.c.loan_id)
             .join(Agreement, and_(Agreement.loan_id == Loan.id, Agreement.status == "awaiting_signature"))
             .where(Loan.eligible.is_(True))
             .group_by(Loan.school_id))
    return [(school, "", n) for school, n in session.execute(query)]


# --- reading them -------------------------------------------------------------------------------------------


def provided_by_school(session: Session, reach: Reach, school_ids: frozenset[int] | None,
                       as_of: date) -> dict[int | None, int]:
    """The devices counted by the end of ``as_of``, per school in reach."""
    query = rollup.in_reach(
        select(RollupCount.school_id, func.sum(RollupCount.value))
        .where(RollupCount.metric == "provided_daily", RollupCount.key <= as_of.isoformat()),
        RollupCount.school_id, reach, school_ids).group_by(RollupCount.school_id)
    return {school: int(n) for school, n in session.execute(query)}


def schools_in(session: Session, reach: Reach, school_ids: frozenset[int] | None) -> list[tuple]:
    """(id, registration number, name, founder code, founder name) of the schools the figures cover."""
    query = (select(School.id, School.registration_number, School.name, Founder.code, Founder.name)
             .outerjoin(Founder, Founder.id == School.founder_id)
             .order_by(Founder.code, School.registration_number))
    return list(session.execute(rollup.in_reach(query, School.id, reach, school_ids)))


def wording(target: ProgrammeTarget) -> str:
    return target.wording_lv if current_locale() == "lv" else target.wording_en


def months_between(start: date, end: date) -> int:
    """Calendar months from ``start``'s month to ``end``'s, both counted (October 15 to December 31: 3)."""
    return (end.year * 12 + end.month) - (start.year * 12 + start.month) + 1


def cumulative_on(daily: dict[str, int], day: date) -> int:
    key = day.isoformat()
    return sum(n for d, n in daily.items() if d <= key)


def target_rows(targets: list[ProgrammeTarget], daily: dict[str, int], as_of: date) -> list[dict[str, Any]]:
    rows = []
    for t in targets:
        achieved = cumulative_on(daily, min(t.due_on, as_of))  # a target still ahead: the count so far
        rows.append({"date": t.due_on.isoformat(), "target": t.target, "achieved": achieved,
                     "met": achieved >= t.target, "remaining": max(t.target - achieved, 0), "wording": wording(t)})
    return rows


def next_target(rows: list[dict[str, Any]], as_of: date) -> dict[str, Any] | None:
    """The first target due on or after ``as_of`` not met yet, with what is still needed each calendar month
    (``as_of``'s month and the target's counted); None when every target ahead is met."""
    for row in rows:
        due = date.fromisoformat(row["date"])
        if due >= as_of and not row["met"]:
            months = months_between(as_of, due)
            return {"date": row["date"], "target": row["target"], "remaining": row["remaining"], "months": months,
                    "needed_per_month": math.ceil(row["remaining"] / months)}
    return None


def monthly(daily: dict[str, int], as_of: date) -> list[dict[str, Any]]:
    """Provided per month and cumulatively, from the first month with a device to ``as_of``'s month."""
    per_month: dict[str, int] = defaultdict(int)
    for day, n in daily.items():
        if day <= as_of.isoformat():
            per_month[day[:7]] += n
    if not per_month:
        return []
    first = date.fromisoformat(min(per_month) + "-01")
    rows, total = [], 0
    year, month = first.year, first.month
    while (year, month) <= (as_of.year, as_of.month):
        key = f"{year:04d}-{month:02d}"
        total += per_month.get(key, 0)
        rows.append({"month": key, "provided": per_month.get(key, 0), "cumulative": total})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return rows


def month_end(month: str, as_of: date) -> str:
    year, m = int(month[:4]), int(month[5:])
    nxt = date(year + 1, 1, 1) if m == 12 else date(year, m + 1, 1)
    return min(date.fromordinal(nxt.toordinal() - 1), as_of).isoformat()


def breakdowns(schools: list[tuple], provided: dict, waiting: dict, held: dict) -> tuple[list, list]:
    """The rows of ``by_school`` and ``by_founder``."""
    by_school, founders = [], {}
    for school_id, reg, name, founder_code, founder_name in schools:
        row = {"school": reg, "name": name, "founder": founder_code, "provided": provided.get(school_id, 0),
               "waiting_for_signature": waiting.get(school_id, {}).get("", 0)}
        by_school.append(row)
        f = founders.setdefault(founder_code, {"founder": founder_code, "name": founder_name, "provided": 0,
                                               "waiting_for_signature": 0, "withheld": 0})
        f["provided"] += row["provided"]
        f["waiting_for_signature"] += row["waiting_for_signature"]
        f["withheld"] += sum(held.get(school_id, {}).values())
    return by_school, list(founders.values())


SCHOOL_COLUMNS = (Column("school", _l("School (VIIS number)")), Column("name", _l("School")),
                  Column("founder", _l("Founder (code)")), Column("provided", _l("Provided"), "int"),
                  Column("waiting_for_signature", _l("Waiting for a signature"), "int"))
FOUNDER_COLUMNS = (Column("founder", _l("Founder (code)")), Column("name", _l("Founder")),
                   Column("provided", _l("Provided"), "int"),
                   Column("waiting_for_signature", _l("Waiting for a signature"), "int"),
                   Column("withheld", _l("Withheld"), "int"))
MONTH_COLUMNS = (Column("month", _l("Month")), Column("provided", _l("Provided"), "int"),
                 Column("cumulative", _l("Cumulative"), "int"))


def charts(months: list[dict], targets: list[dict], by_founder: list[dict], as_of: date) -> list[Chart]:
    line = Series(_l("Provided, cumulative"), [(month_end(m["month"], as_of), m["cumulative"]) for m in months])
    marks = [Mark(t["date"], t["target"], _l("%(target)s by %(date)s", target=f"{t['target']:,}".replace(",", "\u00a0"),
                                             date=date.fromisoformat(t["date"]).strftime("%d.%m.%Y")))
             for t in targets]  # "13 310 līdz 31.12.2022": as the dashboard's cards write a target
    bars = Series(_l("Provided"), [(f["name"] or f["founder"] or "", f["provided"]) for f in by_founder])
    return [Chart("cumulative", _l("Devices provided to the target group, cumulative"), "line", [line], "monthly",
                  marks),
            Chart("by_founder", _l("Provided by founder"), "bars", [bars], "by_founder")]


@report("milestones", _l("Milestones"))
def build(session: Session, reach: Reach, params: Params) -> Report:
    school_ids, label = narrow(session, reach, params)
    as_of = params.as_of or counting.today()
    daily = rollup.sums(session, "provided_daily", reach, school_ids)
    held = rollup.by_school(session, "withheld", reach, school_ids)
    waiting = rollup.by_school(session, "waiting_for_signature", reach, school_ids)
    targets = target_rows(list(session.scalars(select(ProgrammeTarget).order_by(ProgrammeTarget.due_on))),
                          daily, as_of)
    by_school, by_founder = breakdowns(schools_in(session, reach, school_ids),
                                       provided_by_school(session, reach, school_ids, as_of), waiting, held)
    months = monthly(daily, as_of)
    withheld_totals: dict[str, int] = defaultdict(int)
    for reasons in held.values():
        for reason, n in reasons.items():
            withheld_totals[reason] += n
    summary = {"provided": cumulative_on(daily, as_of),
               "waiting_for_signature": sum(w.get("", 0) for w in waiting.values()),
               "withheld": {reason: withheld_totals.get(reason, 0) for reason in counting.WITHHELD},
               "targets": targets, "next_target": next_target(targets, as_of), "rule": str(counting.RULE)}
    return Report("milestones", _l("Milestones"), as_of, summary,
                  [Table("by_founder", _l("By founder"), FOUNDER_COLUMNS, by_founder),
                   Table("by_school", _l("By school"), SCHOOL_COLUMNS, by_school),
                   Table("monthly", _l("By month"), MONTH_COLUMNS, months)],
                  charts(months, targets, by_founder, as_of),
                  refreshed_at=rollup.refreshed_at(session), scope_label=str(label))
