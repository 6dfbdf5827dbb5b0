"""The state machine: every allowed action, every refused one, guards, double scans, nonces."""

from collections.abc import Callable

import psycopg
import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy import text as sql
from sqlalchemy.exc import DBAPIError

from fleet import db, lifecycle
from fleet.errors import FleetError
from fleet.lifecycle import ACTIONS, STATUSES, allowed_actions, apply
from fleet.models import Device, Event, utcnow
from tests import factories
from tests.conftest import Api
from tests.factories import PATHS, DeviceFactory, SchoolFactory
from tests.fleet.api.test_access import world  # noqa: F401 - the API walk's world, made under the status guard

# (action, from status, params, expected status); "{new}" is a school other than the device's.
ALLOWED = [
    ("receive", "expected", {}, "in_warehouse"),
    ("image", "in_warehouse", {"image": "win11-edu"}, "imaged"),
    ("image", "imaged", {"image": "win11-edu-v2", "station": "st-3"}, "imaged"),
    ("label", "imaged", {}, "labelled"),
    ("ship", "labelled", {"school": "{new}"}, "in_transit"),
    ("arrive", "in_transit", {}, "at_school"),
    ("hand_over", "at_school", {}, "on_loan"),
    ("return", "on_loan", {"condition": "good"}, "at_school"),
    ("return", "on_loan", {"condition": "damaged"}, "in_repair"),
    ("wipe", "at_school", {}, "at_school"),
    ("repair", "at_school", {"fault": "klaviatūra"}, "in_repair"),
    ("repair", "in_warehouse", {}, "in_repair"),
    ("repaired", "in_repair", {}, "at_school"),
    ("report_lost", "on_loan", {}, "lost"),
    ("report_lost", "at_school", {}, "lost"),
    ("report_lost", "in_transit", {}, "lost"),
    ("report_stolen", "on_loan", {"police_report": "11-2023-7"}, "stolen"),
    ("report_stolen", "at_school", {}, "stolen"),
    ("report_stolen", "in_transit", {}, "stolen"),
    ("found", "lost", {}, "at_school"),
    ("found", "stolen", {}, "at_school"),
    ("transfer", "at_school", {"school": "{new}"}, "in_transit"),
    *[("write_off", s, {"reason": "bojāts"}, "written_off") for s in STATUSES if s not in ("on_loan", "written_off")],
    *[("note", s, {"text": "piezīme"}, s) for s in STATUSES],
    *[("audited", s, {}, s) for s in ("in_warehouse", "at_school", "on_loan")],
    *[("label_printed", s, {"reason": "first_print", "stock": "avery-l7160", "run": "r1"}, s)
      for s in ("in_warehouse", "imaged", "labelled")],
    *[("image_failed", s, {"image": "win11", "station": "st-1"}, s) for s in ("in_warehouse", "imaged")],
]
VIA = {"hand_over": "loans", "return": "loans", "audited": "stocktakes", "label_printed": "labels",
       "image_failed": "imaging", "tag_bound": "labels"}


def _params(params, school_reg):
    return {k: (school_reg if v == "{new}" else v) for k, v in params.items()}


def _event_count(session, device):
    return session.scalar(select(func.count()).select_from(Event).where(Event.device_id == device.id))


def test_every_action_of_the_design_is_declared():
    design = {"receive", "image", "label", "ship", "arrive", "hand_over", "return", "wipe", "repair",
              "repaired", "report_lost", "report_stolen", "found", "transfer", "write_off",
              "audited", "label_printed", "note"}
    assert set(ACTIONS) == design | {"image_failed", "tag_bound"}  # facts of imaging and of pre-printed labels
    covered = {(a, s) for a, s, _, _ in ALLOWED}
    declared = {(a.name, s) for a in ACTIONS.values() for s in a.sources}
    facts = ("audited", "label_printed", "tag_bound")
    assert declared - covered == {(a, s) for a, s in declared if a in facts} - covered


@pytest.mark.parametrize("action, source, params, target", ALLOWED, ids=lambda v: v if isinstance(v, str) else None)
def test_allowed_action(app, session, action, source, params, target):
    device = DeviceFactory(status=source)
    before = _event_count(session, device)
    new_school = SchoolFactory()
    given = _params(params, new_school.registration_number)
    outcome = apply(session, device, action, given, "tester", via=VIA.get(action))
    session.commit()
    assert outcome.applied and not outcome.already
    assert device.status == target
    assert outcome.event.action == action
    assert (outcome.event.from_status, outcome.event.to_status) == (source, target if ACTIONS[action].target else None)
    assert outcome.event.actor == "tester"
    assert outcome.event.seq == before + 1 == _event_count(session, device)
    if "school" in params:
        assert device.school_id == new_school.id


@pytest.mark.parametrize("status", STATUSES)
def test_every_other_action_is_an_invalid_transition_listing_the_allowed_ones(app, session, status):
    device = DeviceFactory(status=status)
    events = _event_count(session, device)
    allowed = allowed_actions(status)
    assert allowed == sorted(a for a, s, _, _ in ALLOWED if s == status and a not in VIA)
    last = PATHS[status][-1][0] if PATHS[status] else None  # repeating it is a double scan
    for action in sorted(set(ACTIONS) - set(VIA) - set(allowed) - {last}):
        params = {p.name: "x" for p in ACTIONS[action].params if p.required and p.name != "school"}
        if any(p.name == "school" for p in ACTIONS[action].params):
            school = device.school or SchoolFactory()
            params["school"] = school.registration_number
        with pytest.raises(FleetError) as e:
            apply(session, device, action, params, "tester")
        session.rollback()
        assert e.value.code == "invalid_transition", action
        assert e.value.details == {"status": status, "allowed": allowed}
    session.refresh(device)
    assert device.status == status and _event_count(session, device) == events


def test_receive_assigns_a_checked_asset_tag(app, session):
    a, b = DeviceFactory(), DeviceFactory()
    ea = apply(session, a, "receive", {}, "w").event
    eb = apply(session, b, "receive", {}, "w").event
    session.commit()
    assert a.asset_tag.startswith("DIB-") and a.asset_tag != b.asset_tag
    assert ea.data == {"asset_tag": a.asset_tag}
    assert eb.data == {"asset_tag": b.asset_tag}


def test_repaired_goes_back_where_it_came_from(app, session):
    from_warehouse = DeviceFactory(status="in_warehouse")
    apply(session, from_warehouse, "repair", {}, "w")
    apply(session, from_warehouse, "repaired", {}, "w")
    returned_damaged = DeviceFactory(status="on_loan")
    apply(session, returned_damaged, "return", {"condition": "damaged"}, "s", via="loans")
    apply(session, returned_damaged, "repaired", {}, "s")
    session.commit()
    assert from_warehouse.status == "in_warehouse"
    assert returned_damaged.status == "at_school"


def test_owned_actions_need_their_owner(app, session):
    device = DeviceFactory(status="at_school")
    for action, owner in VIA.items():
        with pytest.raises(FleetError) as e:
            apply(session, device, action, {}, "tester")
        assert e.value.code == "forbidden"
        assert e.value.details == {"action": action, "owner": owner}
    assert "hand_over" not in allowed_actions("at_school")
    assert "hand_over" in allowed_actions("at_school", via="loans")


def test_parameters_are_checked_all_at_once(app, session):
    device = DeviceFactory(status="labelled")
    with pytest.raises(FleetError) as e:
        apply(session, device, "ship", {"colour": "red", "shelf": 3}, "w")
    assert e.value.code == "invalid_input"
    assert {d["field"] for d in e.value.details} == {"colour", "shelf", "school"}
    with pytest.raises(FleetError) as e:
        apply(session, device, "ship", {"school": "0000000000"}, "w")
    assert e.value.localized_details("en") == [
        {"field": "school", "message": "no school with registration number '0000000000'"}]
    with pytest.raises(FleetError) as e:
        apply(session, DeviceFactory(status="in_warehouse"), "image", {"image": "  ", "station": 7}, "w")
    assert [d["field"] for d in e.value.details] == ["image", "station"]


def test_unknown_action(app, session):
    with pytest.raises(FleetError) as e:
        apply(session, DeviceFactory(), "teleport", {}, "w")
    assert e.value.code == "invalid_input"
    assert "receive" in e.value.details[0]["actions"]


def test_guards_refuse_with_conflict(app, session):
    device = DeviceFactory(status="in_transit")
    elsewhere = SchoolFactory()
    with pytest.raises(FleetError) as e:
        apply(session, device, "arrive", {"school": elsewhere.registration_number}, "s")
    assert e.value.code == "conflict"
    assert e.value.details["failed"][0]["guard"] == "arrives_at_its_school"
    assert apply(session, device, "arrive", {"school": device.school.registration_number}, "s").applied
    with pytest.raises(FleetError) as e:
        apply(session, device, "transfer", {"school": device.school.registration_number}, "s")
    assert e.value.details["failed"][0]["guard"] == "other_school"


def test_all_failed_guards_are_reported_at_once(app, session, monkeypatch):
    def never(ctx):
        return "never allowed"

    def nor_this(ctx):
        return "not this either"

    polish = lifecycle.Action("polish", frozenset({"expected"}), "expected", guards=(never, nor_this))
    monkeypatch.setitem(ACTIONS, "polish", polish)
    device = DeviceFactory()
    with pytest.raises(FleetError) as e:
        apply(session, device, "polish", {}, "w")
    assert e.value.code == "conflict"
    assert [f["guard"] for f in e.value.details["failed"]] == ["never", "nor_this"]
    assert e.value.message == "never allowed; not this either"


def test_a_refused_action_changes_nothing(app, session):
    device = DeviceFactory(status="imaged")
    head, length = device.history_head, device.history_length
    device.asset_tag = None  # a label guard failure
    with pytest.raises(FleetError):
        apply(session, device, "label", {}, "w")
    session.rollback()
    session.refresh(device)
    assert (device.status, device.history_head, device.history_length) == ("imaged", head, length)


def test_double_scan_is_already_and_writes_no_event(app, session):
    device = DeviceFactory(status="expected")
    first = apply(session, device, "receive", {}, "w")
    again = apply(session, device, "receive", {}, "w")
    session.commit()
    assert again.already and not again.applied
    assert again.event.id == first.event.id
    assert _event_count(session, device) == 2


def test_same_action_with_other_parameters_is_new(app, session):
    device = DeviceFactory(status="in_warehouse")
    apply(session, device, "image", {"image": "v1"}, "w")
    assert apply(session, device, "image", {"image": "v1"}, "w").already
    assert apply(session, device, "image", {"image": "v2"}, "w").applied
    session.commit()
    assert _event_count(session, device) == 4


def test_self_loop_is_possible_again_after_something_else(app, session):
    device = DeviceFactory(status="in_warehouse")
    apply(session, device, "image", {"image": "v1"}, "w")
    apply(session, device, "note", {"text": "ekrāns mirgo"}, "w")
    again = apply(session, device, "image", {"image": "v1"}, "w")
    session.commit()
    assert again.applied and again.event.seq == 5


def test_an_action_rolled_back_with_its_savepoint_is_not_taken_for_a_double_scan(app, session):
    device = DeviceFactory(status="in_warehouse")
    lifecycle.lock_device(session, "id", device.id)
    savepoint = session.begin_nested()
    apply(session, device, "image", {"image": "v1"}, "w")
    savepoint.rollback()  # e.g. a class hand-out's pair that failed after its event was written
    again = apply(session, device, "image", {"image": "v1"}, "w")
    session.commit()
    assert again.applied and again.event.seq == 3  # register, receive, this image: the rolled-back one is gone
    assert _event_count(session, device) == 3 and device.history_length == 3


def test_nonce_makes_a_retry_idempotent(app, session):
    device = DeviceFactory(status="expected")
    first = apply(session, device, "receive", {}, "w", nonce="scan-1")
    apply(session, device, "image", {"image": "v1"}, "w")
    retry = apply(session, device, "receive", {}, "w", nonce="scan-1")  # a late retry: no invalid_transition
    session.commit()
    assert retry.already and retry.event.id == first.event.id
    assert first.event.nonce == "scan-1"


def test_nonce_reused_for_another_scan_is_a_conflict(app, session):
    a, b = DeviceFactory(status="expected"), DeviceFactory(status="expected")
    apply(session, a, "receive", {}, "w", nonce="n-7")
    session.commit()
    with pytest.raises(FleetError) as e:
        apply(session, b, "receive", {}, "w", nonce="n-7")
    assert e.value.code == "conflict"
    with pytest.raises(FleetError):
        apply(session, a, "note", {"text": "x"}, "w", nonce="n-7")


def test_factory_paths_reach_every_status():
    assert set(PATHS) == set(STATUSES)


# --- nothing but the lifecycle writes a device's status ----------------------------------------------

# Sent through psycopg's parameter syntax: "%%" reaches plpgsql as "%".
_STATUS_GUARD = """
CREATE FUNCTION fleet_test_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('fleet.test_status_writer', true) IS DISTINCT FROM 'lifecycle' THEN
        RAISE WARNING 'fleet-status-write: %% of device %% (%%) to %%', TG_OP, NEW.id, NEW.serial, NEW.status;
        RAISE EXCEPTION 'devices.status written outside fleet.lifecycle: %% %% to %%', TG_OP, NEW.serial, NEW.status;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER fleet_test_status_insert BEFORE INSERT ON devices
    FOR EACH ROW EXECUTE FUNCTION fleet_test_status_guard();
CREATE TRIGGER fleet_test_status_update BEFORE UPDATE ON devices
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION fleet_test_status_guard();
"""
_STATUS_UNGUARD = """
DROP TRIGGER IF EXISTS fleet_test_status_insert ON devices;
DROP TRIGGER IF EXISTS fleet_test_status_update ON devices;
DROP FUNCTION IF EXISTS fleet_test_status_guard();
"""


def _as_the_lifecycle(write):
    """``write`` (lifecycle.store.write or register_rows) with the transaction marked as the lifecycle's while
    it runs: ``set_config(…, true)`` lasts to the end of the transaction, or of a savepoint rolled back."""

    def marked(session, *args, **kwargs):
        session.execute(sql("SELECT set_config('fleet.test_status_writer', 'lifecycle', true)"))
        result = write(session, *args, **kwargs)
        session.execute(sql("SELECT set_config('fleet.test_status_writer', '', true)"))
        return result

    return marked


@pytest.fixture
def status_guard(pg_app, monkeypatch):
    """A PostgreSQL trigger on ``devices`` that refuses any INSERT, and any UPDATE changing ``status``,
    unless ``lifecycle.store.write`` or ``lifecycle.register_rows`` is running in that transaction; the
    refusals it reports (also those some code caught and hid), as a list."""
    engine = pg_app.extensions["fleet.engine"]
    with engine.begin() as conn:
        conn.exec_driver_sql(_STATUS_GUARD)
    reported: list[str] = []

    def on_notice(diagnostic):
        if (diagnostic.message_primary or "").startswith("fleet-status-write"):
            reported.append(diagnostic.message_primary)

    def listen(dbapi_connection, record, _proxy):  # notices arrive even when the transaction rolls back
        if not record.info.get("fleet_status_guard"):
            dbapi_connection.add_notice_handler(on_notice)
            record.info["fleet_status_guard"] = True

    event.listen(engine, "checkout", listen)
    monkeypatch.setattr(lifecycle.store, "write", _as_the_lifecycle(lifecycle.store.write))  # apply's write
    registering = _as_the_lifecycle(lifecycle.store.register_rows)
    monkeypatch.setattr(lifecycle.store, "register_rows", registering)  # what register calls
    monkeypatch.setattr(lifecycle, "register_rows", registering)  # what callers of lifecycle.register_rows reach
    try:
        yield reported
    finally:
        event.remove(engine, "checkout", listen)
        factories.current_session().rollback()
        with engine.begin() as conn:  # the database outlives the test: the next test must not find the trigger
            conn.exec_driver_sql(_STATUS_UNGUARD)


def _outside_the_lifecycle(session, device) -> list[tuple[str, Callable[[], object]]]:
    """Ways to write a status without the lifecycle: the ORM, Core, the driver's cursor, COPY."""
    raw = lambda statement: session.connection().connection.driver_connection.execute(statement)  # noqa: E731

    def by_copy():
        db.copy_rows(session, "devices", ("serial", "manufacturer", "model", "status", "created_at", "updated_at",
                                          "history_head", "history_length"),
                     [("COPIED-1", "x", "y", "at_school", utcnow(), utcnow(), "h", 1)])

    def by_orm():
        session.get(Device, device.id).status = "lost"
        session.flush()

    return [
        ("orm", by_orm),
        ("core", lambda: session.execute(update(Device).where(Device.id == device.id).values(status="stolen"))),
        ("text", lambda: session.execute(sql("UPDATE devices SET status = 'lost' WHERE id = :id"), {"id": device.id})),
        ("driver", lambda: raw(f"UPDATE devices SET status = 'in_repair' WHERE id = {device.id}")),
        ("copy", by_copy),
    ]


@pytest.mark.postgres_only
def test_the_status_guard_sees_every_way_of_writing_a_status(pg_app, status_guard):
    """The control for the test below: a status written through the ORM, Core, SQL text, psycopg's own
    cursor, or COPY is refused by the trigger and reported; the lifecycle's own writes are not."""
    session = factories.current_session()
    device = DeviceFactory(status="at_school")  # registered (COPY on PostgreSQL) and walked: the lifecycle's writes
    assert status_guard == []
    for name, write in _outside_the_lifecycle(session, device):
        with pytest.raises((DBAPIError, psycopg.Error), match="written outside fleet.lifecycle"):
            write()
        session.rollback()
        assert len(status_guard) == 1, name
        status_guard.clear()
    assert session.get(Device, device.id).status == "at_school"
    session.rollback()


@pytest.mark.postgres_only
def test_nothing_but_the_lifecycle_writes_a_devices_status(pg_app, status_guard, request):
    """Every API route, as an admin, then as school IT, then every direct action, with a database trigger
    watching ``devices`` (``status_guard``): a status that changes, or a device inserted, while neither
    ``lifecycle.store.write`` nor ``lifecycle.register_rows`` runs in that transaction is refused and reported,
    whichever way the SQL was sent (ORM, Core, SQL text, the driver's cursor, COPY: the test above).

    What it cannot catch: a path that this walk does not run (it watches behaviour, it does not read
    the code); a write made while the marker is on, i.e. from inside ``store.write``/``register_rows`` or by
    code that calls them directly instead of ``apply``/``register``; writes on SQLite (the trigger is
    PostgreSQL's); and the CLI's and the web pages' own paths, unless they go through the API's code.
    """
    from tests.fleet.api.test_access import ROUTES, SUCCEEDS, call, client_for, fill

    client = pg_app.test_client()

    def api_as(role="admin", school=None, user=None) -> Api:  # conftest's, on this test's app
        user = user or factories.UserFactory(role=role, schools=[school] if school else [])
        return Api(client, factories.token_for(user))

    walked = request.getfixturevalue("world")  # test_access's world, made under the guard
    answers = []
    for role in ("admin", "school_it"):
        api = client_for(api_as, role, walked)
        answers += [(role, str(route), call(api, route, walked).status_code) for route in ROUTES]
    api = api_as("admin")
    school, other = SchoolFactory(), SchoolFactory()
    for action, (start, params, end) in SUCCEEDS.items():
        device = DeviceFactory(status=start, school=school)
        params = fill(params, {"school": school.registration_number, "other": other.registration_number})
        r = api.post(f"devices/{device.serial}/actions/{action}", json=params)
        assert (r.status_code, r.get_json()["device"]["status"]) == (200, end), r.get_json()
    assert status_guard == []
    assert [a for a in answers if a[2] >= 500] == []
    session = factories.current_session()
    session.commit()
    moved = session.scalar(select(func.count()).select_from(Event).where(Event.from_status != Event.to_status))
    assert moved > 100  # the walk did change statuses, under the guard
    session.commit()
