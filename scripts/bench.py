"""Benchmark: how fast Fleet records a scan, beside a bare baseline on the same stack.

Method
  1. Create a scratch PostgreSQL database (``fleet_bench_<pid>``, dropped at the end, also on
     error or Ctrl-C), migrate it with Fleet's Alembic migrations, and COPY in N devices
     (default 100,000) that were registered and received: status ``in_warehouse``, an asset tag,
     and a valid two-event history (``register``, ``receive``) hashed with ``fleet.history``.
     Add one admin user with an API token; VACUUM ANALYZE and CHECKPOINT before measuring.
  2. Serve the real app (``fleet.app:create_app()``) and the baseline
     (``scripts/bench_baseline.py``: lock the row by serial, update it, insert an event, one
     transaction) under identical gunicorn settings — gthread workers, as ``fleet serve`` runs
     them, access log included — each on a free loopback port, both against the scratch database.
  3. This process is the load generator (the servers are separate processes). Every request is
     ``POST /api/v1/scan {"code": serial, "action": "image", "image": <unique>}`` with a bearer
     token, on a random device, over a persistent connection (http.client, one per thread). A
     re-image is a valid self-loop and the unique image name avoids the double-scan shortcut.
       peak:  C clients in a closed loop (default 16); after a warm-up, successful scans per
              second over a fixed duration.
       open:  an offered load of R scans/s (default 50), spread over S stations (default 50,
              one scan per second each). Request i is due at t0 + i/R; latency is measured from
              that due time, so a slow server cannot hide its queueing (no coordinated omission).
  4. Print a Markdown table: Fleet, baseline, their ratio, the target and whether it is met.
     Any non-200 answer counts as an error and is reported.

Run: ``.venv/bin/python scripts/bench.py [--devices 100000] [--duration 15] [--clients 16]``.
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

from fleet import auth, history, migrations
from fleet.asset_tags import format_tag
from fleet.db import make_engine
from fleet.models import Device, Event, utcnow

SCRIPTS = Path(__file__).resolve().parent
APPS = {"Fleet": "fleet.app:create_app()", "baseline": "bench_baseline:create_app()"}


def serial(i: int) -> str:
    return f"BENCH{i:08d}"  # no dashes, so the resolver never mistakes it for an asset tag


# --- the scratch database ------------------------------------------------------------------

def admin_engine(base_url: str):
    return create_engine(f"{base_url}/postgres", isolation_level="AUTOCOMMIT")


def create_database(base_url: str, name: str) -> None:
    with admin_engine(base_url).connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))


def drop_database(base_url: str, name: str) -> None:
    with admin_engine(base_url).connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def load_devices(engine, n: int, prefix: str = "DIB") -> None:
    """COPY n received devices, each with a valid register → receive history."""
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
        with cur.copy("COPY devices (id, serial, asset_tag, manufacturer, model, status, created_at,"
                      " updated_at, history_head, history_length) FROM STDIN") as copy:
            for row in devices:
                copy.write_row(row)
        with cur.copy("COPY events (device_id, seq, action, from_status, to_status, at, actor, data,"
                      " hash) FROM STDIN") as copy:
            for row in events:
                copy.write_row(row)
        cur.execute("SELECT setval(pg_get_serial_sequence('devices', 'id'), %s)", (n,))
        cur.execute("SELECT setval('asset_tag_seq', %s)", (n,))
        raw.commit()
    finally:
        raw.close()


def create_admin_token(engine) -> str:
    with Session(engine) as s:
        auth.add_user(s, "bench", "admin")
        _, token = auth.create_token(s, "bench", "bench")
        s.commit()
    return token


def settle(engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        conn.execute(text("CHECKPOINT"))


def verify_sample(engine, size: int = 500) -> tuple[int, list[str]]:
    """Check the hash chains of the most-scanned devices and a random sample of the rest."""
    with Session(engine) as s:
        busiest = select(Device.id).order_by(Device.history_length.desc()).limit(size)
        ids = set(s.scalars(busiest)) | set(s.scalars(select(Device.id).order_by(text("random()")).limit(size)))
        broken = []
        for d in s.scalars(select(Device).where(Device.id.in_(ids))).unique():
            evs = list(s.scalars(select(Event).where(Event.device_id == d.id).order_by(Event.seq)))
            if (b := history.verify_device(d, evs)) is not None:
                broken.append(str(b))
    return len(ids), broken


# --- the servers ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(app: str, port: int, env: dict, workers: int, threads: int, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "--pythonpath", str(SCRIPTS), "--bind", f"127.0.0.1:{port}",
           "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
           "--access-logfile", "-", app]
    return subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def wait_ready(proc: subprocess.Popen, port: int, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start:\n{log.read_text()[-3000:]}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # gunicorn: graceful shutdown of the master and its workers
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- the load generator ------------------------------------------------------------------------

class Station:
    """One client with a persistent connection that sends re-image scans."""

    def __init__(self, port: int, token: str, devices: int, name: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.connect()
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
            return 0, repr(e)


def run_threads(count: int, target) -> None:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def closed_loop(port, token, devices, clients, warmup, duration, tag) -> dict:
    """Peak throughput: successful scans/s completed in [warm-up end, stop)."""
    done, errors = [], Counter()
    start = time.perf_counter() + 0.5
    measure_from, stop = start + warmup, start + warmup + duration

    def client(i):
        station = Station(port, token, devices, f"{tag}-c{i}")
        while time.perf_counter() < start:
            time.sleep(0.01)
        while (t0 := time.perf_counter()) < stop:
            status, error = station.scan()
            t1 = time.perf_counter()
            if status != 200:
                errors[(status, error)] += 1
            if measure_from <= t1 < stop:
                done.append((status, t1 - t0))

    run_threads(clients, client)
    ok = [lat for status, lat in done if status == 200]
    return {"rate": len(ok) / duration, "errors": errors, **percentiles(ok)}


def open_loop(port, token, devices, rate, stations, duration, tag) -> dict:
    """Latency at a fixed offered load, from each request's due time."""
    total, done, errors = int(rate * duration), [], Counter()
    t0 = time.perf_counter() + 1.0

    def station_loop(s):
        station = Station(port, token, devices, f"{tag}-s{s}")
        for i in range(s, total, stations):
            due = t0 + i / rate
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            status, error = station.scan()
            done.append((status, time.perf_counter() - due))
            if status != 200:
                errors[(status, error)] += 1

    run_threads(stations, station_loop)
    elapsed = time.perf_counter() - t0
    return {"rate": len(done) / elapsed, "errors": errors, **percentiles([lat for _, lat in done])}


def percentiles(latencies: list[float]) -> dict:
    ordered = sorted(latencies) or [math.nan]
    rank = lambda p: ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000  # noqa: E731
    return {"p50": rank(50), "p99": rank(99)}


# --- the report --------------------------------------------------------------------------------

def report(args, config: str, res: dict) -> str:
    f, b = res["Fleet"], res["baseline"]
    errs = {k: sum(res[k]["peak"]["errors"].values()) + sum(res[k]["open"]["errors"].values()) for k in res}
    ratio = lambda x, y: f"{x / y:.2f}" if y else "—"  # noqa: E731
    peak_ratio = f["peak"]["rate"] / b["peak"]["rate"] if b["peak"]["rate"] else 0
    rows = [
        ("metric", "Fleet", "baseline", "ratio", "target", "met?"),
        ("---",) * 6,
        (f"peak scans/s, {args.clients} clients", f"{f['peak']['rate']:.0f}", f"{b['peak']['rate']:.0f}",
         ratio(f["peak"]["rate"], b["peak"]["rate"]), "≥ 0.70 × baseline", "yes" if peak_ratio >= 0.70 else "NO"),
        (f"p50 latency at peak (ms)", f"{f['peak']['p50']:.1f}", f"{b['peak']['p50']:.1f}",
         ratio(f["peak"]["p50"], b["peak"]["p50"]), "—", "—"),
        (f"p50 latency at {args.rate:g} scans/s (ms)", f"{f['open']['p50']:.1f}", f"{b['open']['p50']:.1f}",
         ratio(f["open"]["p50"], b["open"]["p50"]), "—", "—"),
        (f"p99 latency at {args.rate:g} scans/s (ms)", f"{f['open']['p99']:.1f}", f"{b['open']['p99']:.1f}",
         ratio(f["open"]["p99"], b["open"]["p99"]), "< 30 ms", "yes" if f["open"]["p99"] < 30 else "NO"),
        ("errors (non-200), all phases", str(errs["Fleet"]), str(errs["baseline"]), "—", "0",
         "yes" if errs["Fleet"] == 0 else "NO"),
    ]
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines += ["", config]
    for name in res:
        for phase in ("peak", "open"):
            for (status, message), count in res[name][phase]["errors"].most_common(5):
                lines.append(f"- {name} {phase}: {count} × HTTP {status}: {message}")
    if any(errs.values()):
        lines.append("\n**This run had errors; its figures are not clean.**")
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------------

def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--devices", type=int, default=100_000)
    p.add_argument("--duration", type=float, default=15, help="seconds per measured phase")
    p.add_argument("--warmup", type=float, default=3, help="seconds of closed-loop warm-up")
    p.add_argument("--clients", type=int, default=16, help="closed-loop clients for the peak")
    p.add_argument("--rate", type=float, default=50, help="offered scans/s for the latency phase")
    p.add_argument("--stations", type=int, default=50, help="connections sharing the offered load")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (both servers)")
    p.add_argument("--threads", type=int, default=4, help="threads per worker (both servers)")
    p.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432",
                   help="server URL without a database name")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the clean-up below still runs
    name, began = f"fleet_bench_{os.getpid()}", time.monotonic()
    url = f"{args.pg_url.rstrip('/')}/{name}"
    create_database(args.pg_url, name)
    servers, tmp = [], tempfile.TemporaryDirectory(prefix="fleet-bench-")
    try:
        engine = make_engine(url)
        migrations.upgrade(engine)
        load_devices(engine, args.devices)
        token = create_admin_token(engine)
        settle(engine)
        print(f"loaded {args.devices} devices in {time.monotonic() - began:.1f} s", file=sys.stderr)

        env = {**os.environ, "FLEET_DATABASE_URL": url, "FLEET_ENV": "production",
               "FLEET_SECRET_KEY": secrets.token_hex(20), "FLEET_INSTANCE_PATH": tmp.name}
        ports = {}
        for app_name, app in APPS.items():
            ports[app_name], log = free_port(), Path(tmp.name) / f"{app_name}.log"
            servers.append(start_server(app, ports[app_name], env, args.workers, args.threads, log))
            wait_ready(servers[-1], ports[app_name], log)

        res = {app_name: {} for app_name in APPS}
        for app_name, port in ports.items():
            print(f"{app_name}: peak, {args.clients} clients …", file=sys.stderr)
            res[app_name]["peak"] = closed_loop(port, token, args.devices, args.clients, args.warmup,
                                                args.duration, f"{app_name}-peak")
        for app_name, port in ports.items():
            print(f"{app_name}: open loop at {args.rate:g}/s …", file=sys.stderr)
            res[app_name]["open"] = open_loop(port, token, args.devices, args.rate, args.stations,
                                              args.duration, f"{app_name}-open")

        checked, broken = verify_sample(engine)
        config = (f"Configuration: {args.devices} devices; gunicorn gthread, {args.workers} workers × "
                  f"{args.threads} threads per server; pool {engine.pool.size()}+{engine.pool._max_overflow} "
                  f"per worker; peak: {args.warmup:g} s warm-up + {args.duration:g} s; open loop: "
                  f"{args.rate:g} scans/s over {args.stations} stations for {args.duration:g} s "
                  f"(achieved {res['Fleet']['open']['rate']:.1f} / {res['baseline']['open']['rate']:.1f}/s); "
                  f"{os.cpu_count()} CPUs shared by servers, PostgreSQL and client. "
                  f"Hash chains: {checked} devices checked, {len(broken)} broken"
                  + (f" (first: {broken[0]})" if broken else "") + ".")
        engine.dispose()
        print(report(args, config, res))
        print(f"\ntotal run time {time.monotonic() - began:.0f} s", file=sys.stderr)
    finally:
        for proc in servers:
            stop_server(proc)
        drop_database(args.pg_url, name)
        tmp.cleanup()


if __name__ == "__main__":
    main()
