"""The pipeline report: the way in, from the supplier to the pupil — each open delivery's manifest
against the devices received, shipments in transit, the devices waiting at each stage, and week by week
(ISO weeks, Monday 00:00 UTC) how many devices were received, imaged, labelled, shipped, arrived and
handed over (the events of each action: a device imaged twice counts twice).

Read from the roll-ups (``refreshed_at``); ``as_of`` ends the weekly series (the last 104 weeks with
figures up to it), the other figures are the fleet at the refresh.

Who sees what: deliveries and the warehouse's stages and weeks (received, imaged, labelled: the
warehouse's rows, school None) only for a reader of every school asking for no founder or school; a
founder manager, or anyone asking for one founder or school, sees that part of the pipeline that is at
its schools — devices shipped to them and in transit, arrived, waiting to be handed over, handed over.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, null, select
from sqlalchemy.orm import Session

from fleet.i18n import _l
from fleet.models import Contract, Delivery, DeliveryItem, Device, Event, Shipment, shipment_items
from fleet.reports import Chart, Column, Params, Reach, Report, Series, Table, counting, report, rollup, scope
from fleet.reports.health import schools_of
from fleet.reports.health_rollups import monday, week_key, week_of

WAREHOUSE_ACTIONS = ("receive", "image", "label")  # counted for the warehouse (school None)
SCHOOL_ACTIONS = ("ship", "arrive", "hand_over")  # counted for the device's school (where it was sent)
WEEK_KEYS = {"receive": "received", "image": "imaged", "label": "labelled", "ship": "shipped",
             "arrive": "arrived", "hand_over": "handed_over"}
WEEKS = 104
STAGES = (("in_warehouse", _l("Received, waiting to be imaged")), ("imaged", _l("Imaged, waiting for a label")),
          ("labelled", _l("Labelled, waiting to be shipped")), ("in_transit", _l("In transit, waiting to arrive")),
          ("at_school", _l("At school, waiting to be handed over")))
WEEK_LABELS = {"received": _l("Received"), "imaged": _l("Imaged"), "labelled": _l("Labelled"),
               "shipped": _l("Shipped"), "arrived": _l("Arrived"), "handed_over": _l("Handed over")}
DELIVERY_COLUMNS = (Column("delivery", _l("Delivery"), "int"), Column("contract", _l("Contract")),
                    Column("created", _l("Created"), "date"), Column("expected", _l("Expected"), "int"),
                    Column("received", _l("Received"), "int"), Column("outstanding", _l("Outstanding"), "int"))
STAGE_COLUMNS = (Column("stage", _l("Stage (status code)")), Column("label", _l("Stage")),
                 Column("devices", _l("Devices waiting"), "int"))
TRANSIT_COLUMNS = (Column("school", _l("School (VIIS number)")), Column("name", _l("School")),
                   Column("shipments", _l("Shipments in transit"), "int"),
                   Column("devices", _l("Devices in transit"), "int"))
WEEK_COLUMNS = (Column("week", _l("Week")), Column("monday", _l("From"), "date"),
                *(Column(k, label, "int") for k, label in WEEK_LABELS.items()))


@rollup.metric("deliveries_open")
def deliveries_open(session: Session, now):
    """Each open delivery's manifest lines (``<id>:expected``) and devices received (``<id>:received``)."""
    expected = session.execute(select(DeliveryItem.delivery_id, func.count()).join(Delivery)
                               .where(Delivery.closed_at.is_(None)).group_by(DeliveryItem.delivery_id)).all()
    received = session.execute(select(Device.delivery_id, func.count()).join(Delivery)
                               .where(Delivery.closed_at.is_(None), Device.status != "expected")
                               .group_by(Device.delivery_id)).all()
    return ([(None, f"{d}:expected", n) for d, n in expected] + [(None, f"{d}:received", n) for d, n in received])


@rollup.metric("shipments_in_transit")
def shipments_in_transit(session: Session, now):
    """Per school: devices on their way to it (``devices``) and the shipments they are on (``shipments``)."""
    latest = (select(shipment_items.c.device_id, func.max(shipment_items.c.shipment_id).label("shipment_id"))
              .join(Device, Device.id == shipment_items.c.device_id).where(Device.status == "in_transit")
              .group_by(shipment_items.c.device_id).subquery())
    shipments = session.execute(select(Shipment.school_id, func.count(func.distinct(latest.c.shipment_id)))
                                .join(latest, latest.c.shipment_id == Shipment.id).group_by(Shipment.school_id)).all()
    devices = session.execute(select(Device.school_id, func.count()).where(Device.status == "in_transit")
                              .group_by(Device.school_id)).all()
    return [(s, "shipments", n) for s, n in shipments] + [(s, "devices", n) for s, n in devices]


def _weekly(session: Session, actions, by_school: bool):
    """(school or None, week, action, events): one GROUP BY; the school (the device's) only when asked. Events,
    not distinct devices: a device imaged twice in a week counts twice (and the database hashes, never sorts)."""
    week = week_of(session, Event.at)
    inner = select(Device.school_id.label("school_id") if by_school else null().label("school_id"),
                   week.label("week"), Event.action.label("action"))
    if by_school:
        inner = inner.join(Device, Device.id == Event.device_id)
    inner = inner.where(Event.action.in_(actions)).subquery()
    return session.execute(select(inner.c.school_id, inner.c.week, inner.c.action, func.count())
                           .group_by(inner.c.school_id, inner.c.week, inner.c.action)).all()


@rollup.metric("pipeline_weekly")
def pipeline_weekly(session: Session, now):
    """Per school and week, devices by action (``<monday>:<action>``): the warehouse's actions under
    the warehouse (None), shipping, arrival and hand-over under the device's school."""
    return [(school, f"{week_key(week)}:{action}", n)
            for school, week, action, n in [*_weekly(session, WAREHOUSE_ACTIONS, False),
                                            *_weekly(session, SCHOOL_ACTIONS, True)]]


@rollup.metric("pipeline_weekly_all")
def pipeline_weekly_all(session: Session, now):
    """The same over every school and the warehouse, in one row per week and action (readers of every school
    read these, not thousands of schools' rows)."""
    return [(None, f"{week_key(week)}:{action}", n)
            for _, week, action, n in _weekly(session, (*WAREHOUSE_ACTIONS, *SCHOOL_ACTIONS), False)]


def weekly_rows(counts: dict[str, int], as_of: date) -> list[dict]:
    """One row per week from the first with figures to the last up to ``as_of`` (at most ``WEEKS``)."""
    by_week: dict[str, dict[str, int]] = {}
    end = monday(as_of).isoformat()
    for key, n in counts.items():
        week, _, action = key.partition(":")
        if week <= end and action in WEEK_KEYS:
            by_week.setdefault(week, {})[WEEK_KEYS[action]] = n
    if not by_week:
        return []
    last = date.fromisoformat(max(by_week))
    first = max(date.fromisoformat(min(by_week)), last - timedelta(weeks=WEEKS - 1))
    rows, day = [], first
    while day <= last:
        year, number, _ = day.isocalendar()
        found = by_week.get(day.isoformat(), {})
        rows.append({"week": f"{year}-W{number:02d}", "monday": day.isoformat(),
                     **{k: found.get(k, 0) for k in WEEK_LABELS}})
        day += timedelta(weeks=1)
    return rows


def _deliveries(session: Session, counts: dict[str, int]) -> list[dict]:
    ids = sorted({int(k.partition(":")[0]) for k in counts})
    if not ids:
        return []
    found = {d: (number, created) for d, number, created in session.execute(
        select(Delivery.id, Contract.number, Delivery.created_at).join(Contract, Contract.id == Delivery.contract_id)
        .where(Delivery.id.in_(ids)))}
    rows = []
    for d in ids:
        expected, received = counts.get(f"{d}:expected", 0), counts.get(f"{d}:received", 0)
        number, created = found.get(d, ("", None))
        rows.append({"delivery": d, "contract": number, "created": counting.riga_day(created).isoformat()
                     if created else None, "expected": expected, "received": received,
                     "outstanding": max(expected - received, 0)})
    return rows


@report("pipeline", _l("Pipeline"))
def build(session: Session, reach: Reach, params: Params) -> Report:
    school_ids, label = scope.narrow(session, reach, params)
    everything = reach.all_schools and school_ids is None
    as_of = params.as_of or counting.today()
    statuses = rollup.sums(session, "devices_by_status", reach, school_ids)
    deliveries = _deliveries(session, rollup.sums(session, "deliveries_open", reach, school_ids))
    transit = rollup.by_school(session, "shipments_in_transit", reach, school_ids)
    weekly = weekly_rows(rollup.sums(session, "pipeline_weekly_all", reach) if everything
                         else rollup.sums(session, "pipeline_weekly", reach, school_ids), as_of)
    places = schools_of(session, transit)
    transit_rows = [{"school": places[s][0].registration_number, "name": places[s][0].name,
                     "shipments": c.get("shipments", 0), "devices": c.get("devices", 0)}
                    for s, c in sorted(((s, c) for s, c in transit.items() if s in places),
                                       key=lambda sc: places[sc[0]][0].registration_number)]
    stage_rows = [{"stage": s, "label": text, "devices": statuses.get(s, 0)} for s, text in STAGES
                  if everything or s not in ("in_warehouse", "imaged", "labelled")]
    summary = {
        "expected": sum(r["expected"] for r in deliveries), "received": sum(r["received"] for r in deliveries),
        "outstanding": sum(r["outstanding"] for r in deliveries), "open_deliveries": len(deliveries),
        "shipments_in_transit": sum(r["shipments"] for r in transit_rows),
        "devices_in_transit": statuses.get("in_transit", 0),
        **{f"waiting_{r['stage']}": r["devices"] for r in stage_rows},
    }
    tables = [
        Table("deliveries", _l("Open deliveries: expected and received"), DELIVERY_COLUMNS, deliveries),
        Table("in_transit", _l("Shipments in transit, by school"), TRANSIT_COLUMNS, transit_rows),
        Table("stages", _l("Devices waiting at each stage"), STAGE_COLUMNS, stage_rows),
        Table("weekly", _l("Week by week"), WEEK_COLUMNS, weekly),
    ]
    shown = [k for k in WEEK_LABELS if everything or k in ("shipped", "arrived", "handed_over")]
    charts = [
        Chart("weekly", _l("Week by week"), "line",
              [Series(WEEK_LABELS[k], [(r["monday"], r[k]) for r in weekly]) for k in shown], "weekly"),
        Chart("stages", _l("Devices waiting at each stage"), "bars",
              [Series(_l("Devices waiting"), [(str(r["label"]), r["devices"]) for r in stage_rows])], "stages"),
    ]
    return Report("pipeline", _l("Pipeline"), as_of, summary, tables, charts,
                  refreshed_at=rollup.refreshed_at(session), scope_label=label)
