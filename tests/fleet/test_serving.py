"""``fleet serve`` itself, as production runs it: the real command in a subprocess, on a loopback
port, with a SQLite database made by ``fleet db upgrade`` (this touches no database code, so
SQLite alone), a user and token made by the CLI and a device registered through the API.

Slow and stalled clients must cost a connection, not one of the eight threads (2 workers × 4):
with 16 stalled connections open, ``/healthz`` and a scan still answer. A client's timeout of a
few seconds is the failure signal (before the fix both waited for ever); nothing here times how
fast anything is. gunicorn's own error pages carry the app's security headers, and no response
names gunicorn.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from fleet.app import SECURITY_HEADERS

FLEET = Path(sys.executable).with_name("fleet")  # the console script of this environment
CLIENT_TIMEOUT = 5.0  # seconds: an answer that has not come by then is a failure, not a slow pass
SERIAL = "SLOWCLIENT01"


@dataclass
class Served:
    url: str
    port: int
    token: str
    log: Path

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=CLIENT_TIMEOUT)

    def auth(self) -> bytes:
        return f"Authorization: Bearer {self.token}\r\n".encode()


def _fleet(env: dict, *args: str) -> str:
    done = subprocess.run([str(FLEET), *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"fleet {' '.join(args)}: {done.stderr}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Database:
    env: dict
    token: str


def _database(tmp: Path) -> Database:
    """A SQLite database migrated by ``fleet db upgrade``, with a user and token made by the CLI."""
    env = {**os.environ, "FLEET_DATABASE_URL": f"sqlite:///{tmp / 'fleet.sqlite3'}", "FLEET_INSTANCE_PATH": str(tmp),
           "FLEET_ENV": "development"}
    _fleet(env, "db", "upgrade")
    _fleet(env, "users", "add", "station", "--role", "admin")
    return Database(env, _fleet(env, "tokens", "create", "station").strip())


@contextlib.contextmanager
def _serve(database: Database, *options: str):
    """``fleet serve`` on a free loopback port until the block ends."""
    port, log = _free_port(), Path(database.env["FLEET_INSTANCE_PATH"]) / f"serve-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(FLEET), "serve", "--host", "127.0.0.1", "--port", str(port), *options],
                                env=database.env, stdout=out, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", port, database.token, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"fleet serve exited:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"fleet serve did not answer:\n{log.read_text()[-3000:]}"
            try:
                if _get(served, "/healthz").status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _request(served: Served, method: str, path: str, body=None):
    """(status, headers, body) by urllib, which gives up after CLIENT_TIMEOUT seconds."""
    request = urllib.request.Request(served.url + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {served.token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=CLIENT_TIMEOUT) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def _get(served: Served, path: str):
    with urllib.request.urlopen(served.url + path, timeout=CLIENT_TIMEOUT) as response:
        response.read()
        return response


def _scan(served: Served) -> dict:
    status, _, body = _request(served, "POST", "/api/v1/scan", {"code": SERIAL})
    assert status == 200, body
    return json.loads(body)


def _exchange(served: Served, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read the answer to the end of the connection: (status, headers, body)."""
    with served.connect() as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return _parse(answer)


def _parse(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def _assert_security_headers(headers) -> None:
    got = {name.lower(): value for name, value in headers.items()}
    for name, value in SECURITY_HEADERS.items():
        assert got.get(name.lower()) == value, f"{name} missing or different: {got}"
    assert "server" not in got, f"the answer names its server: {got['server']}"


def _still_waiting(sock: socket.socket) -> bool:
    """The server has neither answered nor closed this connection."""
    sock.setblocking(False)
    try:
        sock.recv(1)
    except BlockingIOError:
        return True
    finally:
        sock.setblocking(True)
    return False


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Database:
    return _database(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def served(database):
    # Timeouts far longer than this module takes: the stalled connections stay open throughout.
    with _serve(database, "--header-timeout", "60", "--body-timeout", "60") as served:
        status, _, body = _request(served, "POST", "/api/v1/devices",
                                   {"serial": SERIAL, "manufacturer": "Lenovo", "model": "ThinkPad 11e"})
        assert status == 201, body
        yield served


def _stall(served: Served) -> list[socket.socket]:
    """16 connections that stop mid-request: in the request line, in the headers, and (signed in)
    in the body of a scan whose Content-Length promises more."""
    partial = [
        b"GET /heal",
        b"GET /healthz HTTP/1.1\r\nHost: fleet\r\nX-Slow: ",
        b"POST /api/v1/scan HTTP/1.1\r\nHost: fleet\r\n" + served.auth()
        + b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n" + b'{"code": "',
    ]
    stalled = []
    for i in range(16):
        sock = served.connect()
        sock.sendall(partial[i % 3])
        stalled.append(sock)
    time.sleep(0.5)  # the server takes them in (before the fix: into every thread it has)
    return stalled


def test_stalled_connections_leave_healthz_and_scans_answering(served):
    stalled = _stall(served)
    try:
        for _ in range(3):
            assert _get(served, "/healthz").status == 200
            assert _scan(served)["device"]["serial"] == SERIAL
        assert all(_still_waiting(sock) for sock in stalled), "the checks ran with all 16 still stalled"
    finally:
        for sock in stalled:
            sock.close()


def test_clients_that_never_read_nor_close_leave_the_service_answering(served):
    """An answered client that keeps its connection open held its worker's whole loop for up to
    2 s in gunicorn's graceful close: after 16 of them the next health check timed out."""
    idle = []
    try:
        for _ in range(16):
            sock = served.connect()
            sock.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
            idle.append(sock)
        time.sleep(0.5)
        for _ in range(3):
            assert _get(served, "/healthz").status == 200
            assert _scan(served)["device"]["serial"] == SERIAL
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET /" + b"d" * 10_000 + b" HTTP/1.1\r\nHost: fleet\r\n\r\n", 414),  # request line too long
    (b"GET / HTTP/1.1\r\nHost: fleet\r\nX-Big: " + b"a" * 10_000 + b"\r\n\r\n", 431),  # header too large
    (b"GET / HTTP/1.1\r\nHost: fleet\r\nBad Header: x\r\n\r\n", 400),  # invalid header name
    (b"GET / HTTP/1.1\r\nHost: fleet\r\n" + b"".join(b"X-H%d: %s\r\n" % (i, b"c" * 4000) for i in range(20))
     + b"\r\n", 431),  # each header within gunicorn's limits, the head over 64 KiB
    (b"POST /api/v1/scan HTTP/1.1\r\nHost: fleet\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
     411),  # a body of unknown length
])
def test_the_servers_own_error_answers_carry_the_security_headers(served, request_bytes, status):
    got, headers, _ = _exchange(served, request_bytes)
    assert got == status
    _assert_security_headers(headers)


def test_no_answer_names_gunicorn(served):
    response = _get(served, "/healthz")
    assert response.headers.get("Server") is None
    _assert_security_headers(response.headers)


def test_a_body_that_arrives_in_pieces_is_received_whole(served):
    """A scan of 200 KB (JSON padded with spaces) sent in pieces: kept in a temporary file until
    whole, then answered as any scan."""
    body = json.dumps({"code": SERIAL}).encode() + b" " * 200_000
    with served.connect() as sock:
        sock.sendall(b"POST /api/v1/scan HTTP/1.1\r\nHost: fleet\r\nConnection: close\r\n" + served.auth()
                     + b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
        for start in range(0, len(body), 50_000):
            time.sleep(0.05)
            sock.sendall(body[start:start + 50_000])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status, _, payload = _parse(answer)
    assert status == 200, payload
    assert json.loads(payload)["device"]["serial"] == SERIAL


def test_expect_100_continue_is_answered_before_the_body(served):
    body = json.dumps({"code": SERIAL}).encode()
    with served.connect() as sock:
        sock.sendall(b"POST /api/v1/scan HTTP/1.1\r\nHost: fleet\r\nConnection: close\r\nExpect: 100-continue\r\n"
                     + served.auth() + b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert b"100 Continue" not in answer  # said once
    status, _, payload = _parse(answer)
    assert status == 200, payload


def test_a_body_over_the_limit_is_refused_without_waiting_for_it(served):
    """Content-Length beyond FLEET_MAX_REQUEST_BYTES (16 MiB): the app's 413 on the length alone,
    and the connection closes; the body is never sent."""
    status, headers, payload = _exchange(
        served, b"POST /api/v1/scan HTTP/1.1\r\nHost: fleet\r\n" + served.auth()
        + b"Content-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{")
    assert status == 413
    assert json.loads(payload)["error"]["code"] == "too_large"
    assert headers["connection"] == "close"


def test_pipelined_requests_are_each_answered(served):
    with served.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: fleet\r\n\r\n"
                     b"GET /healthz HTTP/1.1\r\nHost: fleet\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.count(b"HTTP/1.1 200 OK") == 2


def test_a_stalled_request_is_answered_408_and_closed(database):
    """Before the fix an authenticated partial body held its connection (and a thread) for 100 s
    and more; now the head and the body each have a timeout (1 s here)."""
    with _serve(database, "--header-timeout", "1", "--body-timeout", "1") as served:
        for partial in (b"GET /healthz HTTP/1.1\r\nHost: fleet\r\n",
                        b"POST /api/v1/scan HTTP/1.1\r\nHost: fleet\r\n" + served.auth()
                        + b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"):
            status, headers, _ = _exchange(served, partial)  # ends when the server closes it
            assert status == 408
            _assert_security_headers(headers)
