"""The auditor's evidence packs (admins and auditors: ``evidence:export``): ask for one, follow its progress
while ``fleet worker`` writes it (``fleet.evidence``), list them, and download the ZIP once done."""

from __future__ import annotations

from flask import current_app, g, send_file

from fleet import db, evidence
from fleet.api import bp, render
from fleet.api.schemas import Page, PageQuery
from fleet.api.schemas import evidence as schemas
from fleet.errors import FleetError
from fleet.http import ERROR, File, disposition, endpoint
from fleet.i18n import _l
from fleet.models import EvidencePack

FOUND = {404: ERROR}


def pack_json(session, pack: EvidencePack) -> dict:
    done = pack.status == "done"
    return {
        "id": pack.id, "status": pack.status, "target_date": pack.target_date.isoformat(),
        "founder": evidence.founder_code(session, pack), "agreements": pack.agreements,
        "sample": None if pack.sample_size is None else {"size": pack.sample_size, "seed": pack.sample_seed},
        "progress": {"counted": pack.counted, "written": pack.written or 0},
        "size": pack.size, "sha256": pack.sha256, "error": pack.error,
        "requested_by": pack.requested_by, "requested_at": render.when(pack.requested_at),
        "started_at": render.when(pack.started_at), "finished_at": render.when(pack.finished_at),
        "links": {"self": f"/api/v1/evidence/{pack.id}",
                  "download": f"/api/v1/evidence/{pack.id}/pack.zip" if done else None},
    }


@bp.post("/evidence")
@endpoint("evidence:export", body=schemas.EvidenceIn, answers={202: schemas.EvidencePack, **FOUND})
def request_evidence(body: schemas.EvidenceIn):
    """Ask for an evidence pack: the devices counted toward the targets by ``target_date`` (of one founder, or
    all), with their procurement, histories and signed agreements — all, a ``sample`` ``{size, seed?}`` drawn
    with a recorded seed (drawn here when not given), or none (``agreements: false``). ``fleet worker`` writes
    it; follow ``GET /evidence/{id}`` until ``done``, then download ``pack.zip``."""
    session = db.session()
    sample = None if body.sample is None else (body.sample.size, body.sample.seed)
    pack = evidence.queue(session, g.principal.name, body.target_date, body.founder, sample, body.agreements)
    session.commit()
    return pack_json(session, pack), 202


@bp.get("/evidence")
@endpoint("evidence:export", query=PageQuery, answers={200: Page[schemas.EvidencePack]})
def list_evidence(query: PageQuery):
    """The evidence packs, newest first, a page at a time."""
    session = db.session()
    packs, last = evidence.listing(session, query.limit, query.after)
    return render.paged([pack_json(session, p) for p in packs], last)


@bp.get("/evidence/<int:pack_id>")
@endpoint("evidence:export", answers={200: schemas.EvidencePack, **FOUND})
def get_evidence(pack_id: int):
    """A pack: its status (queued, running, done, failed), progress (devices counted and written so far), and
    once done its size, SHA-256 and download link; who asked for it and when."""
    session = db.session()
    return pack_json(session, evidence.get(session, pack_id))


@bp.get("/evidence/<int:pack_id>/pack.zip")
@endpoint("evidence:export", export=True, answers={
    200: File(("application/zip",), "the evidence pack", {"X-Content-SHA256": "the ZIP's SHA-256"}),
    404: ERROR, 409: ERROR})
def download_evidence(pack_id: int):
    """The pack's ZIP, streamed from the evidence directory (an export: the access log records it);
    ``conflict`` until the worker has written it."""
    session = db.session()
    pack = evidence.get(session, pack_id)
    if pack.status != "done":
        raise FleetError("conflict", _l("the evidence pack is %(status)s, not done", status=pack.status),
                         {"status": pack.status})
    config = current_app.config["FLEET"]
    path = evidence.path_of(evidence.directory(config, current_app.instance_path), pack.id)
    if not path.is_file():
        raise FleetError("not_found", _l("the evidence pack's file is gone from the evidence directory"),
                         {"ref": pack.id})
    name = f"evidence-{pack.id}-{pack.target_date.isoformat()}.zip"
    response = send_file(path, mimetype="application/zip", conditional=False, etag=False, max_age=0)
    response.headers["Content-Disposition"] = disposition(name, attachment=True)
    response.headers["X-Content-SHA256"] = pack.sha256 or ""
    return response
