"""Benchmark: hostile load — stalled clients, oversized bodies and bombs against the served app.

Method
  A fresh SQLite database in a temporary folder, migrated by ``fleet db upgrade``; an admin and
  its token made by ``fleet users add`` / ``fleet tokens create``; one device registered through
  the API; a school with laptops, pupils and its IT user (``tests/factories.py``) for the bombs.
  The same app is served in turn, alone on the machine, by two servers on loopback ports,
  2 workers × 4 threads each, access log on:
    Fleet      ``fleet serve`` (Fleet's worker, ``fleet/serving.py``: a request gets a thread only
               when it has arrived whole);
    baseline   gunicorn's stock gthread worker, as ``fleet serve`` ran the app before.
  Against each:
    1. quiet: ``GET /healthz`` on a new connection, R times one after another (default 20), and
       as many scans (``POST /api/v1/scan {"code": serial}`` with the bearer token); the workers'
       memory (RSS from /proc, summed over the worker processes).
    2. stalled: S connections (default 16) that stop mid-request — in the request line, in the
       headers, and signed in in a scan's body (Content-Length 100, ten bytes sent) — are opened
       and held while the same requests run again. A request not answered within 5 s counts as
       unanswered, and as 5 s in the median; after 3 of them in a row the rest are not tried
       (and count the same). The stalled connections are then closed.
    3. oversized bodies: 8 clients at once declare a 64 MiB body (over the 16 MiB limit) and
       send its first MiB (the answer should be 413 at once); 8 clients at once each send a
       whole 15 MiB body to ``/api/v1/scan`` without a token (401), and 4 with it (the app
       reads all of it: a valid scan padded with spaces).
    4. bombs (``tests/fleet/bombs.py``): a 13,000 × 13,000 PNG, a JPEG declaring as much and a
       PDF whose object stream inflates to 1 GiB, each uploaded as a loan's paper-signed scan
       by the school's IT user (the app refuses them with 413 before decoding).
    5. the workers' memory again (RSS now, and the largest peak RSS of a worker: VmHWM).
  Printed: a Markdown table, Fleet beside the baseline, and the ratio.

Run from the repository's root: ``.venv/bin/python -m scripts.bench.hostile [--stalled S] [--requests R]``
(also run at the end of ``python -m scripts.bench``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from scripts.bench.harness import FLEET, free_port, run_threads, start_server, stop_process
from tests.fleet import bombs

CLIENT_TIMEOUT = 5.0
SERIAL = "HOSTILE00001"
OVER_LIMIT = 64 * 1024 * 1024
LARGE_BODY = 15 * 1024 * 1024
SCAN_BOMBS = [b for b in bombs.BOMBS if b[1] == "scan" and b is not bombs.SCAN_1BIT]


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    log: Path


@dataclass
class Result:
    rss_before: float = 0.0
    rss_after: float = 0.0
    peak: float = 0.0
    quiet: dict = field(default_factory=dict)
    stalled: dict = field(default_factory=dict)
    over_limit: int = 0
    large_refused: int = 0
    large_scanned: int = 0
    bombs_refused: int = 0


# --- the servers ---------------------------------------------------------------------------------

def start(name: str, env: dict, tmp: Path) -> Server:
    port, log = free_port(), tmp / f"{name}.log"
    if name == "Fleet":
        cmd = [str(FLEET), "serve", "--host", "127.0.0.1", "--port", str(port)]
    else:
        cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
               "--workers", "2", "--threads", "4", "--access-logfile", "-", "--no-control-socket",
               "fleet.app:create_app()"]
    proc = start_server(name, cmd, env, port, log, wait=60, timeout=CLIENT_TIMEOUT, stop_wait=40)
    return Server(name, port, proc, log)


def stop(server: Server) -> None:
    stop_process(server.proc, 40)


def workers(server: Server) -> list[int]:
    """The server's worker processes: the children of its master."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == server.proc.pid:
                found.append(int(entry.name))
    return found


def memory(server: Server) -> tuple[float, float]:
    """(RSS summed over the workers, the largest worker's peak RSS), in MB."""
    rss = peak = 0.0
    for pid in workers(server):
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                      if ":" in line)
        rss += int(fields["VmRSS"].split()[0]) / 1024
        peak = max(peak, int(fields["VmHWM"].split()[0]) / 1024)
    return rss, peak


# --- the clients -------------------------------------------------------------------------------

def request(server: Server, method: str, path: str, body: bytes | None = None, token: str | None = None):
    """(status, seconds) of one request on a new connection."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - began
    finally:
        conn.close()


def probe(server: Server, token: str, count: int) -> dict:
    """``count`` health checks and ``count`` scans, one after another: for each, (how many were
    answered 200, the median seconds with an unanswered one counted as CLIENT_TIMEOUT)."""
    out = {}
    for what, method, path, body in (("healthz", "GET", "/healthz", None),
                                     ("scan", "POST", "/api/v1/scan", json.dumps({"code": SERIAL}).encode())):
        times, answered, misses = [], 0, 0
        for _ in range(count):
            if misses >= 3:  # three in a row not answered: the rest would not be either
                times.append(CLIENT_TIMEOUT)
                continue
            try:
                status, seconds = request(server, method, path, body, token)
            except (OSError, http.client.HTTPException):
                misses += 1
                times.append(CLIENT_TIMEOUT)
                continue
            misses = 0
            answered += status == 200
            times.append(seconds if status == 200 else CLIENT_TIMEOUT)
        out[what] = (answered, statistics.median(times))
    return out


def stall(server: Server, token: str, count: int) -> list[socket.socket]:
    partial = [b"GET /heal", b"GET /healthz HTTP/1.1\r\nHost: fleet\r\nX-Slow: ",
               b"POST /api/v1/scan HTTP/1.1\r\nHost: fleet\r\nAuthorization: Bearer " + token.encode()
               + b"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" + b'{"code": "']
    stalled = []
    for i in range(count):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=CLIENT_TIMEOUT)
        sock.sendall(partial[i % len(partial)])
        stalled.append(sock)
    time.sleep(0.5)  # the server takes them in
    return stalled


def post_raw(server: Server, head: bytes, body: bytes, declared: int) -> int:
    """POST ``body`` under a head declaring ``declared`` bytes; the answer's status (0: none)."""
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=CLIENT_TIMEOUT) as sock:
            sock.sendall(head + b"Content-Length: %d\r\n\r\n" % declared)
            try:
                sock.sendall(body)
            except OSError:
                pass  # refused mid-body: the answer may still be there
            answer = sock.recv(4096)
            return int(answer.split()[1]) if answer.startswith(b"HTTP/") else 0
    except (OSError, ValueError, IndexError):
        return 0


def multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="scan"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def bomb(server: Server, school: dict, device: str, pupil: int, content: bytes) -> int:
    """Lend ``device`` to ``pupil`` and upload ``content`` as the agreement's paper-signed scan."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Authorization": f"Bearer {school['token']}"}
    try:
        conn.request("POST", "/api/v1/loans", json.dumps({"device": device, "pupil": pupil, "accessories": []}),
                     {**headers, "Content-Type": "application/json"})
        response = conn.getresponse()
        loan = json.loads(response.read())
        assert response.status == 201, loan
        body, content_type = multipart({"signer_name": "Anna Bērziņa"}, "file", content)
        conn.request("POST", f"/api/v1/loans/{loan['id']}/agreement/paper", body,
                     {**headers, "Content-Type": content_type})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def hostile(server: Server, token: str, school: dict, args) -> Result:
    result = Result()
    time.sleep(1)
    result.rss_before, _ = memory(server)
    result.quiet = probe(server, token, args.requests)
    stalled = stall(server, token, args.stalled)
    try:
        result.stalled = probe(server, token, args.requests)
    finally:
        for sock in stalled:
            sock.close()
    scan_head = (b"POST /api/v1/scan HTTP/1.1\r\nHost: fleet\r\nContent-Type: application/json\r\n"
                 b"Connection: close\r\n")
    signed = scan_head + b"Authorization: Bearer " + token.encode() + b"\r\n"
    first_mib = b" " * (1024 * 1024)
    result.over_limit = run_threads(8, lambda i: post_raw(server, signed, first_mib, OVER_LIMIT)).count(413)
    padded = json.dumps({"code": SERIAL}).encode()
    padded += b" " * (LARGE_BODY - len(padded))
    result.large_refused = run_threads(8, lambda i: post_raw(server, scan_head, padded, len(padded))).count(401)
    result.large_scanned = run_threads(4, lambda i: post_raw(server, signed, padded, len(padded))).count(200)
    for _, _, build in SCAN_BOMBS:
        device, pupil = school["devices"].pop(), school["pupils"].pop()
        result.bombs_refused += bomb(server, school, device, pupil, build()) == 413
    time.sleep(1)
    result.rss_after, result.peak = memory(server)
    return result


# --- the run -------------------------------------------------------------------------------------

def prepare(tmp: Path) -> tuple[dict, str, dict]:
    """The database, the admin's token, and a school for the bombs: its IT user's token, laptops
    at the school and pupils, enough for both servers."""
    env = {**os.environ, "FLEET_DATABASE_URL": f"sqlite:///{tmp / 'fleet.sqlite3'}", "FLEET_INSTANCE_PATH": str(tmp),
           "FLEET_ENV": "production", "FLEET_SECRET_KEY": secrets.token_hex(20),
           "FLEET_PUBLIC_URL": "https://fleet.example.lv"}
    for args in (["db", "upgrade"], ["users", "add", "bench", "--role", "admin"]):
        subprocess.run([str(FLEET), *args], env=env, check=True, capture_output=True)
    token = subprocess.run([str(FLEET), "tokens", "create", "bench"], env=env, check=True, capture_output=True,
                           text=True).stdout.strip()
    from fleet import create_app
    from fleet.config import Config
    from tests import factories

    app = create_app(Config.from_env(env), instance_path=str(tmp))
    session = app.extensions["fleet.read_sessionmaker"]()
    factories.bind(session)
    try:
        school = factories.SchoolFactory()
        count = 2 * len(SCAN_BOMBS)
        user = factories.UserFactory(role="school_it", schools=[school])
        prepared = {"token": factories.token_for(user),
                    "devices": [factories.DeviceFactory(status="at_school", school=school).serial
                                for _ in range(count)],
                    "pupils": [factories.PupilFactory(school=school).id for _ in range(count)]}
    finally:
        factories.bind(None)
        session.close()
        app.extensions["fleet.engine"].dispose()
    return env, token, prepared


def report(res: dict[str, Result], args) -> list[str]:
    f, b = res["Fleet"], res["baseline"]
    n, stalled = args.requests, args.stalled

    def ms(seconds: float) -> str:
        return f"≥ {CLIENT_TIMEOUT * 1000:.0f}" if seconds >= CLIENT_TIMEOUT else f"{seconds * 1000:.1f}"

    def row(metric, x, y, show, bounded=()):
        """``bounded``: figures that are only lower bounds (a request hit the client's timeout)."""
        ratio = "—" if bounded and any(bounded) else f"{x / y:.2f}"
        return f"| {metric} | {show(x)} | {show(y)} | {ratio} |"

    def slowdown(r: Result, what: str) -> str:
        ratio = r.stalled[what][1] / r.quiet[what][1]
        return f"≥ {ratio:.0f}" if r.stalled[what][1] >= CLIENT_TIMEOUT else f"{ratio:.2f}"

    def timed_out(*figures: float) -> tuple[bool, ...]:
        return tuple(x >= CLIENT_TIMEOUT for x in figures)

    def count(metric, x, y, of):
        return f"| {metric} | {x} of {of} | {y} of {of} | — |"

    return [
        "| metric | Fleet | baseline | ratio |", "| --- | --- | --- | --- |",
        row("/healthz p50, quiet (ms)", f.quiet["healthz"][1], b.quiet["healthz"][1], ms),
        row(f"/healthz p50, {stalled} stalled connections open (ms)", f.stalled["healthz"][1],
            b.stalled["healthz"][1], ms, timed_out(f.stalled["healthz"][1], b.stalled["healthz"][1])),
        f"| /healthz p50, stalled ÷ quiet | {slowdown(f, 'healthz')} | {slowdown(b, 'healthz')} | — |",
        count(f"/healthz answered within {CLIENT_TIMEOUT:g} s, stalled connections open",
              f.stalled["healthz"][0], b.stalled["healthz"][0], n),
        row("scan p50, quiet (ms)", f.quiet["scan"][1], b.quiet["scan"][1], ms),
        row(f"scan p50, {stalled} stalled connections open (ms)", f.stalled["scan"][1], b.stalled["scan"][1], ms,
            timed_out(f.stalled["scan"][1], b.stalled["scan"][1])),
        count(f"scans answered within {CLIENT_TIMEOUT:g} s, stalled connections open",
              f.stalled["scan"][0], b.stalled["scan"][0], n),
        count("64 MiB bodies (over the limit) answered 413", f.over_limit, b.over_limit, 8),
        count("15 MiB bodies without a token answered 401", f.large_refused, b.large_refused, 8),
        count("15 MiB scans with a token answered 200", f.large_scanned, b.large_scanned, 4),
        count("image and PDF bombs refused (413)", f.bombs_refused, b.bombs_refused, len(SCAN_BOMBS)),
        row("workers' RSS before (MB, both)", f.rss_before, b.rss_before, lambda x: f"{x:.0f}"),
        row("workers' RSS after (MB, both)", f.rss_after, b.rss_after, lambda x: f"{x:.0f}"),
        row("a worker's peak RSS (MB)", f.peak, b.peak, lambda x: f"{x:.0f}"),
    ]


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.hostile", description=__doc__.splitlines()[0])
    p.add_argument("--stalled", type=int, default=16, help="connections stalled mid-request")
    p.add_argument("--requests", type=int, default=20, help="health checks and scans in each phase")
    args = p.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="fleet-hostile-") as folder:
        tmp = Path(folder)
        env, token, school = prepare(tmp)
        for name in ("Fleet", "baseline"):
            print(f"{name}: hostile load …", file=sys.stderr)
            server = start(name, env, tmp)
            try:
                if name == "Fleet":
                    status, _ = request(server, "POST", "/api/v1/devices", json.dumps(
                        {"serial": SERIAL, "manufacturer": "Lenovo", "model": "ThinkPad 11e"}).encode(), token)
                    assert status == 201, status
                results[name] = hostile(server, token, school, args)
            finally:
                stop(server)
    print(f"\nHostile load: {args.stalled} stalled connections, oversized bodies, image and PDF bombs; Fleet "
          f"(fleet serve) beside the baseline (the same app under gunicorn's stock gthread worker), each 2 workers "
          f"× 4 threads, SQLite, one after the other\n")
    print("\n".join(report(results, args)))


if __name__ == "__main__":
    main()
