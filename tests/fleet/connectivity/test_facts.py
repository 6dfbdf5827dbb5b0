"""What the connectivity report knows of each school (``fleet.connectivity.facts.load``): its founder, its latest
submitted answers (a later draft does not count), the laptops at it, its measurements of the recent days up to
the end of the day asked (older and later ones not read), narrowed to a scope, with no round at all; and read in
the same number of statements for 4 schools as for 40."""

from __future__ import annotations

from sqlalchemy import event

from fleet.connectivity import facts
from fleet.connectivity.analysis import Thresholds
from tests.factories import DeviceFactory
from tests.fleet.reports import connectivity_world as cw


def test_each_school_with_its_founder_submitted_answers_laptops_and_recent_measurements(session):
    world = cw.build(session)
    fine = world.schools["fine"]
    DeviceFactory(status="at_school", school=fine)
    DeviceFactory(status="at_school", school=fine)
    DeviceFactory(status="in_repair", school=fine)  # not at school: not counted
    known = {f.school_id: f for f in facts.load(session, None, world.round, cw.AS_OF, Thresholds())}
    assert set(known) == {s.id for s in world.schools.values()}
    f = known[fine.id]
    assert (f.school, f.registration_number, f.founder_code, f.founder) == (
        fine.name, fine.registration_number, world.founders[0].code, world.founders[0].name)
    assert f.answers["contracted_down_mbps"] == 500  # the submission, not the later draft's 10
    assert f.laptops == 2
    assert sorted((s.download_mbps, s.link) for s in f.samples) == [(400, "wifi")] * 3 + [(450, "cable")] * 3
    assert all(s.taken_at.tzinfo is not None for s in f.samples)
    assert [s.taken_at for s in f.samples] == sorted(s.taken_at for s in f.samples)
    assert known[world.schools["silent"].id].samples == ()
    assert known[world.schools["silent"].id].laptops == 0


def test_the_window_follows_recent_days_and_the_day_asked(session):
    world = cw.build(session)
    fine = world.schools["fine"].id
    wide = facts.load(session, frozenset({fine}), world.round, cw.AS_OF, Thresholds(recent_days=60))
    assert sorted(s.download_mbps for s in wide[0].samples)[0] == 5  # the 40-day-old one
    later = facts.load(session, frozenset({fine}), world.round, cw.AS_OF.replace(day=20), Thresholds())
    assert len(later[0].samples) == 7  # the six and the one two days after AS_OF


def test_a_scope_and_no_round(session):
    world = cw.build(session)
    ids = frozenset({world.schools["slow"].id, world.schools["silent"].id})
    known = facts.load(session, ids, None, cw.AS_OF, Thresholds())
    assert {f.school_id for f in known} == ids
    assert all(f.answers is None for f in known)
    assert facts.load(session, frozenset(), world.round, cw.AS_OF, Thresholds()) == []


def test_a_school_that_only_saved_a_draft_has_no_answers(session):
    world = cw.build(session)
    school = world.schools["silent"]
    other = cw.build(session, code="2025")
    cw.answer(session, other.round, school, cw.ANSWERS, 1, "draft")
    session.commit()
    known = facts.load(session, frozenset({school.id}), other.round, cw.AS_OF, Thresholds())
    assert known[0].answers is None


def _statements(session, fn) -> int:
    engine, seen = session.get_bind(), []
    session.expire_all()

    def count(*_):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_statements_do_not_grow_with_the_schools(session):
    world = cw.build(session)
    survey_round = world.round
    small = _statements(session, lambda: facts.load(session, None, survey_round, cw.AS_OF, Thresholds()))
    for n in range(9):
        cw.build(session, code=f"x{n}")
    large = _statements(session, lambda: facts.load(session, None, survey_round, cw.AS_OF, Thresholds()))
    assert small == large <= 6  # the round's own row (expired), then four queries
