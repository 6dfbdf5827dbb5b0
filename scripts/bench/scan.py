"""The scan workload: N received devices COPYed into the scratch database, Fleet and the bare
baseline (``baseline_app``) served by gunicorn with Fleet's worker, and re-image scans against both —
the peak in a closed loop, the latency at an offered load — in rounds whose order alternates.
``python -m scripts.bench`` runs it (the method is described there) and the workloads after it.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fleet import history
from fleet.access import auth
from fleet.asset_tags import format_tag
from fleet.models import Device, Event, utcnow
from scripts.bench.harness import ROOT, free_port, percentile, run_threads, settle, start_server, stop_process

APPS = {"Fleet": "fleet.app:create_app()", "baseline": "scripts.bench.baseline_app:create_app()"}


def serial(i: int) -> str:
    return f"BENCH{i:08d}"  # no dashes: the resolver never takes it for an asset tag


# --- the scratch database ------------------------------------------------------------------


COPY_DEVICES = ("COPY devices (id, serial, asset_tag, manufacturer, model, status, created_at,"
                " updated_at, history_head, history_length) FROM STDIN")
COPY_EVENTS = "COPY events (device_id, seq, action, from_status, to_status, at, actor, data, hash) FROM STDIN"


def load_devices(engine, n: int, prefix: str = "DIB") -> None:
    """COPY n received devices, each with a valid register → receive history; then VACUUM ANALYZE."""
    now, devices, events = utcnow(), [], []
    for i in range(1, n + 1):
        device_serial, tag, head = serial(i), format_tag(prefix, i), ""
        for seq, (action, frm, to, data) in enumerate([
            ("register", None, "expected", {"manufacturer": "Bench", "model": "B1"}),
            ("receive", "expected", "in_warehouse", {"asset_tag": tag}),
        ], start=1):
            ev = SimpleNamespace(seq=seq, action=action, from_status=frm, to_status=to, at=now,
                                 actor="bench", data=data, nonce=None)
            head = history.chain_hash(head, ev, device_serial)
            events.append((i, seq, action, frm, to, now, "bench", json.dumps(data), head))
        devices.append((i, device_serial, tag, "Bench", "B1", "in_warehouse", now, now, head, 2))
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


def create_admin_token(engine) -> str:
    with Session(engine) as session:
        auth.add_user(session, "bench", "admin")
        _, token = auth.create_token(session, "bench", "bench")
        session.commit()
    return token


def verify_sample(engine, size: int = 500) -> tuple[int, list[str]]:
    """Check the hash chains of the most-scanned devices and of a random sample."""
    with Session(engine) as session:
        ids = set(session.scalars(select(Device.id).order_by(Device.history_length.desc()).limit(size)))
        ids |= set(session.scalars(select(Device.id).order_by(text("random()")).limit(size)))
        broken = []
        for d in session.scalars(select(Device).where(Device.id.in_(ids))).unique():
            events = list(session.scalars(select(Event).where(Event.device_id == d.id).order_by(Event.seq)))
            if (b := history.verify_device(d, events)) is not None:
                broken.append(str(b))
    return len(ids), broken


# --- the servers ---------------------------------------------------------------------------

def start_servers(env: dict, args, tmp: str) -> dict[str, SimpleNamespace]:
    """Fleet and the baseline under identical gunicorn settings, each on a free loopback port."""
    servers = {}
    try:
        for name, app in APPS.items():
            port, log = free_port(), Path(tmp) / f"{app.split(':')[0]}.log"
            cmd = [sys.executable, "-m", "gunicorn", "--pythonpath", str(ROOT), "--bind", f"127.0.0.1:{port}",
                   "--worker-class", "fleet.serving.BufferingWorker", "--workers", str(args.workers),
                   "--threads", str(args.threads), "--access-logfile", "-", "--no-control-socket", app]
            servers[name] = SimpleNamespace(port=port, log=log, proc=start_server(app, cmd, env, port, log))
    except BaseException:
        stop_servers(servers)
        raise
    return servers


def stop_servers(servers: dict[str, SimpleNamespace]) -> None:
    for server in servers.values():
        stop_process(server.proc, 15)
    servers.clear()


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
    result = summarise(run_threads(args.clients, client, daemon=True), args.duration)
    result["client_cpu"] = (time.process_time() - cpu) / (time.perf_counter() - began)
    return result


def open_loop(port, token, args, tag) -> dict:
    """Latency at a fixed offered load, each scan measured from its due time."""
    total, t0 = int(args.rate * args.duration), time.perf_counter() + 1.0

    def station_loop(station_index):
        station, latencies, errors = Station(port, token, args.devices, f"{tag}-s{station_index}"), [], Counter()
        try:
            station.conn.connect()  # before the first due time: connecting is not measured
        except OSError:
            pass  # the first scan tries again and reports the failure
        for i in range(station_index, total, args.stations):
            due = t0 + i / args.rate
            time.sleep(max(0.0, due - time.perf_counter()))
            status, error = station.scan()
            latencies.append(time.perf_counter() - due)
            if status != 200:
                errors[(status, error)] += 1
        return latencies, errors

    per_station = run_threads(args.stations, station_loop, daemon=True)
    return summarise(per_station, max(time.perf_counter() - t0, 1e-9))


def summarise(per_thread: list, seconds: float) -> dict:
    latencies = sorted(x for lat, _ in per_thread for x in lat)
    return {"rate": len(latencies) / seconds, "errors": sum((e for _, e in per_thread), Counter()),
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


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
