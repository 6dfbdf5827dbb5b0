"""The benchmark's baseline: a bare Flask app that runs only the SQL one scan needs.

``POST /api/v1/scan {code, action: "image", image}`` locks the device row by serial
(``SELECT … FOR UPDATE``), sets its status and ``updated_at`` and appends one event, in one
transaction. There is no authentication, no resolver chain, no ORM and no double-scan check: it
is the floor that ``python -m scripts.bench`` compares Fleet against. It uses Fleet's own engine factory
(so the pool settings are the same) and Fleet's hash function (so the events it writes keep every
device's chain valid); both servers share one scratch database.

Served by gunicorn as ``scripts.bench.baseline_app:create_app()`` with ``FLEET_DATABASE_URL`` set.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from types import SimpleNamespace

from flask import Flask, jsonify, request
from sqlalchemy import text

from fleet.db import make_engine
from fleet.history import chain_hash

LOCK = text(
    "SELECT id, status, history_head, history_length FROM devices WHERE serial = :serial FOR UPDATE"
)
UPDATE = text(
    "UPDATE devices SET status = 'imaged', updated_at = :at, history_head = :hash, history_length = :seq"
    " WHERE id = :id"
)
INSERT = text(
    "INSERT INTO events (device_id, seq, action, from_status, to_status, at, actor, data, hash)"
    " VALUES (:id, :seq, 'image', :from_status, 'imaged', :at, 'baseline', CAST(:data AS jsonb), :hash)"
)


def create_app() -> Flask:
    app = Flask("bench_baseline")
    engine = make_engine(os.environ["FLEET_DATABASE_URL"])

    @app.get("/healthz")
    def healthz():
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return jsonify({"status": "ok"})

    @app.post("/api/v1/scan")
    def scan():
        body = request.get_json(silent=True) or {}
        serial, image = str(body.get("code", "")).strip().upper(), body.get("image")
        if body.get("action") != "image" or not isinstance(image, str) or not image:
            return jsonify({"error": "expected {code, action: image, image}"}), 400
        with engine.begin() as conn:
            device = conn.execute(LOCK, {"serial": serial}).one_or_none()
            if device is None:
                return jsonify({"error": "not_found"}), 404
            if device.status not in ("in_warehouse", "imaged"):
                return jsonify({"error": "invalid_transition"}), 409
            event = SimpleNamespace(
                seq=device.history_length + 1, action="image", from_status=device.status,
                to_status="imaged", at=datetime.now(UTC), actor="baseline",
                data={"image": image}, nonce=None,
            )
            event.hash = chain_hash(device.history_head, event, serial)
            row = {"id": device.id, "seq": event.seq, "at": event.at, "hash": event.hash,
                   "from_status": device.status, "data": json.dumps(event.data)}
            conn.execute(UPDATE, row)
            conn.execute(INSERT, row)
        return jsonify({"serial": serial, "status": "imaged", "seq": event.seq, "hash": event.hash})

    return app
