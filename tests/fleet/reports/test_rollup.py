"""The roll-ups: a refresh replaces every figure in one transaction (the counted devices and each registered
metric), keeps a bounded history of its runs, and the figures add up over exactly the schools a reader may
see — every school and the warehouse, or a founder manager's own."""

from __future__ import annotations

from sqlalchemy import func, select

from fleet.models import RollupCount, RollupCounted, RollupRun
from fleet.reports import Reach, rollup
from tests.factories import SchoolFactory

EVERY_SCHOOL = Reach(all_schools=True)


def test_a_refresh_replaces_the_figures_and_sums_follow_the_reach(session, monkeypatch):
    a, b = SchoolFactory(), SchoolFactory()
    rows = [(a.id, "x", 2), (a.id, "y", 1), (b.id, "x", 5), (None, "x", 7)]  # None: the warehouse
    monkeypatch.setitem(rollup.METRICS, "test_metric", lambda session, now: list(rows))
    rollup.refresh(session)
    session.commit()

    assert rollup.sums(session, "test_metric", EVERY_SCHOOL) == {"x": 14, "y": 1}
    assert rollup.sums(session, "test_metric", Reach(False, frozenset({a.id}))) == {"x": 2, "y": 1}
    assert rollup.sums(session, "test_metric", EVERY_SCHOOL, frozenset({b.id})) == {"x": 5}
    # a founder manager asking for a school outside its reach gets nothing of it
    assert rollup.sums(session, "test_metric", Reach(False, frozenset({a.id})), frozenset({b.id})) == {}
    assert rollup.sums(session, "test_metric", Reach(False, frozenset())) == {}
    assert rollup.by_school(session, "test_metric", EVERY_SCHOOL) == {a.id: {"x": 2, "y": 1}, b.id: {"x": 5},
                                                                    None: {"x": 7}}

    rows[:] = [(b.id, "z", 1)]
    run = rollup.refresh(session)
    session.commit()
    assert rollup.sums(session, "test_metric", EVERY_SCHOOL) == {"z": 1}  # replaced, not added to
    assert rollup.latest(session).id == run.id and run.took_ms >= 0
    assert run.rows == session.scalar(select(func.count()).select_from(RollupCount)) + session.scalar(
        select(func.count()).select_from(RollupCounted))


def test_an_unregistered_metric_has_no_figures_and_old_runs_are_dropped(session, monkeypatch):
    monkeypatch.setattr(rollup, "KEEP_RUNS", 3)
    assert rollup.latest(session) is None  # never refreshed: the pages say so
    for _ in range(5):
        rollup.refresh(session)
    session.commit()
    assert session.scalar(select(func.count()).select_from(RollupRun)) == 3
    assert rollup.sums(session, "no_such_metric", EVERY_SCHOOL) == {}
