"""The roll-ups: the reports' figures pre-computed per school by ``fleet worker`` (every
``FLEET_ROLLUP_SECONDS``), so that a report adds up hundreds of rows instead of reading a million devices.

- ``rollup_counted``: the devices meeting the counting rule (``fleet.reports.counting``), one row each.
- ``rollup_counts``: ``(metric, school, key) → value`` rows. Each report module registers the metrics it
  needs with ``@metric("name")``: a function ``(session, now) → rows of (school_id, key, value)``, run
  after ``rollup_counted`` is filled (it may read it).

``refresh`` replaces everything in one transaction: readers see the previous figures until it commits.
``latest`` says when the figures were made; the pages and the API print it (``refreshed_at``).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import islice

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from fleet.db.bulk_copy import copy_rows
from fleet.models import RollupCount, RollupCounted, RollupRun, utcnow
from fleet.reports import Reach, counting

Rows = Iterable[tuple[int | None, str, int]]
MetricFn = Callable[[Session, datetime], Rows]
METRICS: dict[str, MetricFn] = {}
KEEP_RUNS = 100
CHUNK = 10_000
COUNTED_COLUMNS = ("device_id", "school_id", "founder_id", "contract_id", "funding_source", "provided_on", "loan_id",
                   "eligibility", "withheld")


def metric(name: str) -> Callable[[MetricFn], MetricFn]:
    """Register a metric computed at each refresh (its rows replace the previous ones)."""
    def register(fn: MetricFn) -> MetricFn:
        METRICS[name] = fn
        return fn
    return register


def batched(rows: Iterable[tuple], size: int):
    """``rows`` in lists of ``size`` (itertools.batched from Python 3.12)."""
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _write(session: Session, table, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert many rows, a chunk at a time: COPY on PostgreSQL, batched INSERTs elsewhere. Returns how many.
    ``rows`` may itself be reading the same connection (a streamed query): each chunk is read whole
    before it is written, since a connection in the middle of a COPY cannot fetch."""
    count = 0
    postgres = session.get_bind().dialect.name == "postgresql"
    for chunk in batched(rows, CHUNK):
        count += len(chunk)
        if postgres:
            copy_rows(session, table.__tablename__, columns, chunk)
        else:
            session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in chunk])
    return count


def refresh(session: Session, now: datetime | None = None) -> RollupRun:
    """Recompute every roll-up (in the session's transaction; the caller commits)."""
    from fleet.reports import _load

    _load()  # the report modules register their metrics
    started, clock = now or utcnow(), time.perf_counter()
    session.execute(delete(RollupCounted))
    session.execute(delete(RollupCount))
    rows = _write(session, RollupCounted, COUNTED_COLUMNS,
                  ((c.device_id, c.school_id, c.founder_id, c.contract_id, c.funding_source, c.provided_on, c.loan_id,
                    c.eligibility, c.withheld) for c in counting.counted(session)))
    for name, fn in sorted(METRICS.items()):
        rows += _write(session, RollupCount, ("metric", "school_id", "key", "value"),
                       ((name, school, str(key), int(value)) for school, key, value in fn(session, started)))
    took = int((time.perf_counter() - clock) * 1000)
    run = RollupRun(started_at=started, finished_at=utcnow() if now is None else now, took_ms=took, rows=rows)
    session.add(run)
    session.flush()
    session.execute(delete(RollupRun).where(RollupRun.id <= run.id - KEEP_RUNS))
    return run


def latest(session: Session) -> RollupRun | None:
    """The last refresh (None: the worker has not run yet)."""
    return session.scalars(select(RollupRun).order_by(RollupRun.id.desc()).limit(1)).first()


def refreshed_at(session: Session) -> datetime | None:
    """When the figures were last made (None: never): a report's ``refreshed_at``."""
    run = latest(session)
    return run.finished_at if run else None


def in_reach(query, column, reach: Reach, school_ids: frozenset[int] | None = None):
    """``query`` narrowed to the schools ``reach`` may see (and, when given, to ``school_ids`` of them).
    The warehouse's rows (school None) are seen only by readers of every school asking for no school."""
    if school_ids is not None:
        allowed = school_ids if reach.all_schools else school_ids & reach.school_ids
        return query.where(column.in_(sorted(allowed) or [-1]))
    if reach.all_schools:
        return query
    return query.where(column.in_(sorted(reach.school_ids) or [-1]))


def sums(session: Session, name: str, reach: Reach, school_ids: frozenset[int] | None = None) -> dict[str, int]:
    """Metric ``name`` added up over the schools in reach: ``{key: value}``."""
    query = in_reach(select(RollupCount.key, func.sum(RollupCount.value)).where(RollupCount.metric == name),
                     RollupCount.school_id, reach, school_ids).group_by(RollupCount.key)
    return {key: int(value) for key, value in session.execute(query)}


def by_school(session: Session, name: str, reach: Reach,
              school_ids: frozenset[int] | None = None) -> dict[int | None, dict[str, int]]:
    """Metric ``name`` per school in reach: ``{school_id: {key: value}}``."""
    query = in_reach(select(RollupCount.school_id, RollupCount.key, RollupCount.value)
                     .where(RollupCount.metric == name), RollupCount.school_id, reach, school_ids)
    out: dict[int | None, dict[str, int]] = defaultdict(dict)
    for school, key, value in session.execute(query):
        out[school][key] = out[school].get(key, 0) + int(value)
    return dict(out)
