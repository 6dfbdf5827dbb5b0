"""A milestones report and a list standing in for the real ones in the dashboard's page tests, so that the
page's behaviour (what it shows per role, sorting, paging) is tested apart from the figures, which the
reports' own tests check. The stand-ins honour the reader's reach exactly as the real ones must
(``fleet.reports.scope.narrow``): a founder manager's page can only show its own founders."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from fleet.models import Device, Founder, School
from fleet.reports import Chart, Column, Mark, Report, Series, Table, scope
from fleet.reports.lists import ListSpec

TARGETS = [{"date": "2022-12-31", "target": 13310, "achieved": 13502, "wording": "13 310 devices by 31.12.2022"},
           {"date": "2023-12-31", "target": 26620, "achieved": 20011, "wording": "26 620 devices by 31.12.2023"}]


def milestones(provided_by_code: dict[str, int]):
    """A milestones builder: ``provided_by_code`` per founder's code, the reach and ``?founder=`` honoured."""

    def build(session, reach, params):
        school_ids, label = scope.narrow(session, reach, params)
        rows = []
        for founder in session.scalars(select(Founder).order_by(Founder.code)):
            ids = set(session.scalars(select(School.id).where(School.founder_id == founder.id)))
            if not ids or (school_ids is not None and not ids <= set(school_ids)):
                continue
            rows.append({"founder": founder.code, "name": founder.name,
                         "provided": provided_by_code.get(founder.code, 0), "schools": len(ids)})
        total = sum(r["provided"] for r in rows)
        monthly = Table("monthly", "By month",
                        [Column("month", "Month", "date"), Column("provided", "Provided", "int")],
                        [{"month": "2022-06-30", "provided": total // 3}, {"month": "2022-12-31", "provided": total}])
        columns = [Column("name", "Founder"), Column("provided", "Provided", "int"),
                   Column("schools", "Schools", "int")]
        by_founder = Table("by_founder", "By founder", columns, rows)
        chart = Chart("cumulative", "Provided over time", "line",
                      [Series("Provided", [(r["month"], r["provided"]) for r in monthly.rows])], "monthly",
                      [Mark(t["date"], t["target"], f"{t['target']} · {t['date']}") for t in TARGETS])
        return Report("milestones", "Milestones", date(2023, 6, 30),
                      {"provided": total, "waiting_for_signature": 7, "targets": TARGETS},
                      [by_founder, monthly], [chart], scope_label=str(label))

    return build


COLUMNS = [Column("serial", "Serial"), Column("school", "School"), Column("days", "Days", "days")]


def not_seen(session, reach, school_ids, days, limit, after):
    """Devices by id in the reach, keyset-paged (``after``: the last id of the previous page)."""
    query = (select(Device.id, Device.serial, School.registration_number)
             .join(School, School.id == Device.school_id).order_by(Device.id).limit(limit + 1))
    allowed = school_ids if school_ids is not None else (None if reach.all_schools else reach.school_ids)
    if allowed is not None:
        query = query.where(Device.school_id.in_(sorted(allowed) or [-1]))
    if after is not None:
        query = query.where(Device.id > after)
    found = session.execute(query).all()
    page = found[:limit]
    rows = [{"serial": serial, "school": school, "days": days} for _, serial, school in page]
    return rows, (page[-1][0] if len(found) > limit else None)


LISTS = {"not_seen": ListSpec("Devices not seen", COLUMNS, not_seen, 90)}
