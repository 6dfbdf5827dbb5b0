"""Deliveries: manifests in, intake scans, the reconciliation out."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from fleet import db, devices, refused_scans
from fleet.api import render
from fleet.errors import invalid
from fleet.http import body, checked_nonce, created, disposition, endpoint
from labels.documents import reconciliation_pdf
from provisioning import deliveries, paperwork
from provisioning.api import bp
from provisioning.manifests import parse_manifest, parse_manifest_json


def _delivery_json(session, d) -> dict:
    return {
        "id": d.id, "contract": d.contract.number, "created_at": render.when(d.created_at),
        "created_by": d.created_by, "closed_at": render.when(d.closed_at), "closed_by": d.closed_by,
        **deliveries.report(session, d),
    }


@bp.post("/deliveries")
@endpoint("deliveries:write")
def create_delivery():
    """JSON ``{contract, manifest: [...]}``, or multipart ``file`` (CSV/XLSX) with a ``contract`` field."""
    s = db.session()
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        upload = request.files.get("file")
        if upload is None:
            raise invalid("a manifest file is required", [{"field": "file", "message": "is required"}])
        rows, contract = parse_manifest(upload.read(), upload.filename or ""), request.form.get("contract")
    else:
        data = body()
        if not isinstance(data, dict) or set(data) - {"contract", "manifest"}:
            raise invalid('the body must be {"contract": …, "manifest": [ … ]}')
        rows, contract = parse_manifest_json(data.get("manifest")), data.get("contract")
    delivery = deliveries.create_delivery(s, contract, rows, g.principal.name)
    s.commit()
    return created({"id": delivery.id, "contract": delivery.contract.number, "expected": len(rows)})


@bp.get("/deliveries")
@endpoint("deliveries:read")
def list_deliveries():
    """``?limit=&after=``: the deliveries newest first, each with its reconciliation; the cursor is
    the one devices and shipments use."""
    s = db.session()
    after = request.args.get("after")
    rows, last = deliveries.list_deliveries(
        s, devices.parse_limit(request.args.get("limit")), devices.decode_cursor(after) if after is not None else None)
    return jsonify(render.page([_delivery_json(s, d) for d in rows], devices.encode_cursor(last) if last else None))


@bp.get("/deliveries/<int:delivery_id>")
@endpoint("deliveries:read")
def get_delivery(delivery_id: int):
    s = db.session()
    return jsonify({**_delivery_json(s, deliveries.get_delivery(s, delivery_id)),
                    "refused": refused_scans.count(s, delivery_id=delivery_id)})


@bp.get("/deliveries/<int:delivery_id>/report.csv")
@endpoint("deliveries:read", export=True)
def delivery_report_csv(delivery_id: int):
    s = db.session()
    text = deliveries.report_csv(s, deliveries.get_delivery(s, delivery_id))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": disposition(f"delivery-{delivery_id}.csv", attachment=True)})


@bp.get("/deliveries/<int:delivery_id>/report.pdf")
@endpoint("deliveries:read")
def delivery_report_pdf(delivery_id: int):
    """The reconciliation on one A4 page: the counts, the missing, unexpected and twice-scanned serials."""
    s = db.session()
    pdf = reconciliation_pdf(paperwork.delivery_report(s, deliveries.get_delivery(s, delivery_id)))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": disposition(f"delivery-{delivery_id}.pdf")})


@bp.post("/deliveries/<int:delivery_id>/receive")
@endpoint("deliveries:write", scan="receive")
def receive(delivery_id: int):
    """One scan at intake: ``{code, nonce?}`` → the device, applied/already, and ``unexpected``."""
    data = body()
    if not isinstance(data, dict) or set(data) - {"code", "nonce"}:
        raise invalid('the body must be {"code": …, "nonce"?: …}')
    nonce = checked_nonce(data.get("nonce"))
    s = db.session()
    delivery = deliveries.get_delivery(s, delivery_id, lock="share")
    outcome, unexpected = deliveries.receive(s, delivery, data.get("code"), g.principal.name, nonce)
    s.commit()
    return jsonify({**render.outcome(outcome), "unexpected": unexpected})


@bp.post("/deliveries/<int:delivery_id>/close")
@endpoint("deliveries:write")
def close(delivery_id: int):
    s = db.session()
    delivery = deliveries.close(s, deliveries.get_delivery(s, delivery_id, lock="update"), g.principal.name)
    s.commit()
    return jsonify(_delivery_json(s, delivery))
