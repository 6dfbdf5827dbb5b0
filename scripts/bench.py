"""Benchmark: how fast Fleet records a scan, beside a bare baseline on the same stack.

Method
  1. Create a scratch PostgreSQL database (``fleet_bench_<pid>``, dropped at the end, also on
     error, Ctrl-C or SIGTERM), migrate it with Fleet's Alembic migrations, and COPY in N devices
     (default 100,000) that were registered and received: status ``in_warehouse``, an asset tag,
     and a valid two-event history (``register``, ``receive``) hashed with ``fleet.history``.
     Add one admin user with an API token; VACUUM ANALYZE and CHECKPOINT before measuring.
  2. Serve the real app (``fleet.app:create_app()``) and the baseline (``bench_baseline.py``: lock
     the row by serial, update it, insert an event, one transaction) with identical gunicorn
     settings — Fleet's threaded worker (``fleet/serving.py``) with an access log, as ``fleet serve``
     runs them — each on a free loopback port, both on the scratch database with the pool from
     ``fleet.db.make_engine``.
  3. This process is the load generator; the servers are separate processes. Every request is
     ``POST /api/v1/scan {"code": serial, "action": "image", "image": <unique>}`` with a bearer
     token, for a random device, on a persistent connection (http.client, one per thread). A
     re-image is a valid self-loop, and the unique image name avoids the double-scan shortcut.
       peak:  C clients in a closed loop (default 16); after a warm-up, successful scans per
              second over a fixed duration.
       open:  an offered load of R scans/s (default 50) from S stations (default 50, so one scan
              per second each). Scan i is due at t0 + i/R and its latency counts from that due
              time, so a server that falls behind cannot hide its queue (no coordinated omission).
     Each phase runs for both servers in the same run, in rounds (default 5) whose order
     alternates (Fleet first, then the baseline first, …); the table shows the median round of
     each. The peak target is judged on the median of the rounds' own ratios (Fleet ÷ the
     baseline run right next to it): the machine's speed drifts between rounds, and a pair
     measured back to back shares the drift.
  4. Print a Markdown table: Fleet, baseline, their ratio, the target and whether it is met.
     Every answer other than 200 is an error; the table counts them and lists what they said.
  5. Then, after another VACUUM ANALYZE and CHECKPOINT (the scans' clean-up must not fall into
     it), the manifest workload (``bench_manifest.py``): a 30,000-row CSV manifest imported end
     to end, beside a bare executemany of the same rows into the same tables; then 2,000 of
     those laptops received by scan against the served Fleet, 16 stations at once.
  6. Then the print shop (``bench_labels.py``: 1,000 labels beside reportlab's widgets and qrcode
     PNGs; ``bench_loans.py``: a class of 30 agreements, and a class hand-out end to end).
  7. Then hostile load (``bench_hostile.py``: ``fleet serve`` beside the same app under gunicorn's
     stock gthread worker, with 16 stalled connections, oversized bodies and image and PDF bombs:
     whether ``/healthz`` and scans still answer, and the workers' memory before and after).

Run: ``.venv/bin/python scripts/bench.py [--devices N] [--duration S] [--clients C] [--rate R]``
(``--no-documents``, ``--no-hostile``: without steps 6 or 7).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from fleet import history, migrations
from fleet.access import auth
from fleet.asset_tags import format_tag
from fleet.db import make_engine
from fleet.models import Device, Event, utcnow

SCRIPTS = Path(__file__).resolve().parent
APPS = {"Fleet": "fleet.app:create_app()", "baseline": "bench_baseline:create_app()"}


def serial(i: int) -> str:
    return f"BENCH{i:08d}"  # no dashes: the resolver never takes it for an asset tag


# --- the scratch database ------------------------------------------------------------------

def run_admin_sql(base_url: str, sql: str) -> None:
    engine = create_engine(f"{base_url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


COPY_DEVICES = ("COPY devices (id, serial, asset_tag, manufacturer, model, status, created_at,"
                " updated_at, history_head, history_length) FROM STDIN")
COPY_EVENTS = "COPY events (device_id, seq, action, from_status, to_status, at, actor, data, hash) FROM STDIN"


def load_devices(engine, n: int, prefix: str = "DIB") -> None:
    """COPY n received devices, each with a valid register → receive history; then VACUUM ANALYZE."""
    now, devices, events = utcnow(), [], []
    for i in range(1, n + 1):
        s, tag, head = serial(i), format_tag(prefix, i), ""
        for seq, (action, frm, to, data) in enumerate([
            ("register", None, "expected", {"manufacturer": "Bench", "model": "B1"}),
            ("receive", "expected", "in_warehouse", {"asset_tag": tag}),
        ], start=1):
            ev = SimpleNamespace(seq=seq, action=action, from_status=frm, to_status=to, at=now,
                                 actor="bench", data=data, nonce=None)
            head = history.chain_hash(head, ev, s)
            events.append((i, seq, action, frm, to, now, "bench", json.dumps(data), head))
        devices.append((i, s, tag, "Bench", "B1", "in_warehouse", now, now, head, 2))
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for sql, rows in [(COPY_DEVICES, devices), (COPY_EVENTS, events)]:
            with cur.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        cur.execute("SELECT setval(pg_get_serial_sequence('devices', 'id'), %s)", (n,))
        cur.execute("SELECT setval('asset_tag_seq', %s)", (n,))
        raw.commit()
    finally:
        raw.close()
    settle(engine)


def settle(engine) -> None:
    """VACUUM ANALYZE and CHECKPOINT: the clean-up and the writes of one workload (the load, the
    scans) must not fall into the next one's measurement."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:  # for VACUUM
        conn.execute(text("VACUUM ANALYZE"))
        conn.execute(text("CHECKPOINT"))


def create_admin_token(engine) -> str:
    with Session(engine) as s:
        auth.add_user(s, "bench", "admin")
        _, token = auth.create_token(s, "bench", "bench")
        s.commit()
    return token


def verify_sample(engine, size: int = 500) -> tuple[int, list[str]]:
    """Check the hash chains of the most-scanned devices and of a random sample."""
    with Session(engine) as s:
        ids = set(s.scalars(select(Device.id).order_by(Device.history_length.desc()).limit(size)))
        ids |= set(s.scalars(select(Device.id).order_by(text("random()")).limit(size)))
        broken = []
        for d in s.scalars(select(Device).where(Device.id.in_(ids))).unique():
            events = list(s.scalars(select(Event).where(Event.device_id == d.id).order_by(Event.seq)))
            if (b := history.verify_device(d, events)) is not None:
                broken.append(str(b))
    return len(ids), broken


# --- the servers ---------------------------------------------------------------------------

def start_server(app: str, env: dict, args, tmp: str) -> SimpleNamespace:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = Path(tmp) / f"{app.split(':')[0]}.log"
    cmd = [sys.executable, "-m", "gunicorn", "--pythonpath", str(SCRIPTS), "--bind", f"127.0.0.1:{port}",
           "--worker-class", "fleet.serving.BufferingWorker", "--workers", str(args.workers),
           "--threads", str(args.threads), "--access-logfile", "-", "--no-control-socket", app]
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = SimpleNamespace(port=port, log=log, proc=proc)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"{app} did not start:\n{log.read_text()[-3000:]}")


def stop_server(server: SimpleNamespace) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()  # gunicorn stops its workers gracefully
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()


# --- the load generator ------------------------------------------------------------------------

class Station:
    """One client on a persistent connection, sending re-image scans."""

    def __init__(self, port: int, token: str, devices: int, name: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # connects on first use
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.devices, self.name, self.sent, self.rng = devices, name, 0, random.Random(name)

    def scan(self) -> tuple[int, str]:
        self.sent += 1
        body = {"code": serial(self.rng.randint(1, self.devices)), "action": "image",
                "image": f"{self.name}-{self.sent}"}
        try:
            self.conn.request("POST", "/api/v1/scan", json.dumps(body), self.headers)
            resp = self.conn.getresponse()
            payload = resp.read()
            return resp.status, "" if resp.status == 200 else payload[:200].decode(errors="replace")
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()  # reconnects on the next request
            return 0, repr(e)[:200]


def run_threads(count: int, target) -> list:
    """``target(i)`` in ``count`` threads; their return values."""
    results = [None] * count

    def run(i):
        results[i] = target(i)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def closed_loop(port, token, args, tag) -> dict:
    """Peak throughput: successful scans per second completed between warm-up and stop."""
    start = time.perf_counter() + 0.5
    measure_from = start + args.warmup
    stop = measure_from + args.duration

    def client(i):
        station, ok, errors = Station(port, token, args.devices, f"{tag}-c{i}"), [], Counter()
        time.sleep(max(0.0, start - time.perf_counter()))
        while (t0 := time.perf_counter()) < stop:
            status, error = station.scan()
            t1 = time.perf_counter()
            if status != 200:
                errors[(status, error)] += 1
            elif measure_from <= t1 < stop:
                ok.append(t1 - t0)
        return ok, errors

    cpu, began = time.process_time(), time.perf_counter()
    result = summarise(run_threads(args.clients, client), args.duration)
    result["client_cpu"] = (time.process_time() - cpu) / (time.perf_counter() - began)
    return result


def open_loop(port, token, args, tag) -> dict:
    """Latency at a fixed offered load, each scan measured from its due time."""
    total, t0 = int(args.rate * args.duration), time.perf_counter() + 1.0

    def station_loop(s):
        station, latencies, errors = Station(port, token, args.devices, f"{tag}-s{s}"), [], Counter()
        try:
            station.conn.connect()  # before the first due time: connecting is not measured
        except OSError:
            pass  # the first scan tries again and reports the failure
        for i in range(s, total, args.stations):
            due = t0 + i / args.rate
            time.sleep(max(0.0, due - time.perf_counter()))
            status, error = station.scan()
            latencies.append(time.perf_counter() - due)
            if status != 200:
                errors[(status, error)] += 1
        return latencies, errors

    per_station = run_threads(args.stations, station_loop)
    return summarise(per_station, max(time.perf_counter() - t0, 1e-9))


def summarise(per_thread: list, seconds: float) -> dict:
    latencies = sorted(x for lat, _ in per_thread for x in lat)
    return {"rate": len(latencies) / seconds, "errors": sum((e for _, e in per_thread), Counter()),
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile in milliseconds; NaN when nothing was measured."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000 if ordered else math.nan


def measure(servers: dict, token: str, args) -> dict:
    """Every phase in ``args.rounds`` rounds, the two servers' order alternating (A B, B A, …) so
    neither always runs first; per phase, the median round (by rate, or by p99 for latency) with
    the errors of all rounds."""
    runs = {name: {"peak": [], "open": []} for name in servers}
    names = list(servers)
    for r in range(args.rounds):
        for phase, run in (("peak", closed_loop), ("open", open_loop)):
            for name in names if r % 2 == 0 else names[::-1]:
                print(f"{name}: {phase}, round {r + 1} …", file=sys.stderr)
                runs[name][phase].append(run(servers[name].port, token, args, f"{name}-{phase}-{r}"))
                if servers[name].proc.poll() is not None:
                    raise RuntimeError(f"the {name} server exited:\n{servers[name].log.read_text()[-3000:]}")
    return {name: {"peak": _median(runs[name]["peak"], "rate"), "open": _median(runs[name]["open"], "p99")}
            for name in names}


def _median(rounds: list[dict], key: str) -> dict:
    chosen = dict(sorted(rounds, key=lambda r: r[key])[len(rounds) // 2])
    chosen["errors"] = sum((r["errors"] for r in rounds), Counter())
    chosen["all"] = [r[key] for r in rounds]  # in round order
    return chosen


# --- the report --------------------------------------------------------------------------------

def report(args, res: dict) -> list[str]:
    f, b = res["Fleet"], res["baseline"]
    errors = {k: sum(res[k]["peak"]["errors"].values()) + sum(res[k]["open"]["errors"].values()) for k in res}
    paired = sorted(_paired(res))
    peak_ratio = paired[len(paired) // 2]

    def row(metric, phase, key, fmt, target="—", met="—"):
        x, y = f[phase][key], b[phase][key]
        ratio = f"{x / y:.2f}" if y and not math.isnan(x / y) else "—"
        return (metric, format(x, fmt), format(y, fmt), ratio, target, met)

    rows = [
        ("metric", "Fleet", "baseline", "ratio", "target", "met?"), ("---",) * 6,
        row(f"peak scans/s ({args.clients} clients), median round", "peak", "rate", ".0f"),
        ("peak ratio, round by round (median)", "—", "—", f"{peak_ratio:.2f}", "≥ 0.70",
         "yes" if peak_ratio >= 0.70 else "NO"),
        row("p50 latency at peak (ms)", "peak", "p50", ".1f"),
        row(f"p50 latency at {args.rate:g} scans/s (ms)", "open", "p50", ".1f"),
        row(f"p99 latency at {args.rate:g} scans/s (ms)", "open", "p99", ".1f",
            "< 30 ms", "yes" if f["open"]["p99"] < 30 else "NO"),
        ("errors (non-200), all phases", str(errors["Fleet"]), str(errors["baseline"]), "—", "0",
         "yes" if not any(errors.values()) else "NO"),
    ]
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    for name in res:
        for phase in ("peak", "open"):
            for (status, message), count in res[name][phase]["errors"].most_common(5):
                lines.append(f"- {name}, {phase}: {count} × HTTP {status or 'no answer'}: {message}")
    if any(errors.values()):
        lines.append("\n**This run had errors: the figures above are not clean.**")
    return lines


def _rounds(phase: dict) -> str:
    return "/".join(f"{x:.0f}" for x in phase["all"])


def _paired(res: dict) -> list[float]:
    """Fleet ÷ baseline within each round, in round order: the two ran back to back, so a machine
    whose speed drifts between rounds (these do, by ±30 %) moves both. The target is judged on
    their median."""
    return [f / b if b else math.nan for f, b in zip(res["Fleet"]["peak"]["all"], res["baseline"]["peak"]["all"],
                                                     strict=True)]


def configuration(args, res: dict, engine, checked: int, broken: list[str]) -> str:
    pool = engine.pool
    return (
        f"Configuration: {args.devices} devices; both servers gunicorn, Fleet's threaded worker, "
        f"{args.workers} workers × {args.threads} threads, engine from fleet.db.make_engine (pool_size "
        f"{pool.size()}, max_overflow {pool._max_overflow}, pre-ping {'on' if pool._pre_ping else 'off'}); "
        f"peak: {args.clients} closed-loop clients, {args.warmup:g} s warm-up + {args.duration:g} s, "
        f"median of {args.rounds} rounds "
        f"(Fleet {_rounds(res['Fleet']['peak'])}, baseline {_rounds(res['baseline']['peak'])} scans/s; "
        f"each round's ratio, the two servers back to back: {'/'.join(f'{r:.2f}' for r in _paired(res))}); "
        f"latency: {args.rate:g} "
        f"scans/s offered by {args.stations} stations for {args.duration:g} s (achieved "
        f"{res['Fleet']['open']['rate']:.1f} and {res['baseline']['open']['rate']:.1f}/s); "
        f"{os.cpu_count()} CPUs shared by both servers, PostgreSQL and this client (which used "
        f"{res['Fleet']['peak']['client_cpu']:.0%} and {res['baseline']['peak']['client_cpu']:.0%} of one "
        f"CPU in the peak phases). Hash chains of {checked} devices checked afterwards: {len(broken)} broken"
        + (f" (first: {broken[0]})." if broken else "."))


# --- main ---------------------------------------------------------------------------------------

def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--devices", type=int, default=100_000)
    p.add_argument("--duration", type=float, default=10, help="seconds per measured phase")
    p.add_argument("--rounds", type=int, default=5, help="rounds of every phase, order alternating")
    p.add_argument("--manifest-rows", type=int, default=30_000, help="rows of the manifest import (0: skip)")
    p.add_argument("--no-documents", dest="documents", action="store_false",
                   help="skip the labels and agreements benchmarks (bench_labels.py, bench_loans.py)")
    p.add_argument("--no-hostile", dest="hostile", action="store_false",
                   help="skip the hostile-load benchmark (bench_hostile.py)")
    p.add_argument("--warmup", type=float, default=3, help="seconds of closed-loop warm-up")
    p.add_argument("--clients", type=int, default=16, help="closed-loop clients for the peak")
    p.add_argument("--rate", type=float, default=50, help="offered scans/s for the latency phase")
    p.add_argument("--stations", type=int, default=50, help="connections sharing the offered load")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers, both servers")
    p.add_argument("--threads", type=int, default=4, help="threads per worker, both servers")
    p.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432",
                   help="PostgreSQL server URL, without a database name")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the clean-up below runs
    began, base = time.monotonic(), args.pg_url.rstrip("/")
    name = f"fleet_bench_{os.getpid()}"
    run_admin_sql(base, f'CREATE DATABASE "{name}"')
    servers, tmp, engine = {}, tempfile.TemporaryDirectory(prefix="fleet-bench-"), None
    try:
        engine = make_engine(f"{base}/{name}")
        migrations.upgrade(engine)
        load_devices(engine, args.devices)
        token = create_admin_token(engine)
        print(f"loaded {args.devices} devices in {time.monotonic() - began:.1f} s", file=sys.stderr)
        env = {**os.environ, "FLEET_DATABASE_URL": f"{base}/{name}", "FLEET_ENV": "production",
               "FLEET_SECRET_KEY": secrets.token_hex(20), "FLEET_INSTANCE_PATH": tmp.name,
               "FLEET_PUBLIC_URL": "https://fleet.example.lv"}
        for app_name, app in APPS.items():
            servers[app_name] = start_server(app, env, args, tmp.name)
        res = measure(servers, token, args)
        checked, broken = verify_sample(engine)
        print("\n".join(report(args, res) + ["", configuration(args, res, engine, checked, broken)]))
        if args.manifest_rows:
            import bench_manifest

            port = servers["Fleet"].port
            settle(engine)
            print("\n" + "\n".join(bench_manifest.run(f"{base}/{name}", engine, args.manifest_rows, port)))
        if args.documents:  # the print shop's workloads need no server: run after the servers stop
            for server in servers.values():
                stop_server(server)
            servers.clear()
            for script in ("bench_labels.py", "bench_loans.py"):
                subprocess.run([sys.executable, str(Path(__file__).parent / script)], check=False)
        if args.hostile:  # serves its own SQLite database, one server at a time: after the others stop
            for server in servers.values():
                stop_server(server)
            servers.clear()
            subprocess.run([sys.executable, str(Path(__file__).parent / "bench_hostile.py")], check=False)
        print(f"\nTotal run time {time.monotonic() - began:.0f} s.")
    finally:
        for server in servers.values():
            stop_server(server)
        if engine is not None:
            engine.dispose()
        run_admin_sql(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        tmp.cleanup()


if __name__ == "__main__":
    main()
