"""What the benchmarks share: loopback ports, threads started together, percentiles, servers
started in a subprocess and stopped, a scratch PostgreSQL database, a database settled between
workloads, and running another workload's module.

Every benchmark runs from the repository's root as a module: ``.venv/bin/python -m scripts.bench.<name>``.
"""

from __future__ import annotations

import http.client
import math
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
FLEET = Path(sys.executable).with_name("fleet")  # the console script of the same virtualenv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_threads(count: int, target: Callable[[int], object], daemon: bool = False) -> list:
    """``target(i)`` in ``count`` threads started together; their return values, in order."""
    results = [None] * count

    def run(i):
        results[i] = target(i)

    threads = [threading.Thread(target=run, args=(i,), daemon=daemon) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile in milliseconds; NaN when nothing was measured."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000 if ordered else math.nan


def healthy(port: int, timeout: float) -> bool:
    """Whether ``GET /healthz`` on a new connection answers 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    finally:
        conn.close()


def start_server(name: str, cmd: list[str], env: dict, port: int, log: Path, *, wait: float = 30,
                 timeout: float = 2, stop_wait: float = 15) -> subprocess.Popen:
    """Start ``cmd`` (a server listening on ``port``) with its output in ``log``; return once its
    /healthz answers, or stop it and raise with the log's end after ``wait`` seconds."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if healthy(port, timeout):
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_process(proc, stop_wait)
    raise RuntimeError(f"{name} did not start:\n{log.read_text()[-3000:]}")


def stop_process(proc: subprocess.Popen, wait: float) -> None:
    """SIGTERM (gunicorn stops its workers gracefully), then SIGKILL after ``wait`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_admin_sql(base_url: str, sql: str) -> None:
    engine = create_engine(f"{base_url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


@contextmanager
def scratch_database(base_url: str, name: str) -> Iterator[str]:
    """A new PostgreSQL database ``name`` on the server at ``base_url`` (no database name); its URL.
    Dropped at the end, also on error."""
    run_admin_sql(base_url, f'CREATE DATABASE "{name}"')
    try:
        yield f"{base_url}/{name}"
    finally:
        run_admin_sql(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settle(engine) -> None:
    """VACUUM ANALYZE and CHECKPOINT: the clean-up and the writes of one workload (the load, the
    scans) must not fall into the next one's measurement."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:  # for VACUUM
        conn.execute(text("VACUUM ANALYZE"))
        conn.execute(text("CHECKPOINT"))


def run_workload(name: str, *args: str) -> None:
    """``python -m scripts.bench.<name> args…`` in a process of its own, from the repository's root."""
    subprocess.run([sys.executable, "-m", f"scripts.bench.{name}", *args], cwd=ROOT, check=False)
