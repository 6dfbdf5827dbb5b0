"""The hash chain: append-only events, and ``fleet verify`` naming the first broken event."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from fleet import history
from fleet.cli import main
from fleet.lifecycle import apply
from fleet.models import Event, utcnow
from tests.factories import DeviceFactory


@pytest.fixture
def verify(database_url, tmp_path):
    def run():
        env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path / "cli")}
        return CliRunner().invoke(main, ["verify"], env=env)

    return run



def _history(session, device):
    return session.scalars(sa.select(Event).where(Event.device_id == device.id).order_by(Event.seq)).all()


def test_each_event_chains_to_the_previous(app, session):
    device = DeviceFactory(status="labelled")
    events = _history(session, device)
    assert [e.seq for e in events] == [1, 2, 3, 4]
    previous = ""
    for e in events:
        assert e.hash == history.chain_hash(previous, e, device.serial)
        assert len(e.hash) == 64
        previous = e.hash
    assert device.history_head == previous and device.history_length == 4


def test_canonical_form_is_stable_and_utf8(app, session):
    device = DeviceFactory()
    event = apply(session, device, "note", {"text": "Ķēniņš ūdens"}, "pārbaudītājs").event
    session.commit()
    body = history.canonical(event, device.serial)
    assert "Ķēniņš ūdens".encode() in body and b" " not in body.replace("Ķēniņš ūdens".encode(), b"")
    assert body.startswith(b'{"action":"note","actor":"p\xc4\x81rbaud')


def test_shared_event_hashes_exactly_as_chain_hash():
    """The batch form (a manifest's first events) hashes the very bytes ``canonical`` gives."""
    now = utcnow()
    for actor in ("noliktava", 'a"b\\c ā\t😀\u2028'):
        template = SimpleNamespace(seq=1, action="register", from_status=None, to_status="expected", at=now,
                                   actor=actor, data={}, nonce=None)
        shared = history.SharedEvent(template)
        for serial, data in [("PF3A1B2C", {"manufacturer": "Lenovo", "model": "ThinkPad 11e"}),
                             ("5CG-1234",
                              {"manufacturer": 'Dell "Latitude"\\', "model": "ģ\n\x01", "contract": "IZM/1"}),
                             ("ABCD", {})]:
            event = SimpleNamespace(**{**vars(template), "data": data})
            for previous in ("", "ab" * 32):
                assert shared.hash(previous, serial, history.dumps(data)) == history.chain_hash(previous, event, serial)


def test_verify_passes_on_an_intact_database(app, verify):
    for status in ("expected", "at_school", "written_off"):
        DeviceFactory(status=status)
    result = verify()
    assert result.exit_code == 0, result.output
    assert "ok: 3 device histories intact" in result.output


def test_events_cannot_be_updated_or_deleted(app, session):
    DeviceFactory(status="imaged")
    engine = app.extensions["fleet.engine"]
    for sql in ("UPDATE events SET actor = 'x'", "DELETE FROM events"):
        with pytest.raises(sa.exc.DatabaseError) as e:
            with engine.begin() as conn:
                conn.exec_driver_sql(sql)
        assert "append-only" in str(e.value)


def test_verify_names_an_edited_event(app, session, raw, verify):
    DeviceFactory(status="imaged")
    device = DeviceFactory(status="labelled")
    target = _history(session, device)[2]  # the image event
    with raw.begin() as conn:
        conn.execute(sa.update(Event).where(Event.id == target.id).values(data={"image": "ļaunprātīgs"}))
    result = verify()
    assert result.exit_code == 1
    assert f"device {device.serial}: event #{target.id} (seq 3)" in result.output
    assert "edited" in result.output


def test_verify_names_an_edited_actor_or_time(app, session, raw, verify):
    device = DeviceFactory(status="in_warehouse")
    first = _history(session, device)[0]
    with raw.begin() as conn:
        conn.execute(sa.update(Event).where(Event.id == first.id).values(actor="someone-else"))
    result = verify()
    assert result.exit_code == 1 and f"event #{first.id} (seq 1)" in result.output


def test_verify_sees_a_deleted_event_in_the_middle(app, session, raw, verify):
    device = DeviceFactory(status="labelled")
    second = _history(session, device)[1]
    with raw.begin() as conn:
        conn.execute(sa.delete(Event).where(Event.id == second.id))
    result = verify()
    assert result.exit_code == 1
    assert "sequence jumps from 1 to 3: an event was deleted" in result.output


def test_verify_sees_a_deleted_last_event(app, session, raw, verify):
    device = DeviceFactory(status="labelled")
    last = _history(session, device)[-1]
    with raw.begin() as conn:
        conn.execute(sa.delete(Event).where(Event.id == last.id))
    result = verify()
    assert result.exit_code == 1
    assert f"device {device.serial}" in result.output and "events were deleted" in result.output


def test_verify_sees_a_status_edited_behind_the_lifecycle(app, session, verify):
    device = DeviceFactory(status="at_school")
    with app.extensions["fleet.engine"].begin() as conn:
        conn.execute(sa.text("UPDATE devices SET status = 'written_off' WHERE id = :id"), {"id": device.id})
    result = verify()
    assert result.exit_code == 1
    assert "status 'written_off' differs from the history's 'at_school'" in result.output
