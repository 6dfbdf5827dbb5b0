"""Deliveries: manifests in, intake scans, the reconciliation out."""

from __future__ import annotations

from flask import Response, g, request

from fleet import csv_export, db, display_names, refused_scans
from fleet.api import render
from fleet.api.schemas import Page, PageQuery
from fleet.errors import invalid
from fleet.http import ERROR, File, Raw, body, checked_nonce, created, disposition, endpoint
from fleet.i18n import _l, _lp
from labels.documents import reconciliation_pdf
from provisioning import deliveries, paperwork
from provisioning.api import bp, schemas
from provisioning.manifests import parse_manifest, parse_manifest_json

CHANGED = {404: ERROR, 409: ERROR}
# Described by the model and the form, checked by provisioning.manifests, which reports every bad line.
_MANIFEST = Raw({
    "application/json": schemas.DeliveryIn,
    "multipart/form-data": {"type": "object", "required": ["file", "contract"], "properties": {
        "file": {"type": "string", "contentMediaType": "application/octet-stream",
                 "description": "the supplier's manifest: CSV or XLSX"},
        "contract": {"type": "string", "minLength": 1, "maxLength": 64}}},
}, "the manifest: JSON, or a CSV/XLSX file")


def _delivery_json(session, delivery) -> dict:
    return {
        "id": delivery.id, "contract": delivery.contract.number, "created_at": render.when(delivery.created_at),
        "created_by": delivery.created_by, "closed_at": render.when(delivery.closed_at),
        "closed_by": delivery.closed_by, **deliveries.report(session, delivery),
    }


@bp.post("/deliveries")
@endpoint("deliveries:write", body=_MANIFEST, answers={201: schemas.DeliveryMade, 409: ERROR, 413: ERROR})
def create_delivery():
    """JSON ``{contract, manifest: [...]}``, or multipart ``file`` (CSV/XLSX) with a ``contract`` field."""
    session = db.session()
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        upload = request.files.get("file")
        if upload is None:
            raise invalid(_l("a manifest file is required"), [{"field": "file", "message": _l("is required")}])
        rows, contract = parse_manifest(upload.read(), upload.filename or ""), request.form.get("contract")
    else:
        data = body()
        if not isinstance(data, dict) or set(data) - {"contract", "manifest"}:
            raise invalid(_l('the body must be {"contract": …, "manifest": [ … ]}'))
        rows, contract = parse_manifest_json(data.get("manifest")), data.get("contract")
    delivery = deliveries.create_delivery(session, contract, rows, g.principal.name)
    session.commit()
    return created({"id": delivery.id, "contract": delivery.contract.number, "expected": len(rows)})


@bp.get("/deliveries")
@endpoint("deliveries:read", query=PageQuery, answers={200: Page[schemas.Delivery]})
def list_deliveries(query: PageQuery):
    """The deliveries newest first, each with its reconciliation, a page at a time."""
    session = db.session()
    rows, last = deliveries.list_deliveries(session, query.limit, query.after)
    return render.paged([_delivery_json(session, delivery) for delivery in rows], last)


@bp.get("/deliveries/<int:delivery_id>")
@endpoint("deliveries:read", answers={200: schemas.DeliveryDetail, 404: ERROR})
def get_delivery(delivery_id: int):
    """A delivery: the manifest against the intake scans, and how many scans were refused."""
    session = db.session()
    return {**_delivery_json(session, deliveries.get_delivery(session, delivery_id)),
            "refused": refused_scans.count(session, delivery_id=delivery_id)}


# The reconciliation's CSV: its columns and results in the export's language (fleet.csv_export)
REPORT_COLUMNS = (_l("serial number"), _lp("delivery report", "result"), _l("asset tag"), _l("status"),
                  _lp("delivery report", "scans"))
RESULTS = {"found": _lp("delivery result", "found"), "missing": _lp("delivery result", "missing"),
           "unexpected": _lp("delivery result", "unexpected")}


@bp.get("/deliveries/<int:delivery_id>/report.csv")
@endpoint("deliveries:read", export=True, query=csv_export.Query, answers={
    200: File(("text/csv",), "one line per serial: found, missing or unexpected"), 404: ERROR})
def delivery_report_csv(delivery_id: int, query: csv_export.Query):
    """The reconciliation as CSV (an export: recorded in the access log): one line per serial with its result,
    asset tag, status and how often it was scanned. ``;`` with a byte-order mark for Excel by default,
    ``?sep=comma`` for machines; the header and the values in ``?lang=`` (else Accept-Language, else Latvian)."""
    session = db.session()
    chosen = csv_export.options()
    rows = deliveries.report_rows(session, deliveries.get_delivery(session, delivery_id))
    with csv_export.in_language(chosen):
        header = [str(c) for c in REPORT_COLUMNS]
        named = [(serial, str(RESULTS[result]), tag, display_names.name("status", status) if status else "", scans)
                 for serial, result, tag, status, scans in rows]
    return csv_export.response(header, named, chosen, f"delivery-{delivery_id}.csv")


@bp.get("/deliveries/<int:delivery_id>/report.pdf")
@endpoint("deliveries:read", answers={200: File(("application/pdf",), "the reconciliation on one A4 page"),
                                      404: ERROR})
def delivery_report_pdf(delivery_id: int):
    """The reconciliation on one A4 page: the counts, the missing, unexpected and twice-scanned serials."""
    session = db.session()
    pdf = reconciliation_pdf(paperwork.delivery_report(session, deliveries.get_delivery(session, delivery_id)))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": disposition(f"delivery-{delivery_id}.pdf")})


@bp.post("/deliveries/<int:delivery_id>/receive")
@endpoint("deliveries:write", scan="receive", body=schemas.ScanIn, answers={200: schemas.PlacedOutcome, **CHANGED})
def receive(delivery_id: int, body: schemas.ScanIn):
    """One scan at intake: ``{code, nonce?}`` → the device, applied/already, and ``unexpected``."""
    session = db.session()
    delivery = deliveries.get_delivery(session, delivery_id, lock="share")
    outcome, unexpected = deliveries.receive(session, delivery, body.code, g.principal.name, checked_nonce(body.nonce))
    session.commit()
    return {**render.outcome(outcome), "unexpected": unexpected}


@bp.post("/deliveries/<int:delivery_id>/close")
@endpoint("deliveries:write", answers={200: schemas.Delivery, **CHANGED})
def close(delivery_id: int):
    """Freeze the reconciliation; later scans against the delivery are refused."""
    session = db.session()
    delivery = deliveries.close(session, deliveries.get_delivery(session, delivery_id, lock="update"), g.principal.name)
    session.commit()
    return _delivery_json(session, delivery)
