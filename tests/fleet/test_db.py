"""fleet.db's DriverStatement (the scan's hot statements on psycopg's cursor) and the device lock
built on it: the same rows, types, errors and ORM state as through SQLAlchemy, on both databases."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from fleet import db, lifecycle
from fleet.lifecycle import store as lifecycle_store
from fleet.models import Contract, Device, Event, utcnow
from tests import factories
from tests.factories import ContractFactory, DeviceFactory, EventFactory, SchoolFactory

_EVENT_OF = select(Event.id, Event.action, Event.at, Event.data, Event.hash).where(
    Event.device_id == bindparam("device_id"), Event.seq == bindparam("seq"))


def test_rows_are_those_sqlalchemy_reads_with_the_same_types(session):
    device = DeviceFactory(status="in_warehouse")
    params = {"device_id": device.id, "seq": device.history_length}
    expected = session.execute(_EVENT_OF, params).one()
    [row] = db.DriverStatement(_EVENT_OF).rows(session, params)
    assert row == tuple(expected)
    assert row[1] == "receive" and row[2].tzinfo == UTC and isinstance(row[3], dict)


def test_parameters_are_processed_by_their_types_json_and_utc_datetimes(session):
    device = DeviceFactory(status="in_warehouse")
    at = utcnow()
    statement = db.DriverStatement(
        insert(Event).returning(Event.id),
        column_keys=["device_id", "seq", "action", "from_status", "to_status", "at", "actor", "data", "hash"])
    [(event_id,)] = statement.rows(session, {
        "device_id": device.id, "seq": device.history_length + 1, "action": "note", "from_status": None,
        "to_status": None, "at": at, "actor": "t", "data": {"text": "ā \" ]", "n": [1, 2]}, "hash": "h"})
    event = session.get(Event, event_id)
    assert event.data == {"text": "ā \" ]", "n": [1, 2]} and event.at == at and event.action == "note"
    session.rollback()


def test_a_refused_row_is_sqlalchemys_integrity_error_and_the_session_recovers(session):
    device = DeviceFactory(status="in_warehouse")
    statement = db.DriverStatement(insert(Event).returning(Event.id),
                                   column_keys=["device_id", "seq", "action", "at", "actor", "data", "hash"])
    duplicate = {"device_id": device.id, "seq": 1, "action": "note", "at": utcnow(), "actor": "t", "data": {},
                 "hash": "h"}  # (device_id, seq) is taken by the register event
    with pytest.raises(IntegrityError):
        statement.rows(session, duplicate)
    session.rollback()
    assert session.scalar(select(Event.action).where(Event.device_id == device.id, Event.seq == 1)) == "register"


def test_pending_changes_are_flushed_first_as_session_execute_does(session):
    device = DeviceFactory(status="in_warehouse")
    device.manufacturer = "Dell"  # pending, not flushed
    rows = db.DriverStatement(select(Device.manufacturer).where(Device.id == bindparam("id"))).rows(
        session, {"id": device.id})
    assert rows == [("Dell",)]
    session.rollback()


def test_a_fresh_lock_gives_a_clean_persistent_device_whose_school_loads_when_used(session):
    school = SchoolFactory()
    device_id = DeviceFactory(status="at_school", school=school).id
    session.expunge_all()
    device = lifecycle.lock_device(session, "id", device_id)
    state = inspect(device)
    assert state.persistent and not session.dirty and device in session
    assert device.school_registration == school.registration_number and device.status == "at_school"
    assert device.created_at.tzinfo == UTC
    assert device.school.name == school.name  # the relationship loads on use
    assert lifecycle.lock_device(session, "serial", "NO-SUCH-SERIAL") is None
    session.rollback()


def test_locking_a_device_already_loaded_refreshes_that_object(app, session):
    """What ``populate_existing`` did: a lock re-reads the row into the session's own object, also
    its school (moved by another transaction since the object was loaded)."""
    first, second = SchoolFactory(), SchoolFactory()
    device = DeviceFactory(status="at_school", school=first)
    assert device.school is first
    session.commit()
    with app.extensions["fleet.engine"].begin() as other:  # another request moves it meanwhile
        other.execute(update(Device).where(Device.id == device.id).values(school_id=second.id, manufacturer="HP"))
    locked = lifecycle.lock_device(session, "asset_tag", device.asset_tag)
    assert locked is device
    assert (device.manufacturer, device.school_id, device.school_registration) == (
        "HP", second.id, second.registration_number)
    assert device.school is second and not session.dirty
    session.rollback()


# --- each driver statement the app runs gives, on PostgreSQL, the rows session.execute gives ------------

def _same_rows(driver_rows: list[tuple], core_rows) -> None:
    """Value by value and type by type: datetimes aware in UTC, JSON as dicts, Decimals, None, text."""
    core_rows = [tuple(row) for row in core_rows]
    assert driver_rows == core_rows
    for driver_row, core_row in zip(driver_rows, core_rows, strict=True):
        for ours, theirs in zip(driver_row, core_row, strict=True):
            assert type(ours) is type(theirs), (ours, theirs)
            if isinstance(ours, datetime):
                assert ours.tzinfo == UTC and theirs.tzinfo == UTC, (ours, theirs)


def _driver_and_core(session, statement: db.DriverStatement, params: dict) -> list[tuple]:
    """The statement's rows through psycopg's cursor, checked against the same statement run by
    ``session.execute``; the rows."""
    assert session.connection().dialect.driver == "psycopg"  # else both would be Core's
    rows = statement.rows(session, params)
    _same_rows(rows, session.execute(statement.statement, params))
    return rows


NON_ASCII = "Ēriks Ņikitins — «ž» ∑ 'x' \"y\" 日本"


@pytest.mark.postgres_only
def test_the_token_lookup_reads_on_the_driver_what_core_reads(pg_app):
    from fleet.access import auth
    from tests.factories import ApiTokenFactory, UserFactory

    session = factories.current_session()
    now = utcnow()
    user = UserFactory(name=NON_ASCII, role="school_it")
    tokens = {
        "never used": ApiTokenFactory(user=user, token_hash=auth.hash_token("a"), last_used_at=None),
        "used now": ApiTokenFactory(user=user, token_hash=auth.hash_token("b"), last_used_at=now),
        "used long ago": ApiTokenFactory(user=user, token_hash=auth.hash_token("c"),
                                         last_used_at=now - timedelta(days=3)),
        "revoked": ApiTokenFactory(user=user, token_hash=auth.hash_token("d"), revoked_at=now),
    }
    stale_before = now - auth.LAST_USED_RESOLUTION
    found = {name: _driver_and_core(session, auth._TOKEN_LOOKUP, {"token_hash": token.token_hash,
                                                                   "stale_before": stale_before})
             for name, token in tokens.items()}
    assert found["never used"] == [(tokens["never used"].id, True, user.id, NON_ASCII, "school_it")]
    assert [rows[0][1] for rows in (found["used now"], found["used long ago"])] == [False, True]
    assert found["revoked"] == []
    assert _driver_and_core(session, auth._TOKEN_LOOKUP, {"token_hash": auth.hash_token("none"),
                                                          "stale_before": stale_before}) == []
    session.rollback()


@pytest.mark.postgres_only
def test_the_device_lock_reads_on_the_driver_what_core_reads(pg_app):
    session = factories.current_session()
    contract = ContractFactory(number="IZM-2022/ž∑", unit_price=Decimal("612.40"))
    bare = DeviceFactory(manufacturer="", model=NON_ASCII)  # expected: no tag, school, contract; from_status NULL
    placed = DeviceFactory(status="at_school", school=SchoolFactory(name=NON_ASCII), contract=contract,
                           manufacturer=NON_ASCII)
    EventFactory(device=placed, text=NON_ASCII)  # its latest event's data: non-ASCII JSON
    for device in (bare, placed):
        for column, statement in lifecycle_store._LOCK_BY.items():
            value = getattr(device, column)
            rows = _driver_and_core(session, statement, {"value": value})
            if value is None:  # the bare device's asset tag: "= NULL" matches nothing, either way
                assert rows == []
                continue
            [row] = rows
            assert row[0] == device.id and isinstance(row[-1], dict)
    [row] = lifecycle_store._LOCK_BY["id"].rows(session, {"value": placed.id})
    named = dict(zip([*lifecycle_store._DEVICE_ATTRIBUTES, "seq", "action", "data"], row, strict=True))
    assert named["contract_number"] == "IZM-2022/ž∑" and named["data"] == {"text": NON_ASCII}
    assert named["created_at"].tzinfo == UTC and named["school_registration"] == placed.school.registration_number
    [row] = lifecycle_store._LOCK_BY["id"].rows(session, {"value": bare.id})
    attributes = lifecycle_store._DEVICE_ATTRIBUTES
    assert [row[attributes.index(k)] for k in ("asset_tag", "school_id", "contract_number")] == [None, None, None]
    assert _driver_and_core(session, lifecycle_store._LOCK_BY["serial"], {"value": "NO-SUCH-SERIAL"}) == []
    session.rollback()


@pytest.mark.postgres_only
def test_the_update_and_insert_writes_on_the_driver_what_core_writes(pg_app):
    """The scan's one statement (UPDATE the device in a CTE, INSERT its event, RETURNING the id) run
    both ways from the same row and parameters: the same device row and event row result (the event's
    id aside, from the sequence), read back with the same types."""
    session = factories.current_session()
    device = DeviceFactory(status="at_school", school=SchoolFactory())
    at = utcnow()
    changes = {"status": "in_repair", "school_id": None, "updated_at": at, "history_head": "ħ" * 64,
               "history_length": device.history_length + 1}
    event = {"device_id": device.id, "seq": device.history_length + 1, "action": "repair",
             "from_status": "at_school", "to_status": "in_repair", "at": at, "actor": NON_ASCII,
             "data": {"fault": NON_ASCII, "none": None, "n": [1, 2.5, "ā"], "nested": {"ok": True}},
             "nonce": None, "hash": "ħ" * 64}
    statement = lifecycle_store._update_and_insert(tuple(changes))
    params = {**{f"d_{key}": value for key, value in changes.items()}, "_device_id": device.id, **event}
    devices, events = Device.__table__, Event.__table__
    read_device = select(devices).where(devices.c.id == device.id)
    read_event = select(*(c for c in events.c if c.key != "id")).where(
        events.c.device_id == device.id, events.c.seq == event["seq"])

    def written(run) -> tuple[list, list, list]:
        savepoint = session.begin_nested()
        returned = run()
        state = returned, list(session.execute(read_device)), list(session.execute(read_event))
        savepoint.rollback()
        return state

    by_core = written(lambda: [tuple(row) for row in session.execute(statement.statement, params)])
    by_driver = written(lambda: statement.rows(session, params))
    [(core_id,)], [(driver_id,)] = by_core[0], by_driver[0]
    assert type(core_id) is type(driver_id) is int and core_id != driver_id
    for ours, theirs in zip(by_driver[1:], by_core[1:], strict=True):
        _same_rows([tuple(row) for row in ours], theirs)
    [device_row], [event_row] = by_driver[1], by_driver[2]
    assert (device_row.status, device_row.school_id, device_row.updated_at) == ("in_repair", None, at)
    assert (event_row.data, event_row.actor, event_row.nonce, event_row.at) == (event["data"], NON_ASCII, None, at)
    session.rollback()


@pytest.mark.postgres_only
@pytest.mark.xfail(raises=TypeError, strict=True, reason=(
    "DriverStatement._compile asks each column's type for its result processor with coltype None; psycopg's "
    "Numeric needs the column's OID there (SQLAlchemy gives it from the cursor's description), so a statement "
    "selecting a Numeric cannot be compiled. No driver statement of the app selects one; this test passes "
    "(and strict xfail then fails) once DriverStatement handles it."))
def test_decimals_and_dates_read_on_the_driver_as_through_core(pg_app):
    session = factories.current_session()
    contract = ContractFactory(unit_price=Decimal("1234567890.05"), supplier=NON_ASCII)
    statement = db.DriverStatement(select(Contract.number, Contract.supplier, Contract.unit_price, Contract.signed_on,
                                          Contract.created_at).where(Contract.id == bindparam("id")))
    [row] = _driver_and_core(session, statement, {"id": contract.id})
    assert row[1:4] == (NON_ASCII, Decimal("1234567890.05"), None)
    session.rollback()
