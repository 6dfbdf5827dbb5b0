"""Devices: registering expected devices (one or many, all or nothing) and listing them."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from fleet import lifecycle, paging
from fleet.asset_tags import is_valid_body, looks_like_tag
from fleet.errors import FleetError, invalid
from fleet.models import Contract, Device, School
from fleet.serials import normalize_serial

MAX_BATCH = 10_000
DEVICE_FIELDS = {"serial", "manufacturer", "model", "contract"}


def create_devices(session: Session, body: Any, actor: str) -> tuple[list[Device], bool]:
    """Register ``{serial, …}`` or ``{"devices": [...]}``; every item valid, or nothing stored.

    Returns the devices and whether the request was a list.
    """
    if not isinstance(body, dict):
        raise invalid("the request body must be a JSON object")
    many = "devices" in body
    if many:
        if set(body) != {"devices"} or not isinstance(body["devices"], list) or not body["devices"]:
            raise invalid('a batch must be {"devices": [ ... ]} with at least one device')
        items = body["devices"]
        if len(items) > MAX_BATCH:
            raise FleetError("too_large", f"at most {MAX_BATCH} devices per request, got {len(items)}")
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
            errors.append({**where, "field": "serial", "message": f"serial {device.serial} repeats item {seen[device.serial]}"})
            continue
        seen[device.serial] = index
        devices.append(device)
    if errors:
        raise invalid("no device was registered: fix these items", errors)

    existing = set(session.scalars(select(Device.serial).where(Device.serial.in_(list(seen)))))
    if existing:
        dupes = [{**({"index": seen[s]} if many else {}), "field": "serial", "serial": s} for s in sorted(existing, key=seen.get)]
        raise FleetError("duplicate", f"{len(existing)} serial(s) already registered; no device was registered", dupes)
    return lifecycle.register(session, devices, actor), many


def _contracts(session: Session, items: list) -> dict[str, Contract]:
    numbers = {i.get("contract") for i in items if isinstance(i, dict) and isinstance(i.get("contract"), str)}
    if not numbers:
        return {}
    return {c.number: c for c in session.scalars(select(Contract).where(Contract.number.in_(numbers)))}


def _device_from(item: Any, contracts: dict[str, Contract]) -> Device:
    if not isinstance(item, dict):
        raise invalid("not an object", [{"message": "each device must be a JSON object"}])
    errors = [{"field": k, "message": "unknown field"} for k in sorted(set(item) - DEVICE_FIELDS)]
    serial = None
    try:
        serial = normalize_serial(item.get("serial"))
        if looks_like_tag(serial) and is_valid_body(serial.replace("-", "")):
            errors.append({"field": "serial", "message": f"{serial} is an asset tag, not a serial number"})
    except FleetError as e:
        errors.append({"field": "serial", "message": e.message})
    texts = {}
    for name in ("manufacturer", "model"):
        value = item.get(name)
        if not isinstance(value, str) or not 1 <= len(value.strip()) <= 100:
            errors.append({"field": name, "message": "is required: a string of 1-100 characters"})
        else:
            texts[name] = value.strip()
    contract = None
    if item.get("contract") is not None:
        contract = contracts.get(item["contract"]) if isinstance(item["contract"], str) else None
        if contract is None:
            errors.append({"field": "contract", "message": f"unknown contract {item['contract']!r}"})
    if errors:
        raise invalid("invalid device", errors)
    return Device(serial=serial, contract=contract, **texts)


# --- listing with keyset pagination ---------------------------------------------------------

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
MAX_ID = 2**31 - 1  # devices.id is a 32-bit integer on PostgreSQL


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"id": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        last_id = json.loads(raw)["id"]
        if not isinstance(last_id, int) or isinstance(last_id, bool) or not 0 <= last_id <= MAX_ID:
            raise ValueError
        return last_id
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise invalid("the 'after' cursor is not one this service gave out", [{"field": "after"}]) from None


def parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise invalid(f"limit must be a whole number 1-{MAX_LIMIT}", [{"field": "limit"}])
    return int(raw)


def list_devices(
    session: Session, scope: ColumnElement[bool], *, status: str | None, school: str | None,
    limit: int, after: str | None,
) -> tuple[list[Device], str | None]:
    stmt = select(Device).where(scope).order_by(Device.id).limit(limit + 1)
    if status is not None:
        if status not in lifecycle.STATUSES:
            raise invalid(f"unknown status {status!r}", [{"field": "status", "allowed": list(lifecycle.STATUSES)}])
        stmt = stmt.where(Device.status == status)
    if school is not None:
        stmt = stmt.join(School, Device.school_id == School.id).where(School.registration_number == school)
    if after is not None:
        stmt = stmt.where(Device.id > decode_cursor(after))
    return paging.split(session.scalars(stmt).unique().all(), limit, lambda row: encode_cursor(row.id))
