"""``fleet demo``: a world that shows every feature, built through the use cases, on both databases."""

from collections import Counter
from itertools import pairwise

import pytest
from sqlalchemy import select

from fleet.models import Event, Loan, Pupil, Stocktake


@pytest.fixture
def demo(fleet, client):
    """The demo loaded; a GET as the demo admin (by the printed token)."""
    result = fleet("demo")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Demo data loaded:") and lines[1].startswith("Users:")
    token = next(line.split()[2] for line in lines[2:] if line.split()[1] == "admin")  # as scripts/run reads it

    def get(path):
        r = client.get(f"/api/v1/{path}", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, (path, r.get_json())
        return r.get_json()

    return get


def test_the_demo_world_shows_every_feature_and_loads_only_once(demo, fleet, session):
    assert fleet("verify").exit_code == 0

    deliveries = [demo(f"deliveries/{d['id']}") for d in demo("deliveries")["items"]]
    closed = [d for d in deliveries if d["counts"]["missing"] and d["counts"]["unexpected"]]
    assert closed and len(closed[0]["missing"]) == 2 and len(closed[0]["unexpected"]) == 2

    shipments = demo("shipments")["items"]
    arrived = [s for s in shipments if s["counts"]["found"] == s["counts"]["expected"] > 0]
    in_transit = [s for s in shipments if s["counts"]["found"] == 0]
    assert arrived and in_transit
    for s in in_transit:
        assert all(demo(f"devices/{serial}")["status"] == "in_transit" for serial in s["missing"])

    assert len(demo("printers")["items"]) >= 1
    assert demo("devices?status=lost")["items"] and demo("devices?status=stolen")["items"]

    session.commit()
    pupils = session.scalars(select(Pupil).where(Pupil.grade == "7.b")).all()
    assert len(pupils) >= 20
    assert any(ch in "āčēģīķļņšūž" for p in pupils for ch in p.family_name + p.given_name)
    assert all(p.personal_code is None for p in pupils)
    school = demo(f"schools/{pupils[0].school.registration_number}")
    assert "vidusskola" in school["name"] and len(school["registration_number"]) == 10

    loans = [demo(f"loans/{loan_id}") for loan_id in session.scalars(select(Loan.id).order_by(Loan.id))]
    states = Counter((x["agreement"]["status"], x["agreement"]["method"]) for x in loans)
    assert {("awaiting_signature", None), ("signed", "link"), ("signed", "desk"), ("signed", "paper")} <= set(states)
    returned = [x for x in loans if x["status"] == "returned"]
    assert returned and returned[0]["accessories_missing"] and returned[0]["return_act"]
    assert {"lost", "stolen", "active"} <= {x["status"] for x in loans}
    assert {"2022", "2023"} <= {x["handed_over_at"][:4] for x in loans}  # hand-overs over the programme's years

    stocktake = demo(f"stocktakes/{session.scalar(select(Stocktake.id))}")
    assert stocktake["closed_at"] and stocktake["counts"]["found"] and stocktake["counts"]["missing"] == 1

    session.commit()  # each history in the order it happened (the demo's calendar, then today)
    events = session.execute(select(Event.device_id, Event.at).order_by(Event.device_id, Event.seq)).all()
    assert all(a.at <= b.at for a, b in pairwise(events) if a.device_id == b.device_id)
    assert events and min(e.at for e in events).year == 2022

    again = fleet("demo")  # only into an empty database
    assert again.exit_code == 1 and "already holds data" in again.output


def test_the_demo_has_a_class_waiting_for_its_hand_out(demo, session):
    """Class 5.a at Purvciems, imported from a Windows-1257 export with Latvian group names: nobody has a
    laptop, and enough laptops wait at the school for all of them — a person trying Fleet hands it out."""
    from fleet.demo import classes, data
    from fleet.lending import pupils as pupil_use_cases
    from fleet.models import Device, School

    session.commit()
    school = session.scalar(select(School).where(School.registration_number == data.PURVCIEMS))
    waiting = pupil_use_cases.class_list(session, school, classes.WAITING_CLASS)
    assert len(waiting) == len(classes.WAITING_PUPILS) >= 12
    assert [p.family_name for p in waiting][:4] == ["Ābola", "Bērziņš", "Cīrulis", "Čudara"]  # register order
    assert all(p.eligibility for p in waiting) and {"large_family", "low_income", "limited_means", "refugee"} <= {
        p.eligibility for p in waiting}
    assert session.scalars(select(Loan).where(Loan.pupil_id.in_([p.id for p in waiting]))).all() == []
    free = session.scalars(select(Device).where(Device.school_id == school.id, Device.status == "at_school")).all()
    assert len(free) >= len(waiting)
    assert pupil_use_cases.classes(session, school) == ["5.a", "7.b"]
