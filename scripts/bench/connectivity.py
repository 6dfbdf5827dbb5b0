"""Benchmark: the connectivity report (``fleet.reports.connectivity``) on a national survey, beside baselines
measured in the same run.

Method
  1. Into an empty database (``--pg URL``; without it a new SQLite file in a temporary directory), migrated by
     Fleet's migrations: ``--founders`` (119) founders, ``--schools`` (800) schools, one survey round with a
     budget, every school's submitted answers, and ``--measurements`` (100) measurements per school (80,000)
     spread over the 28 days before ``--as-of``, on Wi-Fi and cable, in and outside the busiest lessons: a sixth
     of the schools each fine, slow at the provider, slow on Wi-Fi, congested, unstable, or measured only long
     ago (no data). Measurements are written with COPY on PostgreSQL (``fleet.db.bulk_copy``), with one
     executemany INSERT per 10,000 on SQLite.
  2. The real app in this process (Flask's test client, an admin's API token): the connectivity report as JSON
     for every school, as PDF and XLSX, and the milestones report's JSON (roll-ups refreshed once first);
     each warmed up once, then ``--runs`` (7) times; p50 and p95.
  3. Baselines: the same rows read raw with one SELECT each (the recent measurements and the submitted
     answers), the median of ``--runs``; the report's p95 as a ratio to them and to the milestones report.

Run from the repository's root: ``.venv/bin/python -m scripts.bench.connectivity [--pg URL] [--schools N]
[--founders N] [--measurements N] [--runs N]``. A tiny size for tests: ``--schools 12 --founders 3
--measurements 6 --runs 2``.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from fleet import migrations
from fleet.db import make_engine
from fleet.models import Founder, Measurement, School, SurveyAnswer, SurveyRound
from scripts.bench import national
from scripts.bench.harness import percentile
from scripts.bench.reports import admin, make_app

RIGA_OFFSET = timedelta(hours=2)  # winter time: the busiest lessons 9–14 Riga are 7–12 UTC
PROFILES = ("ok", "uplink", "inside_network", "congestion", "unstable", "no_data")
MEASUREMENT_COLUMNS = ("school_id", "taken_at", "download_mbps", "upload_mbps", "latency_ms", "jitter_ms", "link",
                       "source", "recorded_by")
ANSWERS = {"uplink_technology": "fibre", "provider": "Tet", "contracted_up_mbps": 100, "monthly_cost_eur": 85.5,
           "backup_line": False, "outages_last_year": 2, "switches": 6, "switch_uplink_mbps": "100",
           "access_points": 20, "wifi_standard": "wifi5", "classrooms": 30, "classrooms_covered": 26,
           "cabling_year": 2005, "maintained_by": "founder", "school_level": "primary", "staff": 40}
RAW_MEASUREMENTS = ("SELECT school_id, taken_at, download_mbps, upload_mbps, latency_ms, jitter_ms, link "
                    "FROM connectivity_measurements WHERE taken_at >= :since AND taken_at < :until "
                    "ORDER BY school_id, taken_at")
RAW_ANSWERS = "SELECT school_id, answers FROM survey_answers WHERE round_id = :round AND status = 'submitted'"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.connectivity", description=__doc__.split("\n")[0])
    p.add_argument("--pg", help="an empty PostgreSQL database's URL (default: a new SQLite file)")
    p.add_argument("--schools", type=int, default=800)
    p.add_argument("--founders", type=int, default=119)
    p.add_argument("--measurements", type=int, default=100, help="measurements per school")
    p.add_argument("--runs", type=int, default=7, help="timed runs of each")
    p.add_argument("--as-of", default="2024-03-15", help="the report's day; measurements the 28 days before")
    p.add_argument("--seed", type=int, default=19)
    return p.parse_args(argv)


# --- the data -----------------------------------------------------------------------------------

def sample(rng: random.Random, profile: str, as_of: date, k: int, n: int) -> tuple:
    """One measurement of a school of ``profile``: (taken_at, down, up, latency, jitter, link)."""
    days = 40 + k % 20 if profile == "no_data" else 1 + k * 28 // max(n, 1)
    peak = k % 2 == 0
    hour = (7 + k % 5) if peak else (14 + k % 4)  # UTC
    day = as_of - timedelta(days=days)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    at = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=UTC)
    link = "cable" if k % 3 == 0 else "wifi"
    down = rng.uniform(430, 480)
    if profile == "uplink":
        down = rng.uniform(60, 120)
    elif profile == "inside_network" and link == "wifi":
        down = rng.uniform(20, 60)
    elif profile == "congestion" and peak:
        down = rng.uniform(30, 80)
    elif profile == "unstable":
        down = rng.choice((rng.uniform(5, 20), rng.uniform(400, 480)))
    latency = rng.uniform(8, 20) if profile != "unstable" or k % 4 else rng.uniform(300, 600)
    return at, round(down, 1), round(down / 5, 1), round(latency, 1), round(latency / 6, 1), link


def load(engine, args: argparse.Namespace) -> int:
    """Founders, schools, the round, the answers and the measurements; the round's id."""
    rng, as_of = random.Random(args.seed), date.fromisoformat(args.as_of)
    postgres = engine.dialect.name == "postgresql"
    with Session(engine) as session:
        session.execute(insert(Founder.__table__), [
            {"id": f, "code": f"NB{f:03d}", "name": f"Bench novada pašvaldība {f:03d}"}
            for f in range(1, args.founders + 1)])
        session.execute(insert(School.__table__), [
            {"id": s, "registration_number": f"9{s:09d}", "name": f"Bench skola {s:03d}",
             "founder_id": (s - 1) % args.founders + 1} for s in range(1, args.schools + 1)])
        survey_round = SurveyRound(code="2024", title="Bench 2024", opens_on=as_of - timedelta(days=60),
                                   deadline=as_of - timedelta(days=20), budget=Decimal(5000 * args.schools))
        session.add(survey_round)
        session.flush()
        now = datetime.now(UTC)
        session.execute(insert(SurveyAnswer.__table__), [
            {"round_id": survey_round.id, "school_id": s, "version": 1, "status": "submitted", "source": "import",
             "saved_at": now, "saved_by": "bench",
             "answers": {**ANSWERS, "contracted_down_mbps": 500, "pupils": 100 + (s * 37) % 600,
                         "peak_devices": 80 + s % 300}} for s in range(1, args.schools + 1)])
        batch: list[tuple] = []
        for s in range(1, args.schools + 1):
            profile = PROFILES[(s - 1) % len(PROFILES)]
            for k in range(args.measurements):
                batch.append((s, *sample(rng, profile, as_of, k, args.measurements), "script", "bench"))
            if len(batch) >= 10_000 or s == args.schools:
                write_measurements(session, batch, postgres)
                batch = []
        session.commit()
        for table in ("founders", "schools") if postgres else ():
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))
        session.commit()
        return survey_round.id


def write_measurements(session: Session, batch: list[tuple], postgres: bool) -> None:
    if not batch:
        return
    if postgres:
        from fleet.db.bulk_copy import copy_rows

        copy_rows(session, "connectivity_measurements", MEASUREMENT_COLUMNS, batch)
        return
    session.execute(insert(Measurement.__table__), [dict(zip(MEASUREMENT_COLUMNS, row, strict=True))
                                                    for row in batch])


# --- the timings --------------------------------------------------------------------------------

def timed(fn, runs: int) -> dict:
    """One warm-up, then ``runs`` timed; p50/p95 and the median in ms, and the last result's size."""
    result = fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "median": times[len(times) // 2] * 1000,
            "size": result}


def raw_baselines(engine, round_id: int, as_of: date, runs: int) -> dict[str, dict]:
    until = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), UTC) - RIGA_OFFSET
    since = until - timedelta(days=30)
    out = {}
    with engine.connect() as conn:
        for name, sql, params in (("raw SELECT of the recent measurements", RAW_MEASUREMENTS,
                                   {"since": since, "until": until}),
                                  ("raw SELECT of the submitted answers", RAW_ANSWERS, {"round": round_id})):
            out[name] = timed(lambda sql=sql, params=params: len(conn.execute(text(sql), params).all()), runs)
    return out


def table(results: dict[str, dict], raw: dict[str, dict], counts: dict, args) -> list[str]:
    lines = [f"Connectivity report: {counts['schools']:,} schools of {counts['founders']:,} founders, "
             f"{counts['measurements']:,} measurements ({counts['database']}); {args.runs} timed runs each, "
             "warm, in-process (Flask's test client).", "",
             "| what | p50 ms | p95 ms | bytes / rows |", "|---|---:|---:|---:|"]
    for name, r in {**results, **raw}.items():
        lines.append(f"| {name} | {r['p50']:.1f} | {r['p95']:.1f} | {r['size']:,} |")
    report = results["connectivity (JSON)"]["p95"]
    rows = next(iter(raw.values()))["p95"]
    milestones = results["milestones (JSON)"]["p95"]
    lines += ["", "| ratio of p95 | × |", "|---|---:|",
              f"| connectivity JSON ÷ raw SELECT of the measurements | {report / rows:.1f} |",
              f"| connectivity JSON ÷ milestones JSON | {report / milestones:.1f} |",
              f"| connectivity PDF ÷ connectivity JSON | {results['connectivity (PDF)']['p95'] / report:.1f} |",
              f"| connectivity XLSX ÷ connectivity JSON | {results['connectivity (XLSX)']['p95'] / report:.1f} |"]
    return lines


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fleet-bench-connectivity-") as tmp:
        url = args.pg or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        try:
            migrations.upgrade(engine)
            began = time.perf_counter()
            round_id = load(engine, args)
            loaded = time.perf_counter() - began
            national.refresh(engine)
            _, token, _ = admin(engine)
            app = make_app(url, tmp)
            client, auth = app.test_client(), {"Authorization": f"Bearer {token}"}

            def get(path: str):
                def call() -> int:
                    resp = client.get(path, headers=auth)
                    assert resp.status_code == 200, (path, resp.status_code, resp.get_data(as_text=True)[:300])
                    return len(resp.data)
                return call

            query = f"?as_of={args.as_of}&lang=lv"
            results = {"connectivity (JSON)": timed(get(f"/api/v1/reports/connectivity{query}"), args.runs),
                       "connectivity (PDF)": timed(get(f"/api/v1/reports/connectivity.pdf{query}"), args.runs),
                       "connectivity (XLSX)": timed(get(f"/api/v1/reports/connectivity.xlsx{query}"), args.runs),
                       "milestones (JSON)": timed(get(f"/api/v1/reports/milestones{query}"), args.runs)}
            body = client.get(f"/api/v1/reports/connectivity{query}", headers=auth).get_json()
            raw = raw_baselines(engine, round_id, date.fromisoformat(args.as_of), args.runs)
            app.extensions["fleet.engine"].dispose()
            counts = {"schools": args.schools, "founders": args.founders, "database": engine.dialect.name,
                      "measurements": args.schools * args.measurements}
            print(f"Loaded in {loaded:.1f} s. Diagnoses: {json.dumps(body['diagnoses'])}; "
                  f"the plan {body['total_cost']} EUR of a budget of {body['budget']} EUR.")
            print("\n".join(table(results, raw, counts, args)))
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
