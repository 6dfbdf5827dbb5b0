"""The lifecycle's writes: locking a device row (with its latest event, read in the same
statement), writing a device's change and its event in one round trip, and registering devices in
bulk (COPY on PostgreSQL). Only ``fleet.lifecycle.runner.apply`` (through ``write``) and
``register``/``register_rows`` write ``Device.status``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, inspect, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session, aliased, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict, set_committed_value

from fleet import db, history
from fleet.lifecycle.actions import INITIAL_STATUS
from fleet.models import Device, Event, utcnow


@dataclass(slots=True)
class NewEvent:
    """An event as plain values, not an ORM object (nothing loads or changes it again in the same
    transaction): one this transaction appends (``id`` once it is written), or the first event a
    manifest's devices share (``device_id`` None) for hashing them."""

    device_id: int | None
    seq: int
    action: str
    from_status: str | None
    to_status: str | None
    at: Any
    actor: str
    data: dict
    nonce: str | None
    hash: str = ""
    id: int | None = None


def lock_device(session: Session, column: str, value: Any) -> Device | None:
    """The device whose ``column`` ("id", "serial" or "asset_tag") is ``value``, re-read and locked
    for this transaction (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's writing transactions
    hold the database lock), with its latest event read in the same statement. ``apply`` does not
    lock a device twice in one transaction.

    A transaction that waited for the lock on PostgreSQL gets the device row as the one before it
    left it (READ COMMITTED re-reads the locked row), but the joined event and the scalar
    subqueries from the snapshot its statement began with: the event then is not the row's
    latest, and the double-scan check would compare with nothing. Every change of a device
    appends an event, so a joined event that is not the row's ``history_length``-th means the
    row moved while we waited; the lock is ours by then, and the same statement run again reads
    everything from after the wait.
    """
    statement = _LOCK_BY[column]
    for _ in range(2):
        rows = statement.rows(session, {"value": value})
        if not rows:
            return None
        *values, seq, action, data = rows[0]
        if seq == values[_HISTORY_LENGTH]:
            break
    else:  # pragma: no cover - the second read holds the lock: nothing can move the row
        raise RuntimeError(f"device {value!r}: its latest event does not match its history")
    device = _as_device(session, values)
    session.info.setdefault(_LOCKED, {})[device.id] = (_innermost(session), (action, data))
    return device


def _as_device(session: Session, values: list) -> Device:
    """The session's ``Device`` for a locked row, holding the row's values as just read (what an
    ORM query with ``populate_existing`` does, without the ORM's per-query work: a scan's lock
    runs as a ``fleet.db.DriverStatement``)."""
    device = session.identity_map.get(_DEVICE_MAPPER.identity_key_from_primary_key((values[0],)))
    if device is not None:  # re-read: its school or contract may have changed; they load again when used
        session.expire(device, _DEVICE_RELATIONSHIPS)
        for key, value in zip(_DEVICE_ATTRIBUTES, values, strict=True):
            set_committed_value(device, key, value)
        return device
    device = Device()
    instance_dict(device).update(zip(_DEVICE_ATTRIBUTES, values, strict=True))  # as the ORM's loader does
    make_transient_to_detached(device)  # values committed; persistent once added: known by its id, nothing to write
    session.add(device)
    return device


_LOCKED = "fleet.locked_devices"
_DEVICE_MAPPER = inspect(Device)
# id first (the identity); then the columns, and school_registration and contract_number
_DEVICE_ATTRIBUTES = ["id", *(attr.key for attr in _DEVICE_MAPPER.column_attrs if attr.key != "id")]
_DEVICE_RELATIONSHIPS = [rel.key for rel in _DEVICE_MAPPER.relationships]
_LATEST_EVENT = aliased(Event, name="latest_event")
_HISTORY_LENGTH = _DEVICE_ATTRIBUTES.index("history_length")
_LOCK = (
    select(*(getattr(Device, key) for key in _DEVICE_ATTRIBUTES),
           _LATEST_EVENT.seq, _LATEST_EVENT.action, _LATEST_EVENT.data)
    .outerjoin(_LATEST_EVENT, (_LATEST_EVENT.device_id == Device.id) & (_LATEST_EVENT.seq == Device.history_length))
    .with_for_update(of=Device)
)
# Built and compiled once: a scan is the hot path.
_LOCK_BY = {c: db.DriverStatement(_LOCK.where(getattr(Device, c) == bindparam("value")))
            for c in ("id", "serial", "asset_tag")}


def _innermost(session: Session):
    """The transaction a lock's cached read belongs to: the savepoint, when one is open, so a
    savepoint rolled back (a class hand-out's failed pair) never leaves a stale read behind."""
    return session.get_nested_transaction() or session.get_transaction()


def locked_latest(session: Session, device: Device) -> tuple[Device, tuple[str | None, Any]]:
    """The device locked in this transaction and its latest event's action and data; locks the
    device if it is not locked yet."""
    held = session.info.get(_LOCKED, {}).get(device.id)
    if held is None or held[0] is not _innermost(session):
        device = lock_device(session, "id", device.id)
        held = session.info[_LOCKED][device.id]
    return device, held[1]


def write(session: Session, device: Device, changes: dict, related: dict, event: NewEvent) -> None:
    """The UPDATE of the device and the INSERT of its event, as plain Core statements on the
    session's connection: on PostgreSQL one statement (the UPDATE in a CTE of the INSERT, so one
    round trip while the row is locked), on SQLite two.

    The device object takes the new values as committed ones, so the unit of work has nothing
    left to write for it (a scan is the hot path: no flush round, no second UPDATE).
    """
    if session.get_bind().dialect.name == "postgresql":
        params = {f"d_{key}": value for key, value in changes.items()}
        [(event.id,)] = _update_and_insert(tuple(changes)).rows(session, {**params, "_device_id": device.id,
                                                                          **_row(event)})
    else:
        conn = session.connection()
        conn.execute(_UPDATE_DEVICE, {"_device_id": device.id, **changes})
        event.id = conn.execute(_INSERT_EVENT, _row(event)).scalar_one()
    for key, value in {**changes, **related}.items():
        set_committed_value(device, key, value)
    session.info[_LOCKED][device.id] = (_innermost(session), (event.action, event.data))


@functools.cache
def _update_and_insert(keys: tuple[str, ...]) -> db.DriverStatement:
    """``WITH moved AS (UPDATE devices SET <keys> …) INSERT INTO events … RETURNING id``, built
    once per set of changed columns (a data-modifying CTE always runs, referenced or not), and
    run on the driver's cursor (``fleet.db.DriverStatement``): every scan runs it."""
    moved = _UPDATE_DEVICE.values({key: bindparam(f"d_{key}") for key in keys}).cte("moved")
    return db.DriverStatement(_INSERT_EVENT.add_cte(moved), column_keys=_EVENT_COLUMNS)


def register(session: Session, devices: Iterable[Device], actor: str) -> list[Device]:
    """Record new (unsaved) devices as ``expected``; the stored devices, in the same order."""
    devices = list(devices)
    ids = register_rows(session, [{
        "serial": d.serial, "manufacturer": d.manufacturer or "", "model": d.model or "",
        "contract": d.contract, "delivery_id": d.delivery_id,
    } for d in devices], actor)
    stored = {d.id: d for d in session.scalars(select(Device).where(Device.id.in_(ids))).unique()}
    return [stored[i] for i in ids]


def register_rows(session: Session, rows: list[dict], actor: str) -> list[int]:
    """Record devices ``{serial, manufacturer, model, contract?, delivery_id?}`` as ``expected``,
    each with the first event of its history; their ids, in order.

    Built for manifests of tens of thousands: no ORM objects; the hashes come first (they do not
    depend on database ids), with what the first events share encoded once and each kind of
    laptop's data once. PostgreSQL takes the ids from the sequence up front and COPYs the devices
    and their events; SQLite inserts them with one executemany each.
    """
    if not rows:
        return []
    now = utcnow()
    first = history.SharedEvent(NewEvent(None, 1, "register", None, INITIAL_STATUS, now, actor, {}, None))
    kinds: dict[tuple, tuple[dict, str]] = {}  # (manufacturer, model, contract) → the event's data and its JSON
    heads, datas = [], []
    for r in rows:
        contract = r.get("contract")
        key = (r["manufacturer"], r["model"], contract.number if contract is not None else None)
        kind = kinds.get(key)
        if kind is None:
            data = {"manufacturer": key[0], "model": key[1]}
            if contract is not None:
                data["contract"] = contract.number
            kind = kinds[key] = (data, history.dumps(data))
        heads.append(first.hash("", r["serial"], kind[1]))
        datas.append(kind)
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.execute(_NEXT_DEVICE_IDS, {"n": len(rows)}).scalars())
        db.copy_rows(session, "devices", _DEVICE_COLUMNS, (
            (i, r["serial"], r["manufacturer"], r["model"], INITIAL_STATUS, _id_of(r.get("contract")),
             r.get("delivery_id"), now, now, head, 1)
            for i, r, head in zip(ids, rows, heads, strict=True)))
        db.copy_rows(session, "events", _EVENT_COLUMNS_COPIED, (
            (i, 1, "register", INITIAL_STATUS, now, actor, kind[1], head)
            for i, kind, head in zip(ids, datas, heads, strict=True)))
        return ids
    ids = list(session.execute(_DEVICES.insert().returning(_DEVICES.c.id, sort_by_parameter_order=True), [{
        "serial": r["serial"], "asset_tag": None, "manufacturer": r["manufacturer"], "model": r["model"],
        "status": INITIAL_STATUS, "school_id": None, "contract_id": _id_of(r.get("contract")),
        "delivery_id": r.get("delivery_id"), "created_at": now, "updated_at": now,
        "history_head": head, "history_length": 1,
    } for r, head in zip(rows, heads, strict=True)]).scalars())
    session.execute(_EVENTS.insert(), [{
        "device_id": i, "seq": 1, "action": "register", "from_status": None, "to_status": INITIAL_STATUS,
        "at": now, "actor": actor, "data": kind[0], "nonce": None, "hash": head,
    } for i, kind, head in zip(ids, datas, heads, strict=True)])
    return ids


def _id_of(row: Any) -> int | None:
    return row.id if row is not None else None


_DEVICE_COLUMNS = ("id", "serial", "manufacturer", "model", "status", "contract_id", "delivery_id", "created_at",
                   "updated_at", "history_head", "history_length")
_EVENT_COLUMNS_COPIED = ("device_id", "seq", "action", "to_status", "at", "actor", "data", "hash")
_NEXT_DEVICE_IDS = sql("SELECT nextval(pg_get_serial_sequence('devices', 'id')) FROM generate_series(1, :n)")


_DEVICES, _EVENTS = Device.__table__, Event.__table__
_UPDATE_DEVICE = _DEVICES.update().where(_DEVICES.c.id == bindparam("_device_id"))  # SET: the keys given
_INSERT_EVENT = _EVENTS.insert().returning(_EVENTS.c.id)


def _row(event: NewEvent) -> dict:
    return {c: getattr(event, c) for c in _EVENT_COLUMNS}


_EVENT_COLUMNS = [c.key for c in Event.__table__.columns if c.key != "id"]
