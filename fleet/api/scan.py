"""``POST /scan``: whatever the scanner typed — URL, asset tag or serial — optionally with an action
(``fleet.scanning``); and the scans that were refused."""

from __future__ import annotations

from flask import g

from fleet import db, refused_scans, scanning
from fleet.api import bp, render
from fleet.api.schemas import Page
from fleet.api.schemas import devices as schemas
from fleet.errors import invalid
from fleet.http import ERROR, SCAN_BODY, endpoint


@bp.post("/scan")
@endpoint("devices:read", scan=SCAN_BODY, body=schemas.ScanIn, answers={200: schemas.Outcome, 404: ERROR, 409: ERROR})
def scan(body: schemas.ScanIn):
    """Look a code up, or apply an action to its device (``bind``: a pre-printed label's first scan,
    with ``serial``; ``label``: confirm by scanning the label itself). A refusal is kept
    (``GET /scans/refused``)."""
    session = db.session()
    params = body.model_dump(exclude={"code", "action", "nonce"}, exclude_unset=True)
    found = scanning.scanned(session, g.principal.scope, body.code, body.action, params, body.nonce)
    session.commit()
    return render.scanned(found)


@bp.get("/scans/refused")
@endpoint("devices:read", query=schemas.RefusedScanQuery, answers={200: Page[schemas.RefusedScan], 404: ERROR})
def list_refused_scans(query: schemas.RefusedScanQuery):
    """``?delivery=|shipment=|stocktake=&limit=&after=``: the refused scans the caller may see,
    newest first — at one place (where the caller scans: ``policy.scans_at``), or all of them:
    those at its places and its own at ``/scan``."""
    session = db.session()
    given = [kind for kind in ("delivery", "shipment", "stocktake") if getattr(query, kind) is not None]
    if len(given) > 1:
        raise invalid("give at most one of delivery, shipment, stocktake", [{"field": k} for k in given])
    place = refused_scans.place_of(session, g.principal, given[0], getattr(query, given[0])) if given else {}
    rows, last = refused_scans.listing(session, g.principal, place, query.limit, query.after)
    return render.paged([render.refused_scan(r, d) for r, d in rows], last)
