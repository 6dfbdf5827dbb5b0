"""The manifest workload of ``python -m scripts.bench``: import an N-row CSV manifest end to end, beside
a bare executemany of the same rows into the same three tables, in the same database and run.

Fleet: ``POST /api/v1/deliveries`` (multipart CSV, through Flask's test client in this process):
parse, validate every line, check the serials against the fleet, write the manifest lines, the
devices and their first events. Baseline: psycopg ``executemany`` of the same rows into
``delivery_items``, ``devices`` and ``events`` (no parsing, no checks, no hashes), rolled back.
Each runs three times, the order alternating; the table shows the medians.
Peak memory is Python's own allocation peak during a second import (tracemalloc slows it, so it
is measured apart from the time). Then 2,000 of the imported laptops are received by scan against
the served Fleet (``POST /deliveries/{id}/receive``), 16 stations at once, as fast as it answers.
"""

from __future__ import annotations

import http.client
import io
import json
import secrets
import statistics
import time
import tracemalloc

from sqlalchemy.orm import Session

from fleet import catalog
from fleet.access import auth
from fleet.app import create_app
from fleet.config import Config
from fleet.models import utcnow
from scripts.bench.harness import run_threads


def manifest_csv(n: int, prefix: str) -> bytes:
    lines = ["sērijas numurs;ražotājs;modelis;MAC adreses"]
    lines += [f"{prefix}{i:08d};Lenovo;ThinkPad 11e Yoga Gen 6;"
              f"3C:52:82:{i >> 16 & 255:02X}:{i >> 8 & 255:02X}:{i & 255:02X}" for i in range(n)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1257")


def bare_executemany(engine, n: int, prefix: str) -> float:
    now = utcnow()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        t0 = time.perf_counter()
        cur.execute("INSERT INTO deliveries (contract_id, created_at, created_by) "
                    "SELECT id, now(), 'bare' FROM contracts LIMIT 1 RETURNING id")
        delivery = cur.fetchone()[0]
        cur.executemany(
            "INSERT INTO delivery_items (delivery_id, line, serial, manufacturer, model, macs, po_line) "
            "VALUES (%s, %s, %s, 'Lenovo', 'ThinkPad 11e Yoga Gen 6', %s, '')",
            [(delivery, i + 2, f"{prefix}{i:08d}", json.dumps(["3C:52:82:00:00:00"])) for i in range(n)])
        cur.execute("SELECT nextval(pg_get_serial_sequence('devices', 'id')) FROM generate_series(1, %s)", (n,))
        ids = [r[0] for r in cur.fetchall()]
        cur.executemany(
            "INSERT INTO devices (id, serial, manufacturer, model, status, created_at, updated_at, history_head, "
            "history_length, delivery_id) "
            "VALUES (%s, %s, 'Lenovo', 'ThinkPad 11e Yoga Gen 6', 'expected', %s, %s, '', 1, %s)",
            [(ids[i], f"{prefix}{i:08d}", now, now, delivery) for i in range(n)])
        cur.executemany(
            "INSERT INTO events (device_id, seq, action, to_status, at, actor, data, hash) "
            "VALUES (%s, 1, 'register', 'expected', %s, 'bare', '{}', '')", [(i, now) for i in ids])
        return time.perf_counter() - t0
    finally:
        raw.rollback()
        raw.close()


def run(url: str, engine, n: int, port: int, receive: int = 2_000, clients: int = 16, rounds: int = 3) -> list[str]:
    app = create_app(Config(env="production", database_url=url, secret_key=secrets.token_hex(20),
                            public_url="https://fleet.example.lv"))
    with Session(engine) as session:
        auth.add_user(session, "manifests", "warehouse")
        _, token = auth.create_token(session, "manifests", "bench")
        catalog.create_contract(session, {"number": "BENCH-M", "supplier": "SIA Bench", "funding_source": "rrf",
                                    "unit_price": "600.00"})
        session.commit()
    client = app.test_client()

    def fleet_import(prefix: str) -> tuple[float, int]:
        data = manifest_csv(n, prefix)
        t0 = time.perf_counter()
        r = client.post("/api/v1/deliveries", headers={"Authorization": f"Bearer {token}"},
                        data={"contract": "BENCH-M", "file": (io.BytesIO(data), "manifest.csv")})
        elapsed = time.perf_counter() - t0
        if r.status_code != 201:
            raise RuntimeError(f"the manifest import failed: {r.status_code} {r.get_data(as_text=True)[:500]}")
        return elapsed, r.get_json()["id"]

    bares, fleets = [], []
    for r in range(rounds):  # alternating, as the scans: neither always runs on a fresher database
        for which in ("bare", "fleet") if r % 2 == 0 else ("fleet", "bare"):
            if which == "bare":
                bares.append(bare_executemany(engine, n, f"B{r}"))
            else:
                fleets.append(fleet_import(f"M{r}"))
    bare, fleet = statistics.median(bares), statistics.median(t for t, _ in fleets)
    delivery = fleets[0][1]
    rate, errors = receive_by_scan(port, token, delivery, [f"M0{i:08d}" for i in range(min(receive, n))], clients)
    tracemalloc.start()
    fleet_import("MT")
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    app.extensions["fleet.engine"].dispose()
    ratio = fleet / bare
    return [
        "| metric | Fleet | bare executemany | ratio | target | met? |",
        "| --- | --- | --- | --- | --- | --- |",
        (f"| import a {n:,}-row CSV manifest (s) | {fleet:.2f} | {bare:.2f} | {ratio:.2f} | < 3 s, ≤ 2 × bare | "
         f"{'yes' if fleet < 3 and ratio <= 2 else 'NO'} |"),
        (f"| … its rounds (s) | {' / '.join(f'{t:.2f}' for t, _ in fleets)} | {' / '.join(f'{t:.2f}' for t in bares)} "
         f"| — | median shown above | — |"),
        f"| peak Python memory of the import (MiB) | {peak:.0f} | — | — | — | — |",
        (f"| receiving {min(receive, n):,} of them by scan, {clients} stations (scans/s) | {rate:.0f} | — | — | — | "
         f"{'errors: ' + str(errors) if errors else '0 errors'} |"),
    ]


def receive_by_scan(port: int, token: str, delivery: int, serials: list[str], clients: int) -> tuple[float, int]:
    """Intake scans against the served Fleet, ``clients`` stations at once, as fast as it answers."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    errors = []

    def station(share: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for code in share:
            conn.request("POST", f"/api/v1/deliveries/{delivery}/receive", json.dumps({"code": code}), headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)

    t0 = time.perf_counter()
    run_threads(clients, lambda i: station(serials[i::clients]))
    return len(serials) / (time.perf_counter() - t0), len(errors)
