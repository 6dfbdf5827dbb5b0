"""Imaging stations' reports, and the devices whose hardware differs from the manifest."""

from __future__ import annotations

from flask import g

from fleet import db
from fleet.api import render
from fleet.api.schemas import Page, PageQuery
from fleet.http import ERROR, Raw, body, endpoint
from provisioning import imaging
from provisioning.api import bp, schemas

# Described by the model, checked by provisioning.imaging, which reports every bad field at once.
_REPORT = Raw({"application/json": schemas.ImagingIn}, "an imaging station's report")


@bp.post("/imaging")
@endpoint("imaging:write", body=_REPORT, answers={200: schemas.ImagingResult, 404: ERROR, 409: ERROR})
def report_imaging():
    """An imaging station's report ``{serial, image, station, result, error?, hardware, nonce?}``."""
    session = db.session()
    run, outcome = imaging.record(session, imaging.parse_report(body()), g.principal.name)
    session.commit()
    answer = render.outcome(outcome) if outcome else {"applied": False, "already": True}
    return {**answer, "run": _run_json(run)}


@bp.get("/imaging/mismatches")
@endpoint("deliveries:read", query=PageQuery, answers={200: Page[schemas.Mismatch]})
def imaging_mismatches(query: PageQuery):
    """The devices whose latest imaging run found hardware that differs from the manifest, newest first."""
    rows, last = imaging.mismatches(db.session(), query.limit, query.after)
    return render.paged([{"serial": d.serial, "asset_tag": d.asset_tag, **_run_json(r)} for r, d in rows], last)


def _run_json(run) -> dict:
    return {"id": run.id, "at": render.when(run.at), "station": run.station, "image": run.image,
            "succeeded": run.succeeded, "hardware": run.hardware, "mismatches": run.mismatches}
