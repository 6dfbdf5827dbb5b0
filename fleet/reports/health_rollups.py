"""The fleet health report's roll-ups (``fleet.reports.rollup``), computed per school at each refresh
(school None: the warehouse, a device that belongs to no school yet):

- ``devices_by_status``: devices by status (key: the status).
- ``unsigned_by_age``: agreements awaiting a signature by age band (``AGE_BANDS``), by the loan's school.
- ``loans_overdue``: active loans (``active``) and those handed over before the last end of a school year
  that has passed (``overdue``: the end-of-year collection missed them; ``RETURN_BY``, month and day).
- ``repair_by_age``: devices in repair by the age band of their last event (``devices.updated_at``).
- ``last_seen_week``: devices by the week (its Monday, UTC) of their last event, lost, stolen, written off
  and expected (never received) left out; weeks older than ``SEEN_WEEKS`` are added up under ``OLDER``,
  so that "not seen for N days" is a sum over the weeks before N days ago.
- ``imaging_mismatches``: devices whose latest imaging run found the hardware differing from the
  delivery's manifest (``devices``), and by what differed (``manufacturer``, ``model``, ``macs``).

The week of a time is one GROUP BY per database (``week_of``); the pipeline report uses it too. Each
metric returns a list (its queries run before the refresh writes its rows with COPY on the same connection).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, case, cast, func, select
from sqlalchemy.orm import Session

from fleet.models import Agreement, Device, ImagingRun, Loan
from fleet.reports import counting, rollup

RETURN_BY = (6, 30)  # the end of the school year: loans handed over before the last one passed are overdue
AGE_BANDS = ("under_7", "7_30", "30_90", "over_90")  # days: under 7, 7 to 30, 30 to 90, over 90
NOT_SEEN_EXCLUDED = ("lost", "stolen", "written_off", "expected")
SEEN_WEEKS = 104  # weeks of last-seen kept one by one; older ones under OLDER
OLDER = "0000-00-00"  # sorts before every week


def week_of(session: Session, column):
    """The Monday (UTC) of ``column``'s week, as a date (PostgreSQL) or ISO text (SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc("week", func.timezone("UTC", column)), Date)
    return func.date(column, "weekday 0", "-6 days")


def week_key(value) -> str:
    """A week as the roll-ups' key: its Monday's ISO date."""
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def not_seen_since(now: datetime, days: int) -> datetime:
    """"Not seen for ``days``" counts to the week: no event since the Monday (00:00 UTC) of the week
    ``days`` before ``now`` — the report's sums of ``last_seen_week`` and the list alike."""
    return datetime.combine(monday(now.astimezone(UTC).date() - timedelta(days=days)), time(), UTC)


def age_band(column, now: datetime):
    """The band (``AGE_BANDS``) of a time's age at ``now``."""
    return case((column >= now - timedelta(days=7), "under_7"), (column >= now - timedelta(days=30), "7_30"),
                (column >= now - timedelta(days=90), "30_90"), else_="over_90")


def _grouped(session: Session, school, key, *where, from_=None):
    """(school, key, count) grouped over a subquery (a key with bound values is grouped by its label)."""
    inner = select(school.label("school_id"), key.label("k"))
    if from_ is not None:
        inner = inner.select_from(from_)
    inner = inner.where(*where).subquery()
    return session.execute(select(inner.c.school_id, inner.c.k, func.count())
                           .group_by(inner.c.school_id, inner.c.k)).all()


def return_due(now: datetime) -> date:
    """The last end of a school year (``RETURN_BY``) that has passed by ``now`` (Riga time)."""
    today = counting.riga_day(now)
    this_year = date(today.year, *RETURN_BY)
    return this_year if today > this_year else date(today.year - 1, *RETURN_BY)


@rollup.metric("devices_by_status")
def devices_by_status(session: Session, now: datetime):
    return session.execute(select(Device.school_id, Device.status, func.count())
                           .group_by(Device.school_id, Device.status)).all()


@rollup.metric("unsigned_by_age")
def unsigned_by_age(session: Session, now: datetime):
    return _grouped(session, Loan.school_id, age_band(Agreement.created_at, now),
                    Agreement.status == "awaiting_signature",
                    from_=Agreement.__table__.join(Loan.__table__, Loan.id == Agreement.loan_id))


@rollup.metric("loans_overdue")
def loans_overdue(session: Session, now: datetime):
    cutoff = counting.end_of(return_due(now))
    overdue = func.sum(case((Loan.handed_over_at < cutoff, 1), else_=0))
    rows = session.execute(select(Loan.school_id, func.count(), overdue)
                           .where(Loan.status == "active").group_by(Loan.school_id)).all()
    return [(school, key, n) for school, active, late in rows
            for key, n in (("active", active), ("overdue", late or 0))]


@rollup.metric("repair_by_age")
def repair_by_age(session: Session, now: datetime):
    return _grouped(session, Device.school_id, age_band(Device.updated_at, now), Device.status == "in_repair")


@rollup.metric("last_seen_week")
def last_seen_week(session: Session, now: datetime):
    oldest = monday(now.astimezone(UTC).date() - timedelta(weeks=SEEN_WEEKS)).isoformat()
    counts: Counter = Counter()
    for school, week, n in _grouped(session, Device.school_id, week_of(session, Device.updated_at),
                                    Device.status.not_in(NOT_SEEN_EXCLUDED)):
        key = week_key(week)
        counts[school, key if key >= oldest else OLDER] += n
    return [(school, key, n) for (school, key), n in counts.items()]


@rollup.metric("imaging_mismatches")
def imaging_mismatches(session: Session, now: datetime):
    latest = select(func.max(ImagingRun.id)).group_by(ImagingRun.device_id)
    length = (func.jsonb_array_length if session.get_bind().dialect.name == "postgresql"
              else func.json_array_length)(ImagingRun.mismatches)
    counts: Counter = Counter()
    query = (select(Device.school_id, ImagingRun.mismatches).join(Device, Device.id == ImagingRun.device_id)
             .where(ImagingRun.id.in_(latest), length > 0))
    for school, found in session.execute(query.execution_options(yield_per=5_000)):
        counts[school, "devices"] += 1
        for field in {m.get("field") for m in found if isinstance(m, dict)}:
            counts[school, str(field)] += 1
    return [(school, key, n) for (school, key), n in counts.items()]


def not_seen(session: Session, reach, school_ids, since: datetime, days: tuple[int, ...]) -> dict:
    """{school: {n: devices not seen for n days (to the week)}}, for each n of ``days`` counted back
    from ``since`` (the refresh): the weeks wholly before n days ago, added up in the database."""
    from fleet.models import RollupCount

    cut = {n: not_seen_since(since, n).date().isoformat() for n in days}
    sums = [func.sum(case((RollupCount.key < cut[n], RollupCount.value), else_=0)) for n in days]
    query = rollup.in_reach(select(RollupCount.school_id, func.sum(RollupCount.value), *sums)
                            .where(RollupCount.metric == "last_seen_week"), RollupCount.school_id, reach, school_ids)
    out = {}
    for school, total, *counts in session.execute(query.group_by(RollupCount.school_id)):
        out[school] = {"devices": int(total or 0), **{n: int(c or 0) for n, c in zip(days, counts, strict=True)}}
    return out
