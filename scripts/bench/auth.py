"""Benchmark: directory sign-ins per second, and what the policy check costs a request.

Method
  A real slapd (``tests/directory_server.py``: generated config, LDIF and CA, loopback ports) is
  started for the run and stopped at its end, also on error or Ctrl-C.

  Sign-ins, each for a random one of the directory's users with the right password, sequentially
  (one client) and from C threads at once (default 8), for D seconds each (default 5):
    fleet       ``fleet.access.directory.authenticate``: connect, bind as the service account, search
                the user, search its groups, bind as the user — what a directory sign-in asks;
    fleet+tls   the same with StartTLS (certificate checked against the generated CA);
    login page  ``POST /login`` through the app in this process (CSRF, throttle query, the above,
                the user's row, the session, the access log; SQLite in a temporary folder);
    baseline    a bare ldap3 simple bind as the user's DN on a fresh connection (the least any
                LDAP sign-in does), plain and with StartTLS.

  The policy check: ``GET /api/v1/devices/{serial}`` as a school IT user with a bearer token, in
  this process through Flask's test client (no HTTP parsing or network, so the GET is as cheap as
  it gets and the check's share as large as it gets), the median of R rounds:
    plain GET   the request as Fleet serves it (N requests a round);
    check       exactly the policy work of that request — ``policy.require`` for the endpoint's
                permission and ``policy.can_see_device`` for the resolved device — timed alone
                (10 × N times a round).
  Target: the check under 5 % of a plain GET. (Timing the same GET with the check replaced by a
  no-op measures the machine's noise instead: ±8 % between rounds on a loaded 2-core machine.)

Run from the repository's root:
``.venv/bin/python -m scripts.bench.auth [--seconds D] [--threads C] [--requests N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import ldap3

from fleet.access import directory, policy
from fleet.config import Config
from tests import directory_server

USERS = [p for p in directory_server.PEOPLE_TABLE
         if len([g for g in p.groups if g in directory_server.ROLE_GROUPS]) == 1
         and not set(p.department) & {directory_server.UNKNOWN_SCHOOL}]


def rate(work, seconds: float, threads: int) -> tuple[float, int]:
    """Calls per second of ``work()`` from ``threads`` threads for ``seconds``; and the failures."""
    deadline = time.perf_counter() + seconds
    done, failed = [0] * threads, [0] * threads

    def loop(i):
        rng = random.Random(i)
        while time.perf_counter() < deadline:
            try:
                work(rng)
                done[i] += 1
            except Exception:  # noqa: BLE001 - any failure of a sign-in counts as one
                failed[i] += 1

    start = time.perf_counter()
    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(done) / (time.perf_counter() - start), sum(failed)


def bare_bind(server: directory_server.DirectoryServer, tls: bool):
    def work(rng):
        person = rng.choice(USERS)
        tls_config = ldap3.Tls(validate=2, ca_certs_file=server.ca_file) if tls else None
        conn = ldap3.Connection(ldap3.Server("127.0.0.1", port=server.port, tls=tls_config, get_info=ldap3.NONE),
                                user=f"uid={person.uid},{directory_server.PEOPLE}", password=person.password)
        conn.open()
        conn.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as fleet.access.directory does
        if tls:
            conn.start_tls()
        if not conn.bind():
            raise RuntimeError("bind refused")
        conn.unbind()
    return work


def fleet_sign_in(config):
    def work(rng):
        person = rng.choice(USERS)
        directory.authenticate(config, person.uid, person.password)
    return work


def login_page(server: directory_server.DirectoryServer, folder: Path):
    """``POST /login`` in this process against a scratch SQLite database with the directory's schools."""
    from dataclasses import replace

    from fleet import catalog, db, migrations
    from fleet.app import create_app

    url = f"sqlite:///{folder / 'bench-auth.sqlite3'}"
    config = Config(env="test", database_url=url, secret_key="b" * 40, public_url="https://fleet.example.lv",
                    directory=server.config())
    config = replace(config, signin_failures_per_user=10**6, signin_failures_per_address=10**6)
    app = create_app(config, instance_path=str(folder / "instance"))
    app.config["FLEET_CHECK_ANSWERS"] = False  # measure the production path, not the tests' answer check
    with app.app_context():
        migrations.upgrade(db.engine())
        session = db.session()
        catalog.create_founder(session, {"code": directory_server.FOUNDER, "name": "Dienvidkurzemes novads"})
        catalog.create_founder(session, {"code": "LIEPAJA", "name": "Liepājas valstspilsēta"})
        for reg, founder in ((directory_server.SCHOOL_A, directory_server.FOUNDER),
                             (directory_server.SCHOOL_B, "LIEPAJA"), (directory_server.SCHOOL_GROUP, "LIEPAJA")):
            catalog.create_school(session, {"registration_number": reg, "name": f"Skola {reg}", "founder": founder})
        session.commit()
    local = threading.local()

    def work(rng):
        if not hasattr(local, "client"):
            local.client = app.test_client()
            page = local.client.get("/login").get_data(as_text=True)
            local.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        person = rng.choice(USERS)
        r = local.client.post("/login", data={"username": person.uid, "password": person.password,
                                              "csrf_token": local.csrf})
        if r.status_code != 303:
            raise RuntimeError(f"sign-in answered {r.status_code}")
        local.client = None  # a new browser for the next one
        del local.client
    return work


def policy_overhead(folder: Path, requests: int, rounds: int) -> dict:
    from fleet import catalog, db, lifecycle, migrations
    from fleet.access import auth
    from fleet.app import create_app
    from fleet.models import Device

    url = f"sqlite:///{folder / 'bench-policy.sqlite3'}"
    app = create_app(Config(env="test", database_url=url, secret_key="b" * 40), instance_path=str(folder / "instance"))
    app.config["FLEET_CHECK_ANSWERS"] = False  # measure the production path, not the tests' answer check
    with app.app_context():
        migrations.upgrade(db.engine())
        session = db.session()
        catalog.create_founder(session, {"code": "RIGA", "name": "Rīga"})
        school = catalog.create_school(session, {"registration_number": "3113900701", "name": "Skola",
                                                 "founder": "RIGA"})
        laptop = Device(serial="PF0BENCH01", manufacturer="Lenovo", model="11e")
        device = lifecycle.register(session, [laptop], "bench")[0]
        for action, params in (("receive", {}), ("image", {"image": "w11"}), ("label", {}),
                               ("ship", {"school": school.registration_number}), ("arrive", {})):
            lifecycle.apply(session, device, action, params, "bench")
        auth.add_user(session, "skolas-it", "school_it", [school.registration_number])
        _, token = auth.create_token(session, "skolas-it")
        session.commit()
        principal = auth.load_principal(session, 1, "skolas-it", "school_it")
        device = session.get(Device, device.id)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/devices/{device.serial}"
    assert client.get(path, headers=headers).status_code == 200

    def get_loop(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            client.get(path, headers=headers)
        return (time.perf_counter() - start) / n

    def check_loop(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            policy.require(principal, "devices:read")
            policy.can_see_device(principal, device)
        return (time.perf_counter() - start) / n

    get_loop(200)  # warm-up
    return {"plain": statistics.median(get_loop(requests) for _ in range(rounds)),
            "check": statistics.median(check_loop(requests * 10) for _ in range(rounds))}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.auth", description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=5.0, help="seconds per sign-in measurement")
    p.add_argument("--threads", type=int, default=8, help="concurrent sign-ins")
    p.add_argument("--requests", type=int, default=2000, help="GETs per round of the policy measurement")
    p.add_argument("--rounds", type=int, default=3)
    return p.parse_args()


def run(args) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="fleet-bench-auth-"))
    server = directory_server.start()
    try:
        plain, tls = server.config(), server.config(start_tls=True, ca_file=server.ca_file)
        rows = []
        for label, threads in (("1 client", 1), (f"{args.threads} clients", args.threads)):
            fleet_rate, fleet_failed = rate(fleet_sign_in(plain), args.seconds, threads)
            base_rate, base_failed = rate(bare_bind(server, False), args.seconds, threads)
            tls_rate, tls_failed = rate(fleet_sign_in(tls), args.seconds, threads)
            base_tls, base_tls_failed = rate(bare_bind(server, True), args.seconds, threads)
            page_rate, page_failed = rate(login_page(server, folder), args.seconds, threads) \
                if threads == 1 else (float("nan"), 0)
            rows.append((label, fleet_rate, base_rate, tls_rate, base_tls, page_rate,
                         fleet_failed + base_failed + tls_failed + base_tls_failed + page_failed))
        overhead = policy_overhead(folder, args.requests, args.rounds)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)

    out = [("| directory sign-ins/s | Fleet | bare bind | ratio | Fleet, StartTLS | bare bind, StartTLS | ratio |"
            " POST /login (1 client) | errors |"),
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for label, f, b, t, bt, page, failed in rows:
        page_text = "—" if math.isnan(page) else f"{page:.0f}"
        out.append(f"| {label} | {f:.0f} | {b:.0f} | {f / b:.2f} | {t:.0f} | {bt:.0f} | {t / bt:.2f} | {page_text} "
                   f"| {failed} |")
    share = overhead["check"] / overhead["plain"]
    out += ["", "| per request | time (µs) | share of a plain GET | target | met? |", "| --- | --- | --- | --- | --- |",
            (f"| plain GET /api/v1/devices/{{serial}} (school IT, token) | {overhead['plain'] * 1e6:.0f} | 100 % "
             "| — | — |"),
            (f"| the policy check (require + can_see_device) | {overhead['check'] * 1e6:.2f} | {share:.2%} | < 5 % |"
             f" {'yes' if share < 0.05 else 'NO'} |")]
    return out


if __name__ == "__main__":
    print("\n".join(run(parse_args())))
