"""The funding report: by funding source and by contract, what was contracted (committed: each contract's
quantity × unit price), delivered (the devices naming the contract) and provided (the devices counted toward the
targets), against each source's budget; and the **double-funding check**, the exceptions: a device whose serial
another fund's register holds (``other_fund``), a device on a delivery of one contract while it names another
(``two_contracts``), a device the rule counts whose contract's source is not the programme's (``other_source``)
or which has no contract (``no_contract``). Such a device is never counted (``fleet.reports.counting``).

Money is text with two decimals (EUR, the column kind ``money``). The figures per school come from the roll-ups
(metrics ``devices_by_contract``, ``provided_by_contract``, ``double_funding``, refreshed by ``fleet worker``);
``exceptions`` lists the devices themselves a page at a time (keyset by device id), for
``GET /api/v1/reports/lists/double_funding``. No pupil appears anywhere.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session

from fleet.i18n import _l, current_locale
from fleet.models import (
    Contract,
    Delivery,
    DeliveryItem,
    Device,
    FundingSource,
    OtherFundSerial,
    RollupCount,
    RollupCounted,
    School,
)
from fleet.reports import Chart, Column, Params, Reach, Report, Series, Table, counting, report, rollup
from fleet.reports.scope import narrow

KINDS = ("other_fund", "two_contracts", "other_source", "no_contract")
ALL_KINDS = "any"  # the roll-up's key of the devices of any kind, each counted once
NONE = "none"  # the key of devices with no contract


def money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


# --- the roll-ups -------------------------------------------------------------------------------------------

def _on_other_fund():
    return select(Device.id, Device.school_id).join(OtherFundSerial, OtherFundSerial.serial == Device.serial)


def _on_two_contracts():
    return (select(Device.id, Device.school_id)
            .join(DeliveryItem, DeliveryItem.serial == Device.serial)
            .join(Delivery, Delivery.id == DeliveryItem.delivery_id)
            .where(Device.contract_id.is_not(None), Delivery.contract_id != Device.contract_id))


def _off_programme(programme: frozenset[str]):
    return (select(RollupCounted.device_id, Device.school_id)
            .join(Device, Device.id == RollupCounted.device_id)
            .where(or_(RollupCounted.contract_id.is_(None),
                       RollupCounted.funding_source.not_in(sorted(programme) or ["-"]))))


@rollup.metric("devices_by_contract")
def devices_by_contract(session: Session, now: datetime) -> list[tuple]:
    query = select(Device.school_id, Device.contract_id, func.count()).group_by(Device.school_id, Device.contract_id)
    return [(school, contract or NONE, n) for school, contract, n in session.execute(query)]


@rollup.metric("provided_by_contract")
def provided_by_contract(session: Session, now: datetime) -> list[tuple]:
    query = (select(RollupCounted.school_id, RollupCounted.contract_id, func.count())
             .where(RollupCounted.withheld.is_(None))
             .group_by(RollupCounted.school_id, RollupCounted.contract_id))
    return [(school, contract or NONE, n) for school, contract, n in session.execute(query)]


@rollup.metric("double_funding")
def double_funding_counts(session: Session, now: datetime) -> list[tuple]:
    """The exceptions per school of the device (None: the warehouse) and kind; a device may be of two kinds."""
    rows: list[tuple] = []
    programme = counting.programme_sources(session)
    subqueries = {"other_fund": _on_other_fund(), "two_contracts": _on_two_contracts(),
                  "no_contract": _off_programme(programme).where(RollupCounted.contract_id.is_(None)),
                  "other_source": _off_programme(programme).where(RollupCounted.contract_id.is_not(None))}
    for kind, sub in subqueries.items():
        sub = sub.distinct().subquery()
        query = select(sub.c.school_id, func.count()).group_by(sub.c.school_id)
        rows += [(school, kind, n) for school, n in session.execute(query)]
    every = union(*subqueries.values()).subquery()  # each device once, whatever its kinds
    query = select(every.c.school_id, func.count()).group_by(every.c.school_id)
    rows += [(school, ALL_KINDS, n) for school, n in session.execute(query)]
    return rows


# --- the report ---------------------------------------------------------------------------------------------

SOURCE_COLUMNS = (
    Column("source", _l("Funding source (code)")), Column("name", _l("Funding source")),
    Column("budget", _l("Budget, EUR"), "money"), Column("committed", _l("Committed, EUR"), "money"),
    Column("contracted", _l("Devices contracted"), "int"), Column("delivered", _l("Devices delivered"), "int"),
    Column("provided", _l("Provided"), "int"), Column("value_delivered", _l("Value delivered, EUR"), "money"),
    Column("remaining", _l("Budget remaining, EUR"), "money"))
CONTRACT_COLUMNS = (
    Column("contract", _l("Contract")), Column("supplier", _l("Supplier")),
    Column("source", _l("Funding source (code)")), Column("unit_price", _l("Unit price, EUR"), "money"),
    Column("quantity", _l("Devices contracted"), "int"), Column("delivered", _l("Devices delivered"), "int"),
    Column("provided", _l("Provided"), "int"))


def contract_rows(contracts: list[Contract], delivered: dict[str, int], provided: dict[str, int]) -> list[dict]:
    return [{"contract": c.number, "supplier": c.supplier, "source": c.funding_source,
             "unit_price": money(c.unit_price), "quantity": c.quantity,
             "delivered": delivered.get(str(c.id), 0), "provided": provided.get(str(c.id), 0)} for c in contracts]


def source_rows(sources: list[FundingSource], contracts: list[Contract], delivered: dict[str, int],
                provided: dict[str, int]) -> list[dict]:
    totals: dict[str, dict[str, Any]] = defaultdict(lambda: {"committed": Decimal("0.00"), "contracted": 0,
                                                             "delivered": 0, "provided": 0,
                                                             "value": Decimal("0.00")})
    for c in contracts:
        t, n = totals[c.funding_source], delivered.get(str(c.id), 0)
        t["committed"] += (c.quantity or 0) * c.unit_price
        t["contracted"] += c.quantity or 0
        t["delivered"] += n
        t["provided"] += provided.get(str(c.id), 0)
        t["value"] += n * c.unit_price
    lv = current_locale() == "lv"
    rows = []
    for s in sources:
        t = totals[s.code]
        rows.append({"source": s.code, "name": s.name_lv if lv else s.name_en, "budget": money(s.budget),
                     "committed": money(t["committed"]), "contracted": t["contracted"], "delivered": t["delivered"],
                     "provided": t["provided"], "value_delivered": money(t["value"]),
                     "remaining": money(s.budget - t["committed"]) if s.budget is not None else None})
    return rows


@report("funding", _l("Funding"))
def build(session: Session, reach: Reach, params: Params) -> Report:
    school_ids, label = narrow(session, reach, params)
    as_of = params.as_of or counting.today()
    delivered = rollup.sums(session, "devices_by_contract", reach, school_ids)
    provided = rollup.sums(session, "provided_by_contract", reach, school_ids)
    exceptions_by_kind = rollup.sums(session, "double_funding", reach, school_ids)
    contracts = list(session.scalars(select(Contract).order_by(Contract.number)))
    sources = list(session.scalars(select(FundingSource).order_by(FundingSource.programme.desc(),
                                                                  FundingSource.code)))
    by_source = source_rows(sources, contracts, delivered, provided)
    summary = {"exceptions": {kind: exceptions_by_kind.get(kind, 0) for kind in KINDS},
               "double_funding": exceptions_by_kind.get(ALL_KINDS, 0),  # devices of any kind, each once
               "no_contract_devices": delivered.get(NONE, 0)}
    bars = [Series(_l("Committed, EUR"), [(r["name"], float(r["committed"])) for r in by_source]),
            Series(_l("Value delivered, EUR"), [(r["name"], float(r["value_delivered"])) for r in by_source])]
    return Report("funding", _l("Funding"), as_of, summary,
                  [Table("by_source", _l("By funding source"), SOURCE_COLUMNS, by_source),
                   Table("by_contract", _l("By contract"), CONTRACT_COLUMNS,
                         contract_rows(contracts, delivered, provided))],
                  [Chart("by_source", _l("Committed and delivered by funding source"), "bars", bars, "by_source")],
                  refreshed_at=rollup.refreshed_at(session), scope_label=str(label))


# --- the double-funding check, device by device -------------------------------------------------------------

EXCEPTIONS_TITLE = _l("Double funding and devices that may not count")
EXCEPTION_COLUMNS = (
    Column("serial", _l("Serial")), Column("asset_tag", _l("Asset tag")), Column("school", _l("School (VIIS number)")),
    Column("kind", _l("Exception")), Column("contract", _l("Contract")), Column("funding_source", _l("Funding source")),
    Column("other_source", _l("Other fund")), Column("other_reference", _l("Other fund's register")),
    Column("other_contract", _l("Contract of the delivery")))


DEVICE_KINDS = ("other_fund", "two_contracts", "off_programme")  # bit 1, 2, 4 of a device's roll-up value


@rollup.metric("double_funding_devices")
def double_funding_devices(session: Session, now: datetime) -> list[tuple]:
    """Each device of the exceptions once: key its id (zero-padded, so that text order is id order), value its
    kinds as bits. The list reads these rows instead of looking for a handful of devices among a million."""
    programme = counting.programme_sources(session)
    bits: dict[tuple[int, int | None], int] = defaultdict(int)
    for bit, query in enumerate((_on_other_fund(), _on_two_contracts(), _off_programme(programme))):
        for device_id, school_id in session.execute(query.distinct()):
            bits[device_id, school_id] |= 1 << bit
    return [(school, device_key(device), value) for (device, school), value in bits.items()]


def device_key(device_id: int) -> str:
    return f"{device_id:012d}"


def exceptions(session: Session, reach: Reach, school_ids: frozenset[int] | None, limit: int,
               after: int | None) -> tuple[list[dict[str, Any]], int | None]:
    """One page of the exceptions as of the last refresh (the dashboard's count and its list agree), one row per
    device (``kind``: its kinds, comma-separated), by device id after ``after``: (rows, the last device id shown
    when another page follows, else None)."""
    query = rollup.in_reach(select(RollupCount.key, RollupCount.value)
                            .where(RollupCount.metric == "double_funding_devices"), RollupCount.school_id, reach,
                            school_ids)
    if after is not None:
        query = query.where(RollupCount.key > device_key(after))
    found = session.execute(query.order_by(RollupCount.key).limit(limit + 1)).all()
    kinds = {int(key): [kind for bit, kind in enumerate(DEVICE_KINDS) if value & 1 << bit] for key, value in found}
    ids = sorted(kinds)
    page, more = ids[:limit], len(ids) > limit
    return _rows(session, page, kinds), (page[-1] if more and page else None)


def _rows(session: Session, ids: list[int], kinds: dict[int, list[str]]) -> list[dict[str, Any]]:
    if not ids:
        return []
    devices = session.execute(
        select(Device.id, Device.serial, Device.asset_tag, School.registration_number, Contract.number,
               Contract.funding_source)
        .outerjoin(School, School.id == Device.school_id).outerjoin(Contract, Contract.id == Device.contract_id)
        .where(Device.id.in_(ids)).order_by(Device.id)).all()
    serials = [d.serial for d in devices]
    others: dict[str, tuple[str, str]] = {}
    for serial, source, reference in session.execute(
            select(OtherFundSerial.serial, OtherFundSerial.source, OtherFundSerial.reference)
            .where(OtherFundSerial.serial.in_(serials)).order_by(OtherFundSerial.id)):
        others.setdefault(serial, (source, reference))
    delivered_under = dict(session.execute(
        select(DeliveryItem.serial, Contract.number).join(Delivery, Delivery.id == DeliveryItem.delivery_id)
        .join(Contract, Contract.id == Delivery.contract_id).where(DeliveryItem.serial.in_(serials))).all())
    rows = []
    for device_id, serial, tag, school, contract, source in devices:
        found = ["no_contract" if k == "off_programme" and contract is None else
                 "other_source" if k == "off_programme" else k for k in kinds[device_id]]
        other = others.get(serial, (None, None))
        rows.append({"serial": serial, "asset_tag": tag, "school": school, "kind": ", ".join(found),
                     "contract": contract, "funding_source": source, "other_source": other[0],
                     "other_reference": other[1],
                     "other_contract": delivered_under.get(serial) if "two_contracts" in found else None})
    return rows


def double_funding(session: Session, reach: Reach, school_ids: frozenset[int] | None, days: int | None,
                   limit: int, after: int | None) -> tuple[list[dict[str, Any]], int | None]:
    """``exceptions`` with the lists' signature (``fleet.reports.lists``; ``days`` does not apply)."""
    return exceptions(session, reach, school_ids, limit, after)

