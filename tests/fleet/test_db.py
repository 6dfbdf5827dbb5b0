"""fleet.db's DriverStatement (the scan's hot statements on psycopg's cursor) and the device lock
built on it: the same rows, types, errors and ORM state as through SQLAlchemy, on both databases."""

from datetime import UTC

import pytest
from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from fleet import db, lifecycle
from fleet.models import Device, Event, utcnow
from tests.factories import DeviceFactory, SchoolFactory

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
