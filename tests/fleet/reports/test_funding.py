"""The funding report, worked out by hand: by source and contract, committed (quantity × unit price), delivered,
provided, the value delivered and the budget left; the double-funding check lists the planted duplicate on another
fund's register (never counted), a device delivered under one contract that names another, devices counted from a
source outside the programme or with no contract — a page at a time; contracts' quantity on creation and change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fleet import catalog
from fleet.errors import FleetError
from fleet.models import Contract, Device, OtherFundSerial
from fleet.reports import Params, Reach, build, funding, rollup
from tests.factories import ContractFactory, DeliveryFactory, DeviceFactory, SchoolFactory
from tests.fleet.reports.test_counting import provide, seeded  # noqa: F401 (the seeds, autouse)

EVERY_SCHOOL = Reach(all_schools=True)


@pytest.fixture
def world(session):
    school = SchoolFactory()
    c1 = ContractFactory(funding_source="rrf", unit_price=Decimal("600.00"), quantity=10)
    c2 = ContractFactory(funding_source="state_budget", unit_price=Decimal("500.00"), quantity=4)
    c3 = ContractFactory(funding_source="react_eu", unit_price=Decimal("400.00"), quantity=100)
    d1, d2 = (provide(session, school, contract=c1).loan.device for _ in range(2))
    d3 = DeviceFactory(status="at_school", school=school, contract=c1)  # delivered, not lent
    d4 = provide(session, school, contract=c2).loan.device
    doubled = provide(session, school, contract=c1).loan.device  # the planted duplicate
    session.add(OtherFundSerial(serial=doubled.serial, source="react_eu", reference="REACT-EU 2021/7",
                                imported_by="test"))
    react = provide(session, school, contract=c3).loan.device
    bare = provide(session, school, contract=None).loan.device
    delivery = DeliveryFactory(contract=c2, serials=("PFTWO0001",))
    two = session.scalar(select(Device).where(Device.serial == "PFTWO0001"))
    two.contract_id = c1.id  # delivered under c2, names c1: two contracts
    session.commit()
    rollup.refresh(session)
    session.commit()
    return {"school": school, "c1": c1, "c2": c2, "c3": c3, "doubled": doubled, "react": react, "bare": bare,
            "two": two, "delivery": delivery, "provided": [d1, d2, d4], "idle": d3}


def test_budgets_committed_delivered_provided_by_source_and_contract(session, world):
    r = build("funding", session, EVERY_SCHOOL, Params())
    sources = {row["source"]: row for row in r.table("by_source").rows}
    assert sources["rrf"] == {"source": "rrf", "name": "Recovery and Resilience Facility", "budget": "15000000.00",
                              "committed": "6000.00", "contracted": 10, "delivered": 5, "provided": 2,
                              "value_delivered": "3000.00", "remaining": "14994000.00"}
    assert sources["state_budget"] == {"source": "state_budget", "name": "State budget", "budget": "3000000.00",
                                            "committed": "2000.00", "contracted": 4, "delivered": 1, "provided": 1,
                                            "value_delivered": "500.00", "remaining": "2998000.00"}
    react = sources["react_eu"]
    assert (react["budget"], react["committed"], react["delivered"], react["provided"], react["remaining"]) == (
        None, "40000.00", 1, 0, None)
    contracts = {row["contract"]: row for row in r.table("by_contract").rows}
    assert contracts[world["c1"].number] == {"contract": world["c1"].number, "supplier": world["c1"].supplier,
                                             "source": "rrf", "unit_price": "600.00", "quantity": 10,
                                             "delivered": 5, "provided": 2}
    assert (contracts[world["c2"].number]["delivered"], contracts[world["c2"].number]["provided"]) == (1, 1)
    assert r.table("by_source").column("budget").kind == "money"
    assert r.summary["exceptions"] == {"other_fund": 1, "two_contracts": 1, "other_source": 1, "no_contract": 1}
    assert r.summary["double_funding"] == 4  # four devices, one kind each (a device of two kinds counts once)
    assert r.refreshed_at == rollup.latest(session).finished_at


def test_the_planted_duplicate_is_listed_and_not_counted(session, world):
    milestones = build("milestones", session, EVERY_SCHOOL, Params(as_of=date(2023, 1, 1)))
    assert milestones.summary["provided"] == 3  # d1, d2, d4: not the duplicate, REACT-EU's or the bare one
    assert milestones.summary["withheld"] == {"other_source": 1, "no_contract": 1, "other_fund": 1}
    rows, after = funding.exceptions(session, EVERY_SCHOOL, None, 50, None)
    assert after is None
    by_serial = {row["serial"]: row for row in rows}
    assert set(by_serial) == {world[k].serial for k in ("doubled", "react", "bare", "two")}
    doubled = by_serial[world["doubled"].serial]
    assert doubled == {"serial": world["doubled"].serial, "asset_tag": world["doubled"].asset_tag,
                       "school": world["school"].registration_number, "kind": "other_fund",
                       "contract": world["c1"].number, "funding_source": "rrf", "other_source": "react_eu",
                       "other_reference": "REACT-EU 2021/7", "other_contract": None}
    two = by_serial["PFTWO0001"]
    assert (two["kind"], two["contract"], two["other_contract"], two["school"]) == (
        "two_contracts", world["c1"].number, world["c2"].number, None)
    assert by_serial[world["react"].serial]["kind"] == "other_source"
    assert (by_serial[world["bare"].serial]["kind"], by_serial[world["bare"].serial]["contract"]) == (
        "no_contract", None)
    assert [row["serial"] for row in rows] == sorted(by_serial, key=lambda s: session.scalar(
        select(Device.id).where(Device.serial == s)))  # in device order


def test_exceptions_come_a_page_at_a_time_within_the_reach(session, world):
    first, after = funding.exceptions(session, EVERY_SCHOOL, None, 3, None)
    assert len(first) == 3 and after is not None
    rest, last = funding.double_funding(session, EVERY_SCHOOL, None, None, 3, after)
    assert len(rest) == 1 and last is None
    assert {r["serial"] for r in first + rest} == {world[k].serial for k in ("doubled", "react", "bare", "two")}
    mine = Reach(False, frozenset({world["school"].id}))  # the warehouse's device is not the school's
    rows, _ = funding.exceptions(session, mine, None, 50, None)
    assert {r["serial"] for r in rows} == {world[k].serial for k in ("doubled", "react", "bare")}
    assert funding.exceptions(session, Reach(False, frozenset({SchoolFactory().id})), None, 50, None) == ([], None)
    assert build("funding", session, mine, Params()).summary["exceptions"]["two_contracts"] == 0


def test_a_contracts_quantity_on_creation_and_change(session):
    body = {"number": "IZM-2023/9", "supplier": "SIA Dators", "funding_source": "rrf", "unit_price": "600.00"}
    c = catalog.create_contract(session, body | {"quantity": 250})
    assert c.quantity == 250
    assert catalog.create_contract(session, body | {"number": "IZM-2023/10"}).quantity is None  # optional
    for bad in (0, -1, "5", True, 1.5):
        with pytest.raises(FleetError) as e:
            catalog.create_contract(session, body | {"number": "IZM-2023/11", "quantity": bad})
        assert e.value.code == "invalid_input" and e.value.details[0]["field"] == "quantity"
    catalog.update_contract(session, "IZM-2023/9", {"quantity": 300, "unit_price": "590.50"})
    session.commit()
    assert (c.quantity, c.unit_price) == (300, Decimal("590.50"))
    with pytest.raises(FleetError) as e:
        catalog.update_contract(session, "IZM-2023/9", {"quantity": 0, "supplier": "SIA Cits"})
    assert e.value.code == "invalid_input"
    session.rollback()
    assert (session.scalar(select(Contract).where(Contract.number == "IZM-2023/9")).supplier, c.quantity) == (
        "SIA Dators", 300)
    catalog.update_contract(session, "IZM-2023/9", {"quantity": None})
    assert c.quantity is None
    with pytest.raises(FleetError) as e:
        catalog.update_contract(session, "NAV-1", {"quantity": 1})
    assert e.value.code == "not_found"
