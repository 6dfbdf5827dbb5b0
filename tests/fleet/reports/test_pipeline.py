"""The pipeline report, figured by hand on a small fleet (``health_world``): open deliveries' manifests
against the devices received, shipments in transit, the devices waiting at each stage, and week by week
the devices received, imaged, labelled, shipped, arrived and handed over — the warehouse's part only for
readers of every school."""

from __future__ import annotations

import json
from datetime import date

import pytest

from fleet.errors import FleetError
from fleet.models import clock
from fleet.reports import Params, build
from provisioning import deliveries, shipments
from tests.factories import DeliveryFactory
from tests.fleet.reports.health_world import ADMIN, EVERY_SCHOOL, NOW, SECRET, devices, refresh
from tests.fleet.reports.health_world import build as world


def week(report, monday: str) -> dict:
    return next(r for r in report.table("weekly").rows if r["monday"] == monday)


def figures(row: dict) -> tuple:
    return tuple(row[k] for k in ("received", "imaged", "labelled", "shipped", "arrived", "handed_over"))


def test_weeks_stages_and_a_founder_managers_part(session):
    w = world(session)
    report = build("pipeline", session, EVERY_SCHOOL, Params())
    weekly = report.table("weekly").rows
    assert (weekly[0]["monday"], weekly[-1]["monday"], len(weekly)) == ("2026-01-05", "2026-11-16", 46)  # zero-filled
    assert weekly[-1]["week"] == "2026-W47"
    assert figures(week(report, "2026-11-16")) == (5, 3, 2, 1, 0, 0)  # the warehouse's four and one shipped to A2
    assert figures(week(report, "2026-11-09")) == (1, 1, 1, 1, 1, 1)  # A2's loan (Sunday 15 November)
    assert figures(week(report, "2026-01-05")) == (3, 3, 3, 3, 3, 0)
    assert figures(week(report, "2026-06-01")) == (0, 0, 0, 0, 0, 0)
    stages = {r["stage"]: r["devices"] for r in report.table("stages").rows}
    assert stages == {"in_warehouse": 2, "imaged": 1, "labelled": 1, "in_transit": 1, "at_school": 5}
    assert (report.summary["waiting_in_warehouse"], report.summary["devices_in_transit"]) == (2, 1)
    line = next(c for c in report.charts if c.name == "weekly")
    assert line.kind == "line" and len(line.series) == 6 and line.series[0].points[-1] == ("2026-11-16", 5)

    assert [r["monday"] for r in build("pipeline", session, EVERY_SCHOOL, Params(as_of=date(2026, 11, 10)))
            .table("weekly").rows][-1] == "2026-11-09"

    mine = build("pipeline", session, w.manager_of(w.fa), Params())
    assert figures(week(mine, "2026-11-16")) == (0, 0, 0, 1, 0, 0)  # shipped to A2; the warehouse's not shown
    assert figures(week(mine, "2026-11-09")) == (0, 0, 0, 1, 1, 1)
    assert figures(week(mine, "2026-10-26")) == (0, 0, 0, 0, 0, 0)  # B1's devices are not its
    assert {r["stage"]: r["devices"] for r in mine.table("stages").rows} == {"in_transit": 1, "at_school": 3}
    assert mine.table("deliveries").rows == [] and len(next(c for c in mine.charts if c.name == "weekly").series) == 3
    with pytest.raises(FleetError) as e:
        build("pipeline", session, w.manager_of(w.fa), Params(founder="FB"))
    assert e.value.code == "not_found"
    for r in (report, mine):
        assert SECRET not in json.dumps({"s": r.summary, **{t.name: t.rows for t in r.tables}}, default=str)


def test_open_deliveries_and_shipments_in_transit(session):
    w = world(session)
    delivery = DeliveryFactory(serials=("PFD00001", "PFD00002", "PFD00003"))
    with clock(lambda: NOW):
        deliveries.receive(session, delivery, "PFD00001", "test")
        sent = devices(2, "labelled", NOW)
        shipment = shipments.create_shipment(session, ADMIN, w.b1.registration_number, [d.serial for d in sent])
    session.commit()
    refresh(session)

    report = build("pipeline", session, EVERY_SCHOOL, Params())
    (row,) = report.table("deliveries").rows
    assert (row["delivery"], row["contract"], row["expected"], row["received"], row["outstanding"]) == (
        delivery.id, delivery.contract.number, 3, 1, 2)
    s = report.summary
    assert (s["expected"], s["received"], s["outstanding"], s["open_deliveries"]) == (3, 1, 2, 1)
    transit = {r["school"]: r for r in report.table("in_transit").rows}
    assert (transit[w.b1.registration_number]["shipments"], transit[w.b1.registration_number]["devices"]) == (1, 2)
    assert (transit[w.a2.registration_number]["shipments"], transit[w.a2.registration_number]["devices"]) == (0, 1)
    assert (s["shipments_in_transit"], s["devices_in_transit"]) == (1, 3) and shipment.id

    b1_only = build("pipeline", session, EVERY_SCHOOL, Params(school=w.b1.registration_number))
    assert b1_only.table("deliveries").rows == [] and b1_only.summary["devices_in_transit"] == 2
    assert [r["school"] for r in b1_only.table("in_transit").rows] == [w.b1.registration_number]

    with clock(lambda: NOW):
        deliveries.close(session, delivery, "test")
    session.commit()
    refresh(session)
    assert build("pipeline", session, EVERY_SCHOOL, Params()).summary["open_deliveries"] == 0
