"""Imaging stations' reports, and the devices whose hardware differs from the manifest."""

from __future__ import annotations

from flask import g, jsonify

from fleet import db
from fleet.api import render
from fleet.http import body, endpoint
from provisioning import imaging
from provisioning.api import bp


@bp.post("/imaging")
@endpoint("imaging:write")
def report_imaging():
    """An imaging station's report ``{serial, image, station, result, error?, hardware, nonce?}``."""
    s = db.session()
    run, outcome = imaging.record(s, imaging.parse_report(body()), g.principal.name)
    s.commit()
    answer = render.outcome(outcome) if outcome else {"applied": False, "already": True}
    return jsonify({**answer, "run": _run_json(run)})


@bp.get("/imaging/mismatches")
@endpoint("deliveries:read")
def imaging_mismatches():
    rows = imaging.mismatches(db.session())
    return jsonify(render.page([{"serial": d.serial, "asset_tag": d.asset_tag, **_run_json(r)} for r, d in rows], None))


def _run_json(run) -> dict:
    return {"id": run.id, "at": render.when(run.at), "station": run.station, "image": run.image,
            "succeeded": run.succeeded, "hardware": run.hardware, "mismatches": run.mismatches}
