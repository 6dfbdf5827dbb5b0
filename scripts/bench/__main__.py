"""Benchmark: how fast Fleet records a scan, beside a bare baseline on the same stack.

Method
  1. Create a scratch PostgreSQL database (``fleet_bench_<pid>``, dropped at the end, also on
     error, Ctrl-C or SIGTERM), migrate it with Fleet's Alembic migrations, and COPY in N devices
     (default 100,000) that were registered and received: status ``in_warehouse``, an asset tag,
     and a valid two-event history (``register``, ``receive``) hashed with ``fleet.history``.
     Add one admin user with an API token; VACUUM ANALYZE and CHECKPOINT before measuring.
  2. Serve the real app (``fleet.app:create_app()``) and the baseline (``baseline_app``: lock
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
     it), the manifest workload (``manifest``): a 30,000-row CSV manifest imported end
     to end, beside a bare executemany of the same rows into the same tables; then 2,000 of
     those laptops received by scan against the served Fleet, 16 stations at once.
  6. Then the print shop (``label_sheets``: 1,000 labels beside reportlab's widgets and qrcode
     PNGs; ``loans``: a class of 30 agreements, and a class hand-out end to end).
  7. Then hostile load (``hostile``: ``fleet serve`` beside the same app under gunicorn's
     stock gthread worker, with 16 stalled connections, oversized bodies and image and PDF bombs:
     whether ``/healthz`` and scans still answer, and the workers' memory before and after).

Run from the repository's root: ``.venv/bin/python -m scripts.bench [--devices N] [--duration S]
[--clients C] [--rate R]`` (``--manifest-rows 0``, ``--no-documents``, ``--no-hostile``: without
steps 5, 6 or 7). Each workload also runs alone: ``python -m scripts.bench.label_sheets``,
``.loans``, ``.hostile``, ``.auth`` (sign-ins and the policy check: only alone), ``.station`` (the scan
station in Chromium, Enter to the row painted under 50 scans/s: only alone); ``scan`` and
``manifest`` run only here (they share the scratch database and the served app).

The package: ``harness`` (ports, threads, servers, the scratch database), ``scan`` (this
benchmark's workload), ``baseline_app`` (the bare endpoint it is compared with), ``manifest``,
``label_sheets``, ``loans``, ``hostile``, ``auth``, ``station``: one module per workload.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import tempfile
import time

from fleet import migrations
from fleet.db import make_engine
from scripts.bench import manifest, scan
from scripts.bench.harness import run_workload, scratch_database, settle


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__.split("\n")[0])
    p.add_argument("--devices", type=int, default=100_000)
    p.add_argument("--duration", type=float, default=10, help="seconds per measured phase")
    p.add_argument("--rounds", type=int, default=5, help="rounds of every phase, order alternating")
    p.add_argument("--manifest-rows", type=int, default=30_000, help="rows of the manifest import (0: skip)")
    p.add_argument("--no-documents", dest="documents", action="store_false",
                   help="skip the labels and agreements benchmarks (label_sheets, loans)")
    p.add_argument("--no-hostile", dest="hostile", action="store_false",
                   help="skip the hostile-load benchmark (hostile)")
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
    with scratch_database(base, f"fleet_bench_{os.getpid()}") as url, \
            tempfile.TemporaryDirectory(prefix="fleet-bench-") as tmp:
        servers, engine = {}, make_engine(url)
        try:
            migrations.upgrade(engine)
            scan.load_devices(engine, args.devices)
            token = scan.create_admin_token(engine)
            print(f"loaded {args.devices} devices in {time.monotonic() - began:.1f} s", file=sys.stderr)
            env = {**os.environ, "FLEET_DATABASE_URL": url, "FLEET_ENV": "production",
                   "FLEET_SECRET_KEY": secrets.token_hex(20), "FLEET_INSTANCE_PATH": tmp,
                   "FLEET_PUBLIC_URL": "https://fleet.example.lv"}
            servers = scan.start_servers(env, args, tmp)
            res = scan.measure(servers, token, args)
            checked, broken = scan.verify_sample(engine)
            print("\n".join(scan.report(args, res) + ["", scan.configuration(args, res, engine, checked, broken)]))
            if args.manifest_rows:
                settle(engine)
                print("\n" + "\n".join(manifest.run(url, engine, args.manifest_rows, servers["Fleet"].port)))
            scan.stop_servers(servers)  # the workloads below serve nothing, or their own database
            if args.documents:
                run_workload("label_sheets")
                run_workload("loans")
            if args.hostile:
                run_workload("hostile")
            print(f"\nTotal run time {time.monotonic() - began:.0f} s.")
        finally:
            scan.stop_servers(servers)
            engine.dispose()


if __name__ == "__main__":
    main()
