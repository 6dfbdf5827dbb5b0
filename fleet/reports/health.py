"""The fleet health report: where the devices are and what needs attention — devices by status (overall,
by school, by founder), agreements awaiting a signature by age, loans overdue for return after the
end-of-year collection, devices in repair and for how long, the lost and stolen by school, stocktake
coverage (devices not seen for N days) and imaging mismatches.

Every figure is read from the roll-ups (``fleet.reports.health_rollups``), as of their last refresh
(``refreshed_at``): the report adds up hundreds of rows, never a million devices. ``as_of`` is not a
cut-off here: the figures are the fleet as it stood at the refresh. Counts only; no pupil appears.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import display_names
from fleet.i18n import _l
from fleet.lifecycle import STATUSES
from fleet.models import Founder, School, utcnow
from fleet.reports import Chart, Column, Params, Reach, Report, Series, Table, counting, report, rollup, scope
from fleet.reports.health_rollups import AGE_BANDS, not_seen, return_due

WAREHOUSE_STATUSES = ("in_warehouse", "imaged", "labelled")
MAIN = ("warehouse", "in_transit", "at_school", "on_loan", "in_repair", "lost", "stolen", "written_off")
NOT_SEEN_DAYS = (30, 90, 180, 365)
BAND_LABELS = {"under_7": _l("under 7 days"), "7_30": _l("7–30 days"), "30_90": _l("30–90 days"),
               "over_90": _l("over 90 days")}
MAIN_COLUMNS = (Column("warehouse", _l("In the warehouse"), "int"),
                *(Column(s, display_names.text("status", s), "int") for s in MAIN[1:]),
                Column("total", _l("Devices"), "int"))
SCHOOL_COLUMNS = (Column("school", _l("School (VIIS number)")), Column("name", _l("School")),
                  Column("founder", _l("Founder (code)")), *MAIN_COLUMNS)
FOUNDER_COLUMNS = (Column("founder", _l("Founder (code)")), Column("name", _l("Founder")), *MAIN_COLUMNS)
STATUS_COLUMNS = (Column("status", _l("Status (code)")), Column("label", _l("Status")),
                  Column("devices", _l("Devices"), "int"))
BAND_COLUMNS = (Column("band", _l("Age (code)")), Column("label", _l("Age")), Column("count", _l("Count"), "int"))
EXCEPTION_COLUMNS = (
    Column("school", _l("School (VIIS number)")), Column("name", _l("School")), Column("founder", _l("Founder (code)")),
    Column("devices", _l("Devices"), "int"), Column("lost", display_names.text("status", "lost"), "int"),
    Column("stolen", display_names.text("status", "stolen"), "int"),
    Column("loss_rate", _l("Lost and stolen, %"), "percent"),
    Column("unsigned_over_30", _l("Unsigned over 30 days"), "int"),
    Column("loans_overdue", _l("Loans overdue for return"), "int"), Column("in_repair", _l("In repair"), "int"),
    Column("not_seen_90", _l("Not seen for 90 days"), "int"),
    Column("imaging_mismatches", _l("Imaging mismatches"), "int"))
NOT_SEEN_COLUMNS = (Column("days", _l("Not seen for at least (days)"), "days"), Column("devices", _l("Devices"), "int"))
MISMATCH_COLUMNS = (Column("field", _l("What differs (code)")), Column("label", _l("What differs")),
                    Column("devices", _l("Devices"), "int"))
MISMATCH_LABELS = {"manufacturer": _l("manufacturer"), "model": _l("model"), "macs": _l("MAC addresses")}


def main_columns(statuses: dict[str, int]) -> dict[str, int]:
    """A school's (or founder's) devices by status folded into the tables' columns."""
    row = {m: statuses.get(m, 0) for m in MAIN[1:]}
    row["warehouse"] = sum(statuses.get(s, 0) for s in WAREHOUSE_STATUSES)
    row["total"] = sum(n for s, n in statuses.items() if s != "expected")
    return row


def rate(part: int, whole: int) -> float:
    """``part`` of ``whole`` in percent, one decimal (0 when there is no whole)."""
    return round(100 * part / whole, 1) if whole else 0.0


class SchoolRef(NamedTuple):
    id: int
    registration_number: str
    name: str


class FounderRef(NamedTuple):
    id: int
    code: str
    name: str


def schools_of(session: Session, ids) -> dict[int, tuple[SchoolRef, FounderRef]]:
    """The schools ``ids`` (None left out) with their founders: what the tables name them by (columns only)."""
    ids = sorted(i for i in ids if i is not None)
    if not ids:
        return {}
    rows = session.execute(select(School.id, School.registration_number, School.name, Founder.id, Founder.code,
                                  Founder.name).join(Founder, Founder.id == School.founder_id)
                           .where(School.id.in_(ids)))
    return {row[0]: (SchoolRef(*row[:3]), FounderRef(*row[3:])) for row in rows}


def _add(into: dict[str, int], more: dict[str, int]) -> None:
    for key, value in more.items():
        into[key] = into.get(key, 0) + value


@report("health", _l("Fleet health"))
def build(session: Session, reach: Reach, params: Params) -> Report:
    school_ids, label = scope.narrow(session, reach, params)
    latest = rollup.latest(session)
    since: datetime = latest.started_at if latest else utcnow()
    statuses = rollup.by_school(session, "devices_by_status", reach, school_ids)
    unsigned = rollup.by_school(session, "unsigned_by_age", reach, school_ids)
    loans = rollup.by_school(session, "loans_overdue", reach, school_ids)
    repair = rollup.sums(session, "repair_by_age", reach, school_ids)
    mismatches = rollup.by_school(session, "imaging_mismatches", reach, school_ids)
    unseen = not_seen(session, reach, school_ids, since, NOT_SEEN_DAYS)
    places = schools_of(session, {*statuses, *unsigned, *loans, *mismatches, *unseen})

    totals: dict[str, int] = {}
    for counts in statuses.values():
        _add(totals, counts)
    bands: dict[str, int] = {}
    for counts in unsigned.values():
        _add(bands, counts)
    loan_totals: dict[str, int] = {}
    for counts in loans.values():
        _add(loan_totals, counts)
    mismatch_totals: dict[str, int] = {}
    for counts in mismatches.values():
        _add(mismatch_totals, counts)
    not_seen_totals = {n: sum(v[n] for v in unseen.values()) for n in NOT_SEEN_DAYS}
    main = main_columns(totals)

    status_rows = [{"status": s, "label": display_names.text("status", s), "devices": totals.get(s, 0)}
                   for s in STATUSES]
    unsigned_rows = [{"band": b, "label": BAND_LABELS[b], "count": bands.get(b, 0)} for b in AGE_BANDS]
    repair_rows = [{"band": b, "label": BAND_LABELS[b], "count": repair.get(b, 0)} for b in AGE_BANDS]
    summary = {
        "devices": main["total"], "expected": totals.get("expected", 0),
        "on_loan": totals.get("on_loan", 0), "in_repair": totals.get("in_repair", 0),
        "lost": totals.get("lost", 0), "stolen": totals.get("stolen", 0),
        "loss_rate": rate(totals.get("lost", 0) + totals.get("stolen", 0), main["total"]),
        "unsigned": sum(bands.values()), "unsigned_over_30": bands.get("30_90", 0) + bands.get("over_90", 0),
        "loans_active": loan_totals.get("active", 0), "loans_overdue": loan_totals.get("overdue", 0),
        "return_by": return_due(since).isoformat(),
        "not_seen_90": not_seen_totals[90], "imaging_mismatches": mismatch_totals.get("devices", 0),
    }
    tables = [
        Table("by_status", _l("Devices by status"), STATUS_COLUMNS, status_rows),
        Table("by_school", _l("Devices by school"), SCHOOL_COLUMNS, _school_rows(statuses, places)),
        Table("by_founder", _l("Devices by founder"), FOUNDER_COLUMNS, _founder_rows(statuses, places)),
        Table("unsigned_by_age", _l("Agreements awaiting a signature, by age"), BAND_COLUMNS, unsigned_rows),
        Table("repair_by_age", _l("Devices in repair, by days since their last event"), BAND_COLUMNS, repair_rows),
        Table("not_seen", _l("Devices not seen (no event) for N days"), NOT_SEEN_COLUMNS,
              [{"days": n, "devices": not_seen_totals[n]} for n in NOT_SEEN_DAYS]),
        Table("imaging_mismatches", _l("Imaging mismatches (the latest run of each device)"), MISMATCH_COLUMNS,
              [{"field": f, "label": MISMATCH_LABELS[f], "devices": mismatch_totals.get(f, 0)}
               for f in MISMATCH_LABELS]),
        Table("exceptions_by_school", _l("Exceptions by school"), EXCEPTION_COLUMNS,
              _exception_rows(statuses, unsigned, loans, mismatches, unseen, places)),
    ]
    charts = [
        Chart("by_status", _l("Devices by status"), "bars",
              [Series(_l("Devices"), [(str(r["label"]), r["devices"]) for r in status_rows if r["devices"]])],
              "by_status"),
        Chart("unsigned_by_age", _l("Agreements awaiting a signature, by age"), "bars",
              [Series(_l("Agreements"), [(str(r["label"]), r["count"]) for r in unsigned_rows])], "unsigned_by_age"),
    ]
    return Report("health", _l("Fleet health"), params.as_of or counting.today(), summary, tables, charts,
                  refreshed_at=latest.finished_at if latest else None, scope_label=label)


def _school_cells(school_id, places) -> dict:
    if school_id is None:
        return {"school": "", "name": _l("Warehouse (no school)"), "founder": ""}
    school, founder = places[school_id]
    return {"school": school.registration_number, "name": school.name, "founder": founder.code}


def _order(school_id, places):
    """Schools by registration number; the warehouse first."""
    return "" if school_id is None else places[school_id][0].registration_number


def _school_rows(statuses, places) -> list[dict]:
    return [{**_school_cells(s, places), **main_columns(statuses[s])}
            for s in sorted((s for s in statuses if s is None or s in places), key=lambda s: _order(s, places))]


def _founder_rows(statuses, places) -> list[dict]:
    founders: dict[int, FounderRef] = {}
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for school_id, by_status in statuses.items():
        if school_id in places:
            founder = places[school_id][1]
            founders[founder.id] = founder
            _add(counts[founder.id], by_status)
    return [{"founder": founders[f].code, "name": founders[f].name, **main_columns(counts[f])}
            for f in sorted(founders, key=lambda f: founders[f].code)]


def _exception_rows(statuses, unsigned, loans, mismatches, unseen, places) -> list[dict]:
    ids = {*statuses, *unsigned, *loans, *mismatches, *unseen}
    rows = []
    for school_id in sorted((s for s in ids if s is None or s in places), key=lambda s: _order(s, places)):
        by_status = statuses.get(school_id, {})
        devices = main_columns(by_status)["total"]
        lost, stolen = by_status.get("lost", 0), by_status.get("stolen", 0)
        bands = unsigned.get(school_id, {})
        rows.append({**_school_cells(school_id, places), "devices": devices, "lost": lost, "stolen": stolen,
                     "loss_rate": rate(lost + stolen, devices),
                     "unsigned_over_30": bands.get("30_90", 0) + bands.get("over_90", 0),
                     "loans_overdue": loans.get(school_id, {}).get("overdue", 0),
                     "in_repair": by_status.get("in_repair", 0),
                     "not_seen_90": unseen.get(school_id, {}).get(90, 0),
                     "imaging_mismatches": mismatches.get(school_id, {}).get("devices", 0)})
    return rows
