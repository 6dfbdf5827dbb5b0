"""``scripts/run`` as README's Quick start uses it: ``scripts/run --port N`` in a subprocess, on a
loopback port, with its instance folder and SQLite database in a temporary directory (the repo's
``instance/`` is not touched). The banner names the chosen port, the server answers there, and a
device's label carries that port in its URL."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BANNER_END = "Make more:"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, token: str | None = None) -> bytes:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        assert response.status == 200
        return response.read()


def test_run_serves_on_the_port_it_is_given_and_says_so(tmp_path):
    port, out = _free_port(), tmp_path / "run.log"
    env = {**os.environ, "FLEET_ENV": "development", "FLEET_INSTANCE_PATH": str(tmp_path / "instance"),
           "FLEET_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    env.pop("FLEET_PUBLIC_URL", None)
    with out.open("wb") as log:
        proc = subprocess.Popen(["bash", "scripts/run", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300  # a pip install when pyproject.toml changed since the last one
        while BANNER_END not in out.read_text():
            assert proc.poll() is None, f"scripts/run exited {proc.returncode}:\n{out.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no banner:\n{out.read_text()[-3000:]}"
            time.sleep(0.2)
        banner = out.read_text()
        base = f"http://127.0.0.1:{port}"
        assert f"starting on {base}" in banner and f"{base}/login" in banner and f"{base}/api/v1/" in banner
        assert ":5000" not in banner
        token = next(line.split()[2] for line in banner.splitlines() if line.split()[1:2] == ["admin"])

        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"scripts/run exited {proc.returncode}:\n{out.read_text()[-3000:]}"
            try:
                _get(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, f"nothing answers on {port}:\n{out.read_text()[-3000:]}"
                time.sleep(0.2)
        while "fleet worker: sending the outbox" not in out.read_text():  # the outbox's worker runs beside it
            assert time.monotonic() < deadline, f"no fleet worker:\n{out.read_text()[-3000:]}"
            time.sleep(0.2)
        devices = json.loads(_get(f"{base}/api/v1/devices?limit=50", token))
        tag = next(d["asset_tag"] for d in devices["items"] if d.get("asset_tag"))
        label = _get(f"{base}/api/v1/devices/{tag}/label.zpl", token).decode().upper()
        assert f"HTTP://127.0.0.1:{port}/D/{tag}" in label

        os.kill(proc.pid, signal.SIGTERM)  # the script alone: it stops the server and the worker with it
        proc.wait(timeout=60)
        deadline = time.monotonic() + 60
        while True:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            assert time.monotonic() < deadline, "a process scripts/run started outlived it"
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
