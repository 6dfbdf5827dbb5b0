"""Benchmark: the programme's reports, lists, exports, the dashboard and the evidence pack on a national
fleet (``scripts.bench.national``), beside the bare SQL of the same aggregates run alone.

Method
  1. On the generated PostgreSQL database: refresh the roll-ups once (``fleet.reports.rollup.refresh``,
     timed), add an admin with an API token and a password, and serve the real app in this process
     (``fleet.app.create_app``, Flask's test client: no network, the app's own database pool).
  2. Every report that exists (``fleet.reports.names()``) as JSON, for every school and for one founder;
     every list (``fleet.reports.lists.LISTS``), likewise; each report's CSV and XLSX; the dashboard page
     ``/dashboard`` signed in through the login form. Each warmed up with 3 requests, then ``--requests``
     (default 30) one after another; p50 and p95. Anything not built yet is skipped with a note.
  3. The bare SQL, alone: the live count of the devices provided to the target group (what the milestones
     report would count without the roll-ups) and the roll-up read of the devices by status; the ratio of
     the endpoint's p95 to it.
  4. The evidence pack for one founder (``--founder``, default the first), written by
     ``fleet.evidence.writer`` in a subprocess of its own: devices per second, its peak memory
     (``ru_maxrss``) beside the pack's size.

Run from the repository's root: ``.venv/bin/python -m scripts.bench.reports --pg URL [--requests N]
[--founder CODE] [--no-pack] [--no-refresh]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fleet.db import make_engine
from fleet.models import Founder
from scripts.bench import national
from scripts.bench.harness import ROOT, percentile

TARGETS = {"report": 300, "list": 300, "export": None, "dashboard": 500}
LIVE_COUNT = """
SELECT count(*) FROM (SELECT device_id, min(id) AS loan_id FROM loans GROUP BY device_id) first
JOIN loans l ON l.id = first.loan_id
JOIN agreements a ON a.loan_id = l.id AND a.status = 'signed'
JOIN devices d ON d.id = l.device_id
LEFT JOIN contracts c ON c.id = d.contract_id
WHERE l.eligible AND c.funding_source IN (SELECT code FROM funding_sources WHERE programme)
  AND NOT EXISTS (SELECT 1 FROM other_fund_serials o WHERE o.serial = d.serial)"""
ROLLUP_READ = "SELECT key, sum(value) FROM rollup_counts WHERE metric = 'devices_by_status' GROUP BY key"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.reports", description=__doc__.split("\n")[0])
    p.add_argument("--pg", required=True, help="the generated PostgreSQL database's URL")
    p.add_argument("--requests", type=int, default=30, help="timed requests per endpoint")
    p.add_argument("--founder", help="the founder's code for the by-founder requests and the pack")
    p.add_argument("--target-date", default="2023-12-31", help="the evidence pack's cut-off")
    p.add_argument("--no-pack", dest="pack", action="store_false", help="skip the evidence pack")
    p.add_argument("--no-refresh", dest="refresh", action="store_false", help="use the roll-ups as they are")
    p.add_argument("--pack-worker", nargs=2, metavar=("PACK_ID", "PATH"), help=argparse.SUPPRESS)
    return p.parse_args(argv)


# --- the app and its readers --------------------------------------------------------------------

def make_app(url: str, tmp: str):
    from fleet.app import create_app
    from fleet.config import Config

    config = Config(env="production", database_url=url, secret_key=secrets.token_hex(20),
                    public_url="https://fleet.example.lv")
    return create_app(config, instance_path=tmp)


def admin(engine) -> tuple[str, str, str]:
    """A new admin: (name, API token, password)."""
    from fleet.access import auth

    name, password = f"bench-reports-{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    with Session(engine) as session:
        user = auth.add_user(session, name, "admin")
        auth.set_password(user, password)
        _, token = auth.create_token(session, name, "bench")
        session.commit()
    return name, token, password


def timed(get, path: str, n: int, headers: dict | None = None) -> dict:
    """3 warm-up requests, then ``n`` timed ones; p50/p95 in ms, the status seen, the body's bytes."""
    for _ in range(3):
        resp = get(path, headers=headers)
    times, status, size = [], resp.status_code, len(resp.data)
    for _ in range(n):
        t0 = time.perf_counter()
        resp = get(path, headers=headers)
        times.append(time.perf_counter() - t0)
        status = status if status != 200 else resp.status_code
    times.sort()
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "status": status, "bytes": size}


def endpoints(founder: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(kind, path) of everything built so far, and notes on what is not."""
    paths, notes = [], []
    try:
        from fleet.reports import names
        reports = names()
    except ImportError as e:
        reports, _ = [], notes.append(f"reports skipped: {e}")
    for name in reports:
        paths += [("report", f"/api/v1/reports/{name}"), ("report", f"/api/v1/reports/{name}?founder={founder}")]
    try:
        from fleet.reports.lists import LISTS
    except ImportError as e:
        LISTS, _ = {}, notes.append(f"lists skipped: {e}")  # noqa: N806
    for name in LISTS:
        path = f"/api/v1/reports/lists/{name}"
        paths += [("list", path), ("list", f"{path}?founder={founder}")]
    for name in reports:
        paths += [("export", f"/api/v1/reports/{name}.csv"), ("export", f"/api/v1/reports/{name}.xlsx")]
    paths.append(("dashboard", "/dashboard"))
    return paths, notes


def bare_sql(engine, runs: int = 5) -> dict[str, float]:
    """Each aggregate alone, ``runs`` times warm: the median in ms."""
    out = {}
    with engine.connect() as conn:
        for name, sql in [("live count of the provided devices", LIVE_COUNT),
                          ("roll-up read (by status)", ROLLUP_READ)]:
            conn.execute(text(sql)).all()
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                conn.execute(text(sql)).all()
                times.append(time.perf_counter() - t0)
            out[name] = sorted(times)[len(times) // 2] * 1000
    return out


# --- the evidence pack ------------------------------------------------------------------------

def pack_worker(pack_id: int, path: str, url: str) -> None:
    """In a process of its own: write the pack; print JSON with the time, devices and peak memory."""
    from fleet.evidence import writer

    engine, seen = make_engine(url), {}
    began = time.perf_counter()
    with Session(engine) as session:
        size, _ = writer.write(session, pack_id, Path(path), lambda **values: seen.update(values))
    print(json.dumps({"seconds": time.perf_counter() - began, "devices": seen.get("written") or seen.get("counted"),
                      "bytes": size, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def evidence_pack(engine, url: str, founder: str, target: date, tmp: str) -> dict | str:
    try:
        from fleet.evidence import jobs
    except ImportError as e:
        return f"evidence pack skipped: {e}"
    with Session(engine) as session:
        pack = jobs.queue(session, "bench", target, founder)
        session.commit()
        pack_id = pack.id
    done = subprocess.run([sys.executable, "-m", "scripts.bench.reports", "--pg", url, "--pack-worker", str(pack_id),
                           str(Path(tmp) / "pack.zip")], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        return f"evidence pack failed: {done.stderr[-1500:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the run ----------------------------------------------------------------------------------

def table(results: list, bare: dict, refreshed: float | None, pack, notes: list[str], n: int) -> list[str]:
    lines = [f"Reports on the national fleet: {n} timed requests each, warm, in-process (Flask's test client).", "",
             "| endpoint | p50 ms | p95 ms | target p95 | met | status | bytes |", "|---|---:|---:|---:|:-:|---:|---:|"]
    for kind, path, r in results:
        target = TARGETS[kind]
        met = "–" if target is None else "yes" if r["p95"] < target and r["status"] == 200 else "NO"
        lines.append(f"| `{path}` | {r['p50']:.1f} | {r['p95']:.1f} | {target or '–'} | {met} | {r['status']} "
                     f"| {r['bytes']:,} |")
    lines += ["", "| bare SQL, alone | median ms |", "|---|---:|"]
    lines += [f"| {name} | {ms:.1f} |" for name, ms in bare.items()]
    milestones = next((r for _, p, r in results if p == "/api/v1/reports/milestones"), None)
    live = bare.get("live count of the provided devices")
    if milestones and live:
        lines.append(f"\nMilestones endpoint p95 ÷ the live count alone: {milestones['p95'] / live:.2f} "
                     "(the endpoint reads the roll-ups; the live count scans the loans).")
    if refreshed is not None:
        lines.append(f"Roll-up refresh: {refreshed:.1f} s.")
    if isinstance(pack, dict):
        rate = (pack["devices"] or 0) / pack["seconds"] if pack["seconds"] else 0
        lines.append(f"Evidence pack (one founder): {pack['devices']:,} devices in {pack['seconds']:.1f} s "
                     f"({rate:,.0f} devices/s), {pack['bytes'] / 2**20:.1f} MiB; the worker's peak memory "
                     f"(ru_maxrss) {pack['maxrss_kb'] / 1024:.0f} MiB.")
    elif pack:
        notes.append(pack)
    return lines + [f"Note: {note}" for note in notes]


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.pack_worker:
        pack_id, path = args.pack_worker
        return pack_worker(int(pack_id), path, args.pg)
    engine = make_engine(args.pg)
    try:
        refreshed = national.refresh(engine) if args.refresh else None
        with Session(engine) as session:
            founder = args.founder or session.scalar(select(Founder.code).order_by(Founder.id).limit(1))
        name, token, password = admin(engine)
        with tempfile.TemporaryDirectory(prefix="fleet-bench-reports-") as tmp:
            app = make_app(args.pg, tmp)
            api, web = app.test_client(), app.test_client()
            from tests.conftest import sign_in  # the login form, as a browser fills it

            sign_in(web, name, password)
            paths, notes = endpoints(founder)
            results = []
            for kind, path in paths:
                client, headers = (web, None) if kind == "dashboard" else (api, {"Authorization": f"Bearer {token}"})
                r = timed(client.get, path, args.requests, headers)
                if r["status"] == 404 and kind == "dashboard":
                    notes.append("/dashboard not served yet: skipped")
                    continue
                results.append((kind, path, r))
            bare = bare_sql(engine)
            pack = (evidence_pack(engine, args.pg, founder, date.fromisoformat(args.target_date), tmp)
                    if args.pack else None)
            app.extensions["fleet.engine"].dispose()
        print("\n".join(table(results, bare, refreshed, pack, notes, args.requests)))
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
