"""The paged lists behind the dashboard's exceptions (``GET /api/v1/reports/lists/<name>``): the rows a
figure of a report counts, a page at a time, for the schools a reader may see.

``LISTS[name]``: a ``ListSpec`` (title, columns, ``fn``, the default of ``days``). Every ``fn`` is
``(session, reach, school_ids, days, limit, after) -> (rows, next_after)``: rows are dicts by the columns'
keys (JSON scalars), ``next_after`` the last row's id when another page follows (``fleet.paging``'s
cursor); keyset by the row's id (``id > after ORDER BY id LIMIT limit + 1``), so a page is an index
scan however many devices there are. ``days`` is checked by ``check_days`` (``invalid_input``, field
``days``); a list that has no use for it ignores it.

- ``unsigned``: agreements awaiting a signature for more than ``days`` (default 30).
- ``not_seen``: devices with no event for ``days`` (default 90), to the week as the health report counts
  them (no event since the Monday of the week ``days`` ago, UTC); lost, stolen, written off and expected
  (never received) ones are not looked for.
- ``overdue``: active loans handed over before the last end of a school year that has passed.
- ``in_repair``: devices in repair, for at least ``days`` (default 0) since their last event.
- ``double_funding``: the funding report's exceptions (``fleet.reports.funding.exceptions``).

No pupil's or guardian's data: a loan or agreement is named by its number, school and device only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import display_names
from fleet.errors import invalid
from fleet.i18n import Text, _l
from fleet.models import Agreement, Device, Loan, School, utcnow
from fleet.reports import Column, Reach, counting, funding, rollup
from fleet.reports.health_rollups import NOT_SEEN_EXCLUDED, not_seen_since, return_due

MAX_DAYS = 3650
Page = tuple[list[dict[str, Any]], int | None]
ListFn = Callable[[Session, Reach, "frozenset[int] | None", int, int, "int | None"], Page]


class ListSpec(NamedTuple):
    title: Text
    columns: Sequence[Column]
    fn: ListFn
    default_days: int | None = None  # None: the list takes no days


def check_days(value: Any, default: int | None) -> int | None:
    """``days`` as asked (a whole number 0-3650, as a number or ASCII digits; None: ``default``)."""
    if value is None or value == "":
        return default
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DAYS:
        raise invalid(_l("days must be a whole number 0-%(max)s", max=MAX_DAYS), [{"field": "days"}])
    return value


def _page(stmt, id_column, limit: int, after: int | None, sort: bool = False):
    """``limit`` (and one) rows past ``after`` by id. ``sort``: order by ``id + 0`` so that the database
    finds the rows by their filters' indexes and sorts the few it found, rather than walking the primary
    key past thousands of rows of other schools (a founder manager's unsigned agreements)."""
    stmt = stmt.order_by(id_column + 0 if sort else id_column).limit(limit + 1)
    return stmt if after is None else stmt.where(id_column > after)


def _split(rows: list, limit: int) -> tuple[list, int | None]:
    return rows[:limit], (rows[limit - 1][0] if len(rows) > limit else None)


def _day(at: datetime | None) -> str | None:
    return counting.riga_day(at).isoformat() if at else None


def _age(at: datetime, now: datetime) -> int:
    return (counting.riga_day(now) - counting.riga_day(at)).days


def unsigned(session: Session, reach: Reach, school_ids, days, limit: int, after: int | None) -> Page:
    now = utcnow()
    days = check_days(days, 30)
    stmt = (select(Agreement.id, Agreement.number, School.registration_number, School.name, Device.serial,
                   Device.asset_tag, Loan.handed_over_at, Agreement.created_at)
            .join(Loan, Loan.id == Agreement.loan_id).join(School, School.id == Loan.school_id)
            .join(Device, Device.id == Loan.device_id)
            .where(Agreement.status == "awaiting_signature", Agreement.created_at < now - timedelta(days=days)))
    scoped = school_ids is not None or not reach.all_schools
    rows, last = _split(session.execute(_page(rollup.in_reach(stmt, Loan.school_id, reach, school_ids),
                                              Agreement.id, limit, after, sort=scoped)).all(), limit)
    return [{"id": i, "agreement": number, "school": reg, "school_name": name, "serial": serial,
             "asset_tag": tag, "handed_over": _day(handed), "age_days": _age(created, now)}
            for i, number, reg, name, serial, tag, handed, created in rows], last


def not_seen(session: Session, reach: Reach, school_ids, days, limit: int, after: int | None) -> Page:
    now = utcnow()
    days = check_days(days, 90)
    stmt = (select(Device.id, Device.serial, Device.asset_tag, School.registration_number, School.name,
                   Device.status, Device.updated_at)
            .outerjoin(School, School.id == Device.school_id)
            .where(Device.updated_at < not_seen_since(now, days), Device.status.not_in(NOT_SEEN_EXCLUDED)))
    rows, last = _split(session.execute(_page(rollup.in_reach(stmt, Device.school_id, reach, school_ids),
                                              Device.id, limit, after)).all(), limit)
    return [{"id": i, "serial": serial, "asset_tag": tag, "school": reg or "", "school_name": name or "",
             "status": status, "status_label": display_names.text("status", status), "last_seen": _day(seen),
             "days": _age(seen, now)}
            for i, serial, tag, reg, name, status, seen in rows], last


def overdue(session: Session, reach: Reach, school_ids, days, limit: int, after: int | None) -> Page:
    now = utcnow()
    check_days(days, None)
    due = return_due(now)
    stmt = (select(Loan.id, School.registration_number, School.name, Device.serial, Device.asset_tag,
                   Loan.handed_over_at)
            .join(School, School.id == Loan.school_id).join(Device, Device.id == Loan.device_id)
            .where(Loan.status == "active", Loan.handed_over_at < counting.end_of(due)))
    rows, last = _split(session.execute(_page(rollup.in_reach(stmt, Loan.school_id, reach, school_ids),
                                              Loan.id, limit, after)).all(), limit)
    return [{"id": i, "loan": i, "school": reg, "school_name": name, "serial": serial, "asset_tag": tag,
             "handed_over": _day(handed), "return_by": due.isoformat()}
            for i, reg, name, serial, tag, handed in rows], last


def in_repair(session: Session, reach: Reach, school_ids, days, limit: int, after: int | None) -> Page:
    now = utcnow()
    days = check_days(days, 0)
    stmt = (select(Device.id, Device.serial, Device.asset_tag, School.registration_number, School.name,
                   Device.updated_at)
            .outerjoin(School, School.id == Device.school_id).where(Device.status == "in_repair"))
    if days:
        stmt = stmt.where(Device.updated_at < now - timedelta(days=days))
    rows, last = _split(session.execute(_page(rollup.in_reach(stmt, Device.school_id, reach, school_ids),
                                              Device.id, limit, after)).all(), limit)
    return [{"id": i, "serial": serial, "asset_tag": tag, "school": reg or "", "school_name": name or "",
             "since": _day(since), "days": _age(since, now)}
            for i, serial, tag, reg, name, since in rows], last


def double_funding(session: Session, reach: Reach, school_ids, days, limit: int, after: int | None) -> Page:
    """The funding report's exceptions (``fleet.reports.funding``): double funding, devices that may not count."""
    check_days(days, None)
    return funding.exceptions(session, reach, school_ids, limit, after)


SCHOOL = (Column("school", _l("School (VIIS number)")), Column("school_name", _l("School")))
LISTS: dict[str, ListSpec] = {
    "unsigned": ListSpec(
        _l("Agreements awaiting a signature"),
        (Column("agreement", _l("Agreement")), *SCHOOL, Column("serial", _l("Serial")),
         Column("asset_tag", _l("Asset tag")), Column("handed_over", _l("Handed over"), "date"),
         Column("age_days", _l("Waiting (days)"), "days")),
        unsigned, 30),
    "not_seen": ListSpec(
        _l("Devices not seen"),
        (Column("serial", _l("Serial")), Column("asset_tag", _l("Asset tag")), *SCHOOL,
         Column("status", _l("Status (code)")), Column("status_label", _l("Status")),
         Column("last_seen", _l("Last seen"), "date"), Column("days", _l("Not seen (days)"), "days")),
        not_seen, 90),
    "overdue": ListSpec(
        _l("Loans overdue for return"),
        (Column("loan", _l("Loan"), "int"), *SCHOOL, Column("serial", _l("Serial")),
         Column("asset_tag", _l("Asset tag")), Column("handed_over", _l("Handed over"), "date"),
         Column("return_by", _l("Due back by"), "date")),
        overdue),
    "in_repair": ListSpec(
        _l("Devices in repair"),
        (Column("serial", _l("Serial")), Column("asset_tag", _l("Asset tag")), *SCHOOL,
         Column("since", _l("Since"), "date"), Column("days", _l("In repair (days)"), "days")),
        in_repair, 0),
    "double_funding": ListSpec(funding.EXCEPTIONS_TITLE, funding.EXCEPTION_COLUMNS, double_funding),
}
