"""Devices: registering expected devices (one or many, all or nothing), listing them (and searching
and filtering for the staff pages), one device's history with its chain's verdict and the actions
allowed now, and one action applied to many devices, each on its own (``apply_to_each``).
Refusals, per item too, are in the reader's language (``fleet.i18n.api_locale``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, selectinload

from fleet import history, lifecycle, paging, resolvers
from fleet.access import policy
from fleet.access.policy import Scope
from fleet.asset_tags import is_valid_body, looks_like_tag
from fleet.errors import FleetError, invalid
from fleet.i18n import _l, api_locale
from fleet.models import Contract, Device, Event, School
from fleet.serials import normalize_serial

MAX_BATCH = 10_000
DEVICE_FIELDS = {"serial", "manufacturer", "model", "contract"}


def create_devices(session: Session, body: Any, actor: str) -> tuple[list[Device], bool]:
    """Register ``{serial, …}`` or ``{"devices": [...]}``; every item valid, or nothing stored.

    Returns the devices and whether the request was a list.
    """
    if not isinstance(body, dict):
        raise invalid(_l("the request body must be a JSON object"))
    many = "devices" in body
    if many:
        if set(body) != {"devices"} or not isinstance(body["devices"], list) or not body["devices"]:
            raise invalid(_l('a batch must be {"devices": [ ... ]} with at least one device'))
        items = body["devices"]
        if len(items) > MAX_BATCH:
            raise FleetError("too_large", _l("at most %(max)s devices per request, got %(count)s", max=MAX_BATCH,
                                                count=len(items)))
    else:
        items = [body]

    contracts = _contracts(session, items)
    errors, devices, seen = [], [], {}
    for index, item in enumerate(items):
        where = {"index": index} if many else {}
        try:
            device = _device_from(item, contracts)
        except FleetError as e:
            errors.extend({**where, **d} for d in e.details)
            continue
        if device.serial in seen:
            repeats = _l("serial %(serial)s repeats item %(item)s", serial=device.serial, item=seen[device.serial])
            errors.append({**where, "field": "serial", "message": repeats.in_(api_locale())})
            continue
        seen[device.serial] = index
        devices.append(device)
    if errors:
        raise invalid(_l("no device was registered: fix these items"), errors)

    existing = set(session.scalars(select(Device.serial).where(Device.serial.in_(list(seen)))))
    if existing:
        dupes = [{**({"index": seen[s]} if many else {}), "field": "serial", "serial": s}
                 for s in sorted(existing, key=seen.get)]
        raise FleetError("duplicate", _l("%(count)s serial(s) already registered; no device was registered",
                                         count=len(existing)), dupes)
    return lifecycle.register(session, devices, actor), many


def _contracts(session: Session, items: list) -> dict[str, Contract]:
    numbers = {i.get("contract") for i in items if isinstance(i, dict) and isinstance(i.get("contract"), str)}
    if not numbers:
        return {}
    return {c.number: c for c in session.scalars(select(Contract).where(Contract.number.in_(numbers)))}


def _device_from(item: Any, contracts: dict[str, Contract]) -> Device:
    locale = api_locale()
    if not isinstance(item, dict):
        raise invalid("not an object", [{"message": _l("each device must be a JSON object").in_(locale)}])
    errors = [{"field": k, "message": _l("unknown field").in_(locale)} for k in sorted(set(item) - DEVICE_FIELDS)]
    serial = None
    try:
        serial = normalize_serial(item.get("serial"))
        if looks_like_tag(serial) and is_valid_body(serial.replace("-", "")):
            is_tag = _l("%(serial)s is an asset tag, not a serial number", serial=serial)
            errors.append({"field": "serial", "message": is_tag.in_(locale)})
    except FleetError as e:
        errors.append({"field": "serial", "message": e.localized(locale)})
    texts = {}
    for name in ("manufacturer", "model"):
        value = item.get(name)
        if not isinstance(value, str) or not 1 <= len(value.strip()) <= 100:
            errors.append({"field": name, "message": _l("is required: a string of 1-100 characters").in_(locale)})
        else:
            texts[name] = value.strip()
    contract = None
    if item.get("contract") is not None:
        contract = contracts.get(item["contract"]) if isinstance(item["contract"], str) else None
        if contract is None:
            unknown = _l("unknown contract %(contract)s", contract=repr(item["contract"]))
            errors.append({"field": "contract", "message": unknown.in_(locale)})
    if errors:
        raise invalid("invalid device", errors)
    return Device(serial=serial, contract=contract, **texts)


# --- listing with keyset pagination ---------------------------------------------------------

def list_devices(
    session: Session, scope: ColumnElement[bool], *, status: str | None, school: str | None,
    limit: int, after: int | None,
) -> tuple[list[Device], int | None]:
    """Devices in registration order, ``limit`` (and one) past row ``after``; the next page's row id."""
    stmt = select(Device).where(scope).order_by(Device.id).limit(limit + 1)
    if status is not None:
        if status not in lifecycle.STATUSES:
            raise invalid(_l("unknown status %(status)s", status=repr(status)),
                          [{"field": "status", "allowed": list(lifecycle.STATUSES)}])
        stmt = stmt.where(Device.status == status)
    if school is not None:
        stmt = stmt.join(School, Device.school_id == School.id).where(School.registration_number == school)
    if after is not None:
        stmt = stmt.where(Device.id > after)
    return paging.split(session.scalars(stmt).unique().all(), limit)


# --- one action for many devices ------------------------------------------------------------

MAX_BULK = 2_000


@dataclass(frozen=True)
class BulkResult:
    """One device's part of a bulk action: its outcome, or the refusal that left it unchanged."""

    index: int
    ref: Any
    outcome: lifecycle.Outcome | None = None
    error: FleetError | None = None


def apply_to_each(session: Session, scope: Scope, action: str, refs: list[Any],
                  params: dict[str, Any]) -> list[BulkResult]:
    """``action`` for each device on its own: one device's refusal never blocks the others, and no
    device is ever half-changed (a savepoint each). Committed by the caller."""
    if action not in lifecycle.ACTIONS or lifecycle.ACTIONS[action].owner:
        raise invalid(_l("action must be a lifecycle action that may be applied directly"), [{"field": "action"}])
    if not 1 <= len(refs) <= MAX_BULK:
        raise invalid(_l("devices must be a list of 1-%(max)s serials, asset tags or URLs", max=MAX_BULK),
                      [{"field": "devices"}])
    policy.require_action(scope.principal, action)
    results = []
    for index, ref in enumerate(refs):
        savepoint = session.begin_nested()
        try:
            device = resolvers.resolve(session, ref, scope, lock=True)
            outcome = lifecycle.apply(session, device, action, dict(params), scope.actor)
            savepoint.commit()
            results.append(BulkResult(index, ref, outcome=outcome))
        except FleetError as e:
            savepoint.rollback()
            results.append(BulkResult(index, ref, error=e))
    return results


# --- the staff pages' device list: search and filters ---------------------------------------

@dataclass(frozen=True)
class DeviceFilters:
    """What a device list is narrowed to (None: not narrowed): ``text`` a part of a serial or asset
    tag, ``status``, ``school`` (registration number), ``contract`` (number), ``model``."""

    text: str | None = None
    status: str | None = None
    school: str | None = None
    contract: str | None = None
    model: str | None = None


def _filtered(scope: Scope, filters: DeviceFilters):
    stmt = select(Device).where(scope.device_filter())
    if filters.text:
        needle = filters.text.strip().upper()
        stmt = stmt.where(or_(Device.serial.contains(needle, autoescape=True),
                              Device.asset_tag.contains(needle, autoescape=True)))
    if filters.status:
        if filters.status not in lifecycle.STATUSES:
            raise invalid(_l("unknown status %(status)s", status=repr(filters.status)),
                          [{"field": "status", "allowed": list(lifecycle.STATUSES)}])
        stmt = stmt.where(Device.status == filters.status)
    if filters.school:
        stmt = stmt.where(Device.school_id == select(School.id).where(
            School.registration_number == filters.school).scalar_subquery())
    if filters.contract:
        stmt = stmt.where(Device.contract_id == select(Contract.id).where(
            Contract.number == filters.contract).scalar_subquery())
    if filters.model:
        stmt = stmt.where(Device.model == filters.model)
    return stmt


def search_devices(session: Session, scope: Scope, filters: DeviceFilters, limit: int,
                   after: int | None = None) -> tuple[list[Device], int | None]:
    """The devices the scope sees that match ``filters``, in registration order, ``limit`` of them past
    row ``after``; (the rows, the next page's row id or None)."""
    stmt = _filtered(scope, filters).options(selectinload(Device.school), selectinload(Device.contract))
    stmt = stmt.order_by(Device.id).limit(limit + 1)
    if after is not None:
        stmt = stmt.where(Device.id > after)
    return paging.split(session.scalars(stmt).unique().all(), limit)


def each_device(session: Session, scope: Scope, filters: DeviceFilters, batch: int = 1000) -> Iterator[Device]:
    """Every device ``search_devices`` would list, page after page (an export)."""
    after = None
    while True:
        rows, after = search_devices(session, scope, filters, batch, after)
        yield from rows
        if after is None:
            return


def filter_choices(session: Session, scope: Scope) -> tuple[list[School], list[Contract], list[str]]:
    """What a device list may be narrowed to: the schools the scope sees (a scoped role's own), the
    contracts (a scoped role's: those of its devices) and the models of the devices it sees."""
    contracts = select(Contract).order_by(Contract.number)
    if not scope.all_schools:
        contracts = contracts.where(Contract.id.in_(select(Device.contract_id).where(scope.device_filter())))
    models = select(Device.model).where(scope.device_filter()).distinct().order_by(Device.model)
    return schools_seen(session, scope), list(session.scalars(contracts)), [m for m in session.scalars(models) if m]


def schools_seen(session: Session, scope: Scope) -> list[School]:
    """The schools the scope sees, by name: every school, or a scoped role's own."""
    schools = select(School).order_by(School.name)
    if not scope.all_schools:
        schools = schools.where(School.id.in_(sorted(scope.school_ids)))
    return list(session.scalars(schools))


def destinations(session: Session, device: Device) -> list[School]:
    """The schools a device may be shipped or transferred to, by name: every school but the one it is at
    (the lifecycle's ``ship`` and ``transfer`` take any other school; who may send is the policy's)."""
    schools = select(School).order_by(School.name, School.registration_number)
    if device.school_id is not None:
        schools = schools.where(School.id != device.school_id)
    return list(session.scalars(schools))


# --- one device's page: its history with the chain's verdict, the actions allowed now ----------

def history_of(session: Session, device: Device) -> tuple[list[Event], history.Break | None]:
    """The device's events, oldest first, and the first break of its hash chain (None: intact) —
    ``fleet verify``'s check (``history.verify_device``) for this one device."""
    events = list(session.scalars(select(Event).where(Event.device_id == device.id).order_by(Event.seq)))
    return events, history.verify_device(device, events)


def actions_now(scope: Scope, device: Device) -> list[lifecycle.Action]:
    """The lifecycle actions this scope's role may apply to the device in its status now (those the
    lifecycle keeps for loans, stocktakes and labels are not among them)."""
    return [lifecycle.ACTIONS[name] for name in lifecycle.allowed_actions(device.status) if scope.may_apply(name)]
