"""Devices: registering expected devices (one or many, all or nothing), listing them, and one action
applied to many devices, each on its own (``apply_to_each``). Refusals, per item too, are in the
reader's language (``fleet.i18n.api_locale``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from fleet import lifecycle, paging, resolvers
from fleet.access import policy
from fleet.access.policy import Scope
from fleet.asset_tags import is_valid_body, looks_like_tag
from fleet.errors import FleetError, invalid
from fleet.i18n import _l, api_locale
from fleet.models import Contract, Device, School
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
