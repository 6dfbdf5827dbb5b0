"""The device lifecycle: every action as data, and the one function that applies them.

``apply`` is the only code that writes ``Device.status``. In one transaction it locks the device
row, checks who may use the action, the parameters, the source status and every guard (reporting
all failures at once), sets the new status and appends a hash-chained event; or it raises a
``FleetError`` and changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, inspect, select, update
from sqlalchemy import text as sql
from sqlalchemy.orm import Session, aliased, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict, set_committed_value

from fleet import db, history
from fleet.asset_tags import allocate_tag
from fleet.errors import FleetError, invalid
from fleet.models import Delivery, Device, Event, Loan, School, utcnow

STATUSES = (
    "expected", "in_warehouse", "imaged", "labelled", "in_transit", "at_school",
    "on_loan", "in_repair", "lost", "stolen", "written_off",
)
INITIAL_STATUS = "expected"
ANY = frozenset(STATUSES)


# --- parameters ---------------------------------------------------------------------------

@dataclass
class Context:
    """What guards, targets and effects see while an action is being applied."""

    session: Session
    device: Device
    params: dict[str, Any]  # canonical JSON values, as stored in the event
    objects: dict[str, Any] = field(default_factory=dict)  # rows the parameters named
    data: dict[str, Any] = field(default_factory=dict)  # what effects add to the event
    changes: dict[str, Any] = field(default_factory=dict)  # device columns effects set
    related: dict[str, Any] = field(default_factory=dict)  # relationships (and what is read with them) effects set
    action: str = ""
    actor: str = ""


def text(max_length: int = 200) -> Callable[[Session, Any], tuple[str, None]]:
    def parse(_session: Session, value: Any) -> tuple[str, None]:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("must be a non-empty string")
        if len(value.strip()) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        return value.strip(), None

    return parse


def school(session: Session, value: Any) -> tuple[str, School]:
    if not isinstance(value, str):
        raise ValueError("must be a school registration number (10 digits)")
    row = session.scalar(select(School).where(School.registration_number == value.strip()))
    if row is None:
        raise ValueError(f"no school with registration number {value!r}")
    return row.registration_number, row


def reference(_session: Session, value: Any) -> tuple[int, None]:
    """The id of a record kept by the code that owns the action (a stocktake, say)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError("must be a positive whole number")
    return value, None


def delivery(session: Session, value: Any) -> tuple[int, Delivery]:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("must be a delivery id (a whole number)")
    row = session.get(Delivery, value)
    if row is None:
        raise ValueError(f"no delivery {value}")
    return row.id, row


PRINT_REASONS = ("first_print", "damaged", "replacement", "lost")


def choice(values: tuple[str, ...]) -> Callable[[Session, Any], tuple[str, None]]:
    def parse(_session: Session, value: Any) -> tuple[str, None]:
        if value not in values:
            raise ValueError(f"must be one of {', '.join(values)}")
        return value, None

    return parse


@dataclass(frozen=True)
class Param:
    name: str
    parse: Callable[[Session, Any], tuple[Any, Any]]
    required: bool = True


# --- guards (each returns None when satisfied, else the reason) --------------------------

def has_asset_tag(ctx: Context) -> str | None:
    return None if ctx.device.asset_tag else "the device has no asset tag yet (receive it first)"


def other_school(ctx: Context) -> str | None:
    if ctx.objects["school"].id == ctx.device.school_id:
        return f"the device is already at school {ctx.params['school']}"
    return None


def arrives_at_its_school(ctx: Context) -> str | None:
    dest = ctx.objects.get("school")
    if dest is not None and dest.id != ctx.device.school_id:
        headed = ctx.device.school_registration or "no school"
        return f"the device was sent to {headed}, not to {ctx.params['school']}"
    return None


def delivery_open(ctx: Context) -> str | None:
    d = ctx.objects.get("delivery")
    return f"delivery {d.id} is closed" if d is not None and d.closed_at is not None else None


def on_this_delivery(ctx: Context) -> str | None:
    d = ctx.objects.get("delivery")
    if d is not None and ctx.device.delivery_id not in (None, d.id):
        return f"the device is on delivery {ctx.device.delivery_id}, not {d.id}"
    return None


def belongs_to_a_school(ctx: Context) -> str | None:
    return None if ctx.device.school_id else "the device belongs to no school; say where it was found by transferring it"


# --- targets and effects --------------------------------------------------------------------

def back_from_repair(ctx: Context) -> str:
    """Where the device was before it went to repair (a repair from a loan goes back to school)."""
    came_from = ctx.session.scalar(
        select(Event.from_status)
        .where(Event.device_id == ctx.device.id, Event.to_status == "in_repair")
        .order_by(Event.seq.desc())
        .limit(1)
    )
    return "in_warehouse" if came_from == "in_warehouse" else "at_school"


def after_return(ctx: Context) -> str:
    return "in_repair" if ctx.params.get("condition") == "damaged" else "at_school"


def assign_asset_tag(ctx: Context) -> None:
    if ctx.device.asset_tag is None:
        ctx.changes["asset_tag"] = allocate_tag(ctx.session, ctx.session.info["asset_tag_prefix"])
        ctx.data["asset_tag"] = ctx.changes["asset_tag"]


def tag_not_printed(ctx: Context) -> str | None:
    """A pre-printed tag may replace a tag the system allocated, but not one already on a label."""
    if ctx.device.asset_tag is None:
        return None
    printed = ctx.session.scalar(select(Event.id).where(Event.device_id == ctx.device.id,
                                                        Event.action.in_(("label_printed", "tag_bound"))).limit(1))
    return f"the device already carries the label {ctx.device.asset_tag}" if printed else None


def bind_tag(ctx: Context) -> None:
    if ctx.device.asset_tag is not None:
        ctx.data["replaces"] = ctx.device.asset_tag
    ctx.changes["asset_tag"] = ctx.params["tag"]


def wiped_after_return(ctx: Context) -> str | None:
    """A returned device is wiped before it is lent again: the pupil's files go with the pupil."""
    returned = ctx.session.scalar(select(func.max(Event.seq)).where(Event.device_id == ctx.device.id,
                                                                    Event.action == "return"))
    if returned is None:
        return None
    wiped = ctx.session.scalar(select(func.max(Event.seq)).where(Event.device_id == ctx.device.id,
                                                                 Event.action == "wipe", Event.seq > returned))
    return None if wiped else "the device was returned and must be wiped (wipe) before it is lent again"


def close_active_loan(ctx: Context) -> None:
    """A device lost or stolen while lent ends its loan with that outcome; the loan keeps the pupil."""
    if ctx.device.status == "on_loan":
        outcome = "lost" if ctx.action == "report_lost" else "stolen"
        ctx.session.execute(update(Loan).where(Loan.device_id == ctx.device.id, Loan.status == "active")
                            .values(status=outcome, ended_at=utcnow(), ended_by=ctx.actor))
        ctx.data["loan_outcome"] = outcome


def attach_to_delivery(ctx: Context) -> None:
    """A device received against a delivery it was not expected on is counted there (unexpected)."""
    if "delivery" in ctx.objects and ctx.device.delivery_id is None:
        ctx.changes["delivery_id"] = ctx.objects["delivery"].id


def move_to_school(ctx: Context) -> None:
    ctx.changes["school_id"] = ctx.objects["school"].id
    ctx.related["school"] = ctx.objects["school"]
    ctx.related["school_registration"] = ctx.objects["school"].registration_number


# --- the action table --------------------------------------------------------------------------

@dataclass(frozen=True)
class Action:
    name: str
    sources: frozenset[str]
    target: str | Callable[[Context], str] | None  # None: a fact, the status stays
    params: tuple[Param, ...] = ()
    guards: tuple[Callable[[Context], str | None], ...] = ()
    effects: tuple[Callable[[Context], None], ...] = ()
    owner: str | None = None  # set: only the code that names this owner may apply it

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _a(name, sources, target, **kw) -> Action:
    return Action(name, frozenset(sources), target, **kw)


ACTIONS: dict[str, Action] = {a.name: a for a in [
    _a("receive", {"expected"}, "in_warehouse", params=(Param("delivery", delivery, required=False),),
       guards=(delivery_open, on_this_delivery), effects=(assign_asset_tag, attach_to_delivery)),
    _a("image", {"in_warehouse", "imaged"}, "imaged",
       params=(Param("image", text(100)), Param("station", text(100), required=False))),
    _a("label", {"imaged"}, "labelled", guards=(has_asset_tag,)),
    _a("ship", {"labelled"}, "in_transit", params=(Param("school", school),),
       guards=(has_asset_tag,), effects=(move_to_school,)),
    _a("arrive", {"in_transit"}, "at_school", params=(Param("school", school, required=False),),
       guards=(arrives_at_its_school,)),
    _a("hand_over", {"at_school"}, "on_loan", owner="loans", params=(Param("loan", reference, required=False),),
       guards=(wiped_after_return,)),
    _a("return", {"on_loan"}, after_return, owner="loans",
       params=(Param("condition", text(20)), Param("notes", text(1000), required=False))),
    _a("wipe", {"at_school"}, "at_school", params=(Param("method", text(100), required=False),)),
    _a("repair", {"at_school", "in_warehouse"}, "in_repair", params=(Param("fault", text(1000), required=False),)),
    _a("repaired", {"in_repair"}, back_from_repair, params=(Param("notes", text(1000), required=False),)),
    _a("report_lost", {"on_loan", "at_school", "in_transit"}, "lost",
       params=(Param("notes", text(1000), required=False),), effects=(close_active_loan,)),
    _a("report_stolen", {"on_loan", "at_school", "in_transit"}, "stolen",
       params=(Param("police_report", text(50), required=False), Param("notes", text(1000), required=False)),
       effects=(close_active_loan,)),
    _a("found", {"lost", "stolen"}, "at_school", guards=(belongs_to_a_school,),
       params=(Param("notes", text(1000), required=False),)),
    _a("transfer", {"at_school"}, "in_transit", params=(Param("school", school),),
       guards=(other_school,), effects=(move_to_school,)),
    _a("write_off", ANY - {"on_loan", "written_off"}, "written_off", params=(Param("reason", text(1000)),)),
    # Facts: recorded in the history, the status stays.
    _a("audited", ANY, None, owner="stocktakes", params=(Param("stocktake", reference, required=False),)),
    _a("label_printed", ANY, None, owner="labels", guards=(has_asset_tag,),
       params=(Param("reason", choice(PRINT_REASONS)), Param("stock", text(40)), Param("run", text(40)),
               Param("printer", text(100), required=False), Param("format", text(10), required=False))),
    _a("tag_bound", ANY - {"written_off"}, None, owner="labels", guards=(tag_not_printed,),
       params=(Param("tag", text(20)), Param("batch", reference)), effects=(bind_tag,)),
    _a("image_failed", {"in_warehouse", "imaged"}, None, owner="imaging",
       params=(Param("image", text(100)), Param("station", text(100)), Param("error", text(1000), required=False))),
    _a("note", ANY, None, params=(Param("text", text(2000)),)),
]}


def allowed_actions(status: str, via: str | None = None) -> list[str]:
    """The actions whose source states include ``status`` and that ``via`` may use."""
    return sorted(a.name for a in ACTIONS.values() if status in a.sources and a.owner in (None, via))


# --- applying ------------------------------------------------------------------------------------

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


@dataclass(frozen=True)
class Outcome:
    device: Device
    event: Event | NewEvent | None  # NewEvent when applied; the recorded Event when already
    already: bool

    @property
    def applied(self) -> bool:
        return not self.already


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


def _locked_latest(session: Session, device: Device) -> tuple[Device, tuple[str | None, Any]]:
    """The device locked in this transaction and its latest event's action and data; locks the
    device if it is not locked yet."""
    held = session.info.get(_LOCKED, {}).get(device.id)
    if held is None or held[0] is not _innermost(session):
        device = lock_device(session, "id", device.id)
        held = session.info[_LOCKED][device.id]
    return device, held[1]


def apply(
    session: Session,
    device: Device,
    action_name: str,
    params: dict[str, Any] | None,
    actor: str,
    *,
    nonce: str | None = None,
    via: str | None = None,
) -> Outcome:
    """Apply one action to one device inside the caller's transaction (the caller commits)."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise invalid(f"unknown action {action_name!r}", {"field": "action", "actions": sorted(ACTIONS)})
    if action.owner is not None and action.owner != via:
        raise FleetError(
            "forbidden",
            f"{action_name} is applied only through {action.owner}, not directly",
            {"action": action_name, "owner": action.owner},
        )
    device, latest = _locked_latest(session, device)

    if nonce is not None:
        seen = session.scalar(select(Event).where(Event.nonce == nonce))
        if seen is not None:
            if seen.device_id == device.id and seen.action == action_name:
                return Outcome(device, seen, already=True)
            raise FleetError("conflict", "this nonce was already used for another scan", {"nonce": nonce})

    ctx = Context(session, device, {}, action=action_name, actor=actor)
    _parse_params(action, params or {}, ctx)

    latest_action, latest_data = latest
    if latest_action == action_name and _same_params(action, latest_data, ctx.params):
        return Outcome(device, _latest_event(session, device), already=True)

    require_source(device, action_name, via)
    failed = [{"guard": g.__name__, "message": msg} for g in action.guards if (msg := g(ctx))]
    if failed:
        raise FleetError("conflict", "; ".join(f["message"] for f in failed), {"failed": failed})

    to_status = action.target(ctx) if callable(action.target) else action.target
    for effect in action.effects:
        effect(ctx)
    event = next_event(device, action_name, device.status, to_status, actor, {**ctx.params, **ctx.data}, nonce)
    changes = {**ctx.changes, "updated_at": event.at, "history_head": event.hash, "history_length": event.seq}
    if to_status is not None:
        changes["status"] = to_status
    _write(session, device, changes, ctx.related, event)
    return Outcome(device, event, already=False)


def require_source(device: Device, action_name: str, via: str | None = None) -> None:
    """``invalid_transition`` unless the action may start from the device's status now."""
    if device.status not in ACTIONS[action_name].sources:
        raise FleetError(
            "invalid_transition",
            f"cannot {action_name} a device that is {device.status}",
            {"status": device.status, "allowed": allowed_actions(device.status, via)},
        )


def _write(session: Session, device: Device, changes: dict, related: dict, event: NewEvent) -> None:
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


def _latest_event(session: Session, device: Device) -> Event:
    return session.scalar(select(Event).where(Event.device_id == device.id, Event.seq == device.history_length))


def _row(event: NewEvent) -> dict:
    return {c: getattr(event, c) for c in _EVENT_COLUMNS}


_EVENT_COLUMNS = [c.key for c in Event.__table__.columns if c.key != "id"]


def next_event(device, action, from_status, to_status, actor, data, nonce) -> NewEvent:
    """The device's next event, hashed onto its chain (not yet written)."""
    event = NewEvent(device.id, device.history_length + 1, action, from_status, to_status, utcnow(), actor, data, nonce)
    event.hash = history.chain_hash(device.history_head, event, device.serial)
    return event


def _parse_params(action: Action, raw: dict[str, Any], ctx: Context) -> None:
    errors = []
    for name in sorted(set(raw) - {p.name for p in action.params}):
        errors.append({"field": name, "message": f"{action.name} takes no parameter {name!r}"})
    for p in action.params:
        value = raw.get(p.name)
        if value is None:
            if p.required:
                errors.append({"field": p.name, "message": "is required"})
            continue
        try:
            ctx.params[p.name], obj = p.parse(ctx.session, value)
        except ValueError as e:
            errors.append({"field": p.name, "message": str(e)})
            continue
        if obj is not None:
            ctx.objects[p.name] = obj
    if errors:
        raise invalid(f"invalid parameters for {action.name}", errors)


def _same_params(action: Action, recorded: dict, given: dict) -> bool:
    return all(recorded.get(p.name) == given.get(p.name) for p in action.params)
