"""Benchmark: the scan station in a real browser — the time from the Enter key to the result row
painted — while other stations scan through the API at an offered load.

Method
  1. A scratch PostgreSQL database (``fleet_bench_station_<pid>``, dropped at the end, also on error),
     migrated, with N received devices COPYed in (``scan.load_devices``: status ``in_warehouse``, a
     valid two-event history); an admin with an API token for the load, and a warehouse user with a
     password for the station. VACUUM ANALYZE and CHECKPOINT before measuring.
  2. Fleet served as ``python -m scripts.bench`` serves it: gunicorn, Fleet's threaded worker, W workers ×
     T threads, an access log, ``FLEET_ENV=production``, on a free loopback port.
  3. Background load: ``scan.open_loop`` — R scans/s (default 50) offered by S API clients (re-image
     scans of random devices, each latency counted from its due time) — for the whole measurement.
  4. Meanwhile one station: Debian Chromium driven by Playwright signs in through the form and opens
     ``/station?mode=image&image=…``; every ``--interval`` seconds it types the serial of a device the load
     does not scan (into the scan field, unmeasured) and presses Enter. In the page, a keydown listener
     notes ``performance.now()`` at Enter and a MutationObserver on the result log notes when that code's
     row carries a final outcome; the time is taken after the next frame (requestAnimationFrame, then a
     task: the row has been painted). A warm-up period (load and scans) comes first, not counted.
  5. A Markdown table: the station's p50/p95/p99 (Enter → row painted) beside the API's own p50/p99 for
     the background scans of the same period, the ratio of the p99s, the target (station p99 < 150 ms),
     and the errors (station rows that were not ``applied``, API answers other than 200).

Run from the repository's root: ``.venv/bin/python -m scripts.bench.station`` (about 1.5 minutes;
``--quick`` for a 25-second run on 5,000 devices; ``--help`` for the knobs). The browser, the server,
PostgreSQL and the load generator share this machine's CPUs: the figures are this machine's, under load.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy.orm import Session

from fleet import migrations
from fleet.access import auth
from fleet.db import make_engine
from scripts.bench import scan
from scripts.bench.harness import ROOT, free_port, percentile, scratch_database, start_server, stop_process

CHROMIUM = os.environ.get("FLEET_TEST_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "bench-station-" + secrets.token_hex(8)
TARGET_MS = 150
FINAL = "applied already"  # plus any refusal's error code: everything but a row still waiting

# In the page: Enter in the scan field starts a clock; the row of that code with an outcome stops it
# after the next paint. window.__bench.arm(code) → a promise of the milliseconds and the outcome.
PROBE = """() => {
  const log = document.querySelector('[role=log]');
  const pending = new Set(['', 'pending', 'queued', 'sending']);
  const bench = window.__bench = {code: null, t0: 0, resolve: null, seen: new WeakSet()};
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && bench.code !== null && !bench.t0) bench.t0 = performance.now();
  }, true);
  const check = () => {
    if (!bench.resolve || !bench.t0) return;
    for (const row of log.querySelectorAll('[data-outcome]')) {
      const outcome = row.getAttribute('data-outcome');
      if (bench.seen.has(row) || pending.has(outcome) || !row.textContent.includes(bench.code)) continue;
      bench.seen.add(row);
      const t0 = bench.t0, resolve = bench.resolve;
      bench.resolve = null;
      requestAnimationFrame(() => setTimeout(() => resolve({ms: performance.now() - t0, outcome}), 0));
      return;
    }
  };
  new MutationObserver(check).observe(log, {childList: true, subtree: true, attributes: true,
                                            attributeFilter: ['data-outcome']});
  bench.arm = (code) => new Promise((resolve) => { bench.code = code; bench.t0 = 0; bench.resolve = resolve; });
}"""


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.station", description=__doc__.split("\n")[0])
    p.add_argument("--devices", type=int, default=100_000)
    p.add_argument("--duration", type=float, default=60, help="seconds of background load (the station scans within)")
    p.add_argument("--interval", type=float, default=0.25, help="seconds between the station's scans")
    p.add_argument("--warmup", type=float, default=10, help="seconds of load and scans before measuring")
    p.add_argument("--rate", type=float, default=50, help="background scans/s offered through the API")
    p.add_argument("--stations", type=int, default=50, help="API clients sharing the background load")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    p.add_argument("--threads", type=int, default=4, help="threads per worker")
    p.add_argument("--quick", action="store_true", help="a short run: 5,000 devices, 20 s")
    p.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432",
                   help="PostgreSQL server URL, without a database name")
    args = p.parse_args()
    if args.quick:
        args.devices, args.duration, args.warmup = min(args.devices, 5_000), min(args.duration, 20), min(args.warmup, 5)
    args.load_devices = args.devices // 2  # the load scans the first half, the station the second
    return args


def create_station_user(engine) -> str:
    with Session(engine) as session:
        user = auth.add_user(session, "bench-station", "warehouse")
        auth.set_password(user, PASSWORD)
        session.commit()
    return "bench-station"


def start_fleet(env: dict, args, tmp: str) -> SimpleNamespace:
    port, log = free_port(), Path(tmp) / "fleet.log"
    cmd = [sys.executable, "-m", "gunicorn", "--pythonpath", str(ROOT), "--bind", f"127.0.0.1:{port}",
           "--worker-class", "fleet.serving.BufferingWorker", "--workers", str(args.workers),
           "--threads", str(args.threads), "--access-logfile", "-", "--no-control-socket", scan.APPS["Fleet"]]
    return SimpleNamespace(port=port, log=log, proc=start_server("Fleet", cmd, env, port, log))


def open_station(p, base: str, user: str):
    """Chromium signed in through the form, on the station in mode image, the probe installed."""
    browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="lv-LV").new_page()
    page.goto(base + "/login")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#logout")
    page.goto(f"{base}/station?mode=image&image=bench-station-{os.getpid()}")
    page.locator("#scan-code").wait_for()
    page.evaluate(PROBE)
    return browser, page


def scan_until(page, devices: range, args, stop_at: float) -> list[dict]:
    """The station's scans of ``devices``, one every ``args.interval`` s until ``stop_at`` (perf_counter):
    one dict per scan (code, ms, outcome). Typing the code is not measured; Enter to the row is."""
    results, field = [], page.locator("#scan-code")
    for device in devices:
        if time.perf_counter() >= stop_at:
            break
        began, code = time.perf_counter(), scan.serial(device)
        field.fill(code)
        page.evaluate("(code) => { window.__bench.pending = window.__bench.arm(code); }", code)
        field.press("Enter")
        results.append({"code": code, **page.evaluate("() => window.__bench.pending")})
        time.sleep(max(0.0, min(args.interval - (time.perf_counter() - began), stop_at - time.perf_counter())))
    return results


def background(port: int, token: str, args, seconds: float, out: dict) -> None:
    """The other stations: ``scan.open_loop`` at ``args.rate`` for ``seconds``, its summary into ``out``."""
    load_args = SimpleNamespace(rate=args.rate, duration=seconds, stations=args.stations, devices=args.load_devices)
    out.update(scan.open_loop(port, token, load_args, f"background-{seconds:g}"))


def measure(port: int, token: str, user: str, args) -> tuple[list[dict], dict]:
    """A warm-up, then the measured period: each with the background load running in a thread (it
    starts 1 s after it is called, so the station's scans fall inside it) and the station scanning."""
    from playwright.sync_api import sync_playwright

    devices = iter(range(args.load_devices + 1, args.devices + 1))  # the load scans the others
    with sync_playwright() as p:
        browser, page = open_station(p, f"http://127.0.0.1:{port}", user)
        try:
            for seconds in (args.warmup, args.duration):
                load: dict = {}
                loader = threading.Thread(target=background, args=(port, token, args, seconds, load), daemon=True)
                loader.start()
                time.sleep(1.0)
                station = scan_until(page, devices, args, time.perf_counter() + seconds)
                loader.join()
        finally:
            browser.close()
    return station, load


def report(args, station: list[dict], load: dict) -> list[str]:
    counted = station
    times = sorted(r["ms"] / 1000 for r in counted)
    p50, p95, p99 = (percentile(times, q) for q in (50, 95, 99))
    api_p99 = load["p99"]
    refused = [r for r in counted if r["outcome"] != "applied"]
    api_errors = sum(load["errors"].values())
    rows = [
        ("metric", "station (Enter → row painted)", "API (background scans)", "ratio", "target", "met?"),
        ("---",) * 6,
        ("p50 (ms)", f"{p50:.1f}", f"{load['p50']:.1f}", "—", "—", "—"),
        ("p95 (ms)", f"{p95:.1f}", "—", "—", "—", "—"),
        ("p99 (ms)", f"{p99:.1f}", f"{api_p99:.1f}", f"{p99 / api_p99:.2f}" if api_p99 else "—",
         f"station < {TARGET_MS} ms", "yes" if p99 < TARGET_MS else "NO"),
        ("scans measured", str(len(counted)), f"{load['rate']:.1f}/s achieved", "—", "—", "—"),
        ("errors", f"{len(refused)} not applied", f"{api_errors} non-200", "—", "0",
         "yes" if not refused and not api_errors else "NO"),
    ]
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    for r in refused[:5]:
        lines.append(f"- station: {r['code']} → {r['outcome']}")
    for (status, message), count in load["errors"].most_common(5):
        lines.append(f"- API: {count} × HTTP {status or 'no answer'}: {message}")
    lines += ["", f"Configuration: {args.devices} devices; Fleet under gunicorn, Fleet's threaded worker, "
              f"{args.workers} workers × {args.threads} threads, FLEET_ENV=production; background load "
              f"{args.rate:g} scans/s offered by {args.stations} API clients for {args.duration:g} s; one station "
              f"(Debian Chromium, headless, Playwright) scanning every {args.interval:g} s in mode image, "
              f"after {args.warmup:g} s of warm-up (load and scans, not counted), {len(counted)} scans (mean "
              f"{statistics.fmean(r['ms'] for r in counted) if counted else float('nan'):.1f} ms); "
              f"{os.cpu_count()} CPUs shared by the browser, the server, PostgreSQL and the load generator; "
              f"the machine's 1-minute load average {args.load_average[0]:.1f} before, "
              f"{args.load_average[1]:.1f} after (other work on it moves every figure)."]
    return lines


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the clean-up below runs
    began, base = time.monotonic(), args.pg_url.rstrip("/")
    with scratch_database(base, f"fleet_bench_station_{os.getpid()}") as url, \
            tempfile.TemporaryDirectory(prefix="fleet-bench-station-") as tmp:
        server, engine = None, make_engine(url)
        try:
            migrations.upgrade(engine)
            scan.load_devices(engine, args.devices)
            token = scan.create_admin_token(engine)
            user = create_station_user(engine)
            print(f"loaded {args.devices} devices in {time.monotonic() - began:.1f} s", file=sys.stderr)
            env = {**os.environ, "FLEET_DATABASE_URL": url, "FLEET_ENV": "production",
                   "FLEET_SECRET_KEY": secrets.token_hex(20), "FLEET_INSTANCE_PATH": tmp,
                   "FLEET_PUBLIC_URL": "https://fleet.example.lv"}
            server = start_fleet(env, args, tmp)
            args.load_average = [os.getloadavg()[0]]
            station, load = measure(server.port, token, user, args)
            args.load_average.append(os.getloadavg()[0])
            if server.proc.poll() is not None:
                raise RuntimeError(f"the server exited:\n{server.log.read_text()[-3000:]}")
            print("\n".join(report(args, station, load)))
            print(f"\nTotal run time {time.monotonic() - began:.0f} s.")
        finally:
            if server is not None:
                stop_process(server.proc, 15)
            engine.dispose()


if __name__ == "__main__":
    main()
