"""The warehouse's API under ``/api/v1``: deliveries and intake. Registered by ``create_app``."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy import select

from fleet import db, policy
from fleet.api import body, checked_nonce, created, endpoint, install_error_handlers, render
from fleet.errors import invalid
from fleet.models import Delivery
from provisioning import deliveries, imaging, shipments, stocktakes
from provisioning.manifests import parse_manifest, parse_manifest_json

bp = Blueprint("provisioning", __name__, url_prefix="/api/v1")
install_error_handlers(bp)


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




    s = db.session()
    rows = s.scalars(select(Delivery).order_by(Delivery.id.desc()).limit(200))
    return jsonify(render.page([_delivery_json(s, d) for d in rows], None))


@bp.get("/deliveries/<int:delivery_id>")
@endpoint("deliveries:read")
def get_delivery(delivery_id: int):
    s = db.session()
    return jsonify(_delivery_json(s, deliveries.get_delivery(s, delivery_id)))


@bp.get("/deliveries/<int:delivery_id>/report.csv")
@endpoint("deliveries:read")
def delivery_report_csv(delivery_id: int):
    s = db.session()
    text = deliveries.report_csv(s, deliveries.get_delivery(s, delivery_id))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="delivery-{delivery_id}.csv"'})


@bp.post("/deliveries/<int:delivery_id>/receive")
@endpoint("deliveries:write")
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


def _visible_school():
    principal = g.principal
    return (lambda school_id: school_id in principal.school_ids) if principal.school_scoped else None


def _shipment_json(session, shipment) -> dict:
    r = shipments.reconciliation(session, shipment)
    return {"id": shipment.id, "school": shipment.school.registration_number, "created_at": render.when(shipment.created_at),
            "created_by": shipment.created_by, "counts": r.counts(), "missing": list(r.missing),
            "unexpected": list(r.unexpected), "repeated": r.repeated}


@bp.post("/shipments")
@endpoint("shipments:write")
def create_shipment():
    """``{school, devices: [serial or asset tag, …]}``: every device is shipped, or none."""
    data = body()
    if not isinstance(data, dict) or set(data) - {"school", "devices"}:
        raise invalid('the body must be {"school": …, "devices": [ … ]}')
    s = db.session()
    shipment = shipments.create_shipment(s, data.get("school"), data.get("devices"), g.principal.name)
    s.commit()
    return created(_shipment_json(s, shipment))


@bp.get("/shipments/<int:shipment_id>")
@endpoint("shipments:read")
def get_shipment(shipment_id: int):
    s = db.session()
    return jsonify(_shipment_json(s, shipments.get_shipment(s, shipment_id, _visible_school())))


@bp.post("/shipments/<int:shipment_id>/arrive")
@endpoint("shipments:arrive")
def arrive(shipment_id: int):
    """One scan at the receiving school: ``{code, nonce?}`` → the device and ``unexpected``."""
    data = body()
    if not isinstance(data, dict) or set(data) - {"code", "nonce"}:
        raise invalid('the body must be {"code": …, "nonce"?: …}')
    s = db.session()
    shipment = shipments.get_shipment(s, shipment_id, _visible_school())
    principal = g.principal
    outcome, unexpected = shipments.arrive(s, shipment, data.get("code"), principal.name,
                                           lambda d: policy.can_see_device(principal, d), checked_nonce(data.get("nonce")))
    s.commit()
    return jsonify({**render.outcome(outcome), "unexpected": unexpected})


def _may_count():
    principal = g.principal
    return lambda school_id: policy.may_count(principal, school_id)


def _stocktake_json(session, stocktake) -> dict:
    return {"id": stocktake.id, "school": stocktake.school.registration_number if stocktake.school else None,
            "created_at": render.when(stocktake.created_at), "created_by": stocktake.created_by,
            "closed_at": render.when(stocktake.closed_at), "closed_by": stocktake.closed_by,
            **stocktakes.result(session, stocktake)}


@bp.post("/stocktakes")
@endpoint("stocktakes")
def start_stocktake():
    """``{school}`` for a school, ``{}`` for the warehouse: the expected set is taken now."""
    data = body()
    if not isinstance(data, dict) or set(data) - {"school"}:
        raise invalid('the body must be {"school": …} or {} for the warehouse')
    s = db.session()
    stocktake = stocktakes.start(s, data.get("school"), g.principal.name, _may_count())
    s.commit()
    return created(_stocktake_json(s, stocktake))


@bp.get("/stocktakes/<int:stocktake_id>")
@endpoint("stocktakes")
def get_stocktake(stocktake_id: int):
    s = db.session()
    return jsonify(_stocktake_json(s, stocktakes.get(s, stocktake_id, _may_count())))


@bp.post("/stocktakes/<int:stocktake_id>/scan")
@endpoint("stocktakes")
def stocktake_scan(stocktake_id: int):
    data = body()
    if not isinstance(data, dict) or set(data) - {"code"}:
        raise invalid('the body must be {"code": …}')
    s = db.session()
    stocktake = stocktakes.get(s, stocktake_id, _may_count())
    principal = g.principal
    outcome = stocktakes.scan(s, stocktake, data.get("code"), principal.name,
                              lambda d: policy.can_see_device(principal, d))
    s.commit()
    return jsonify(render.outcome(outcome))


@bp.post("/stocktakes/<int:stocktake_id>/close")
@endpoint("stocktakes")
def close_stocktake(stocktake_id: int):
    s = db.session()
    stocktake = stocktakes.close(s, stocktakes.get(s, stocktake_id, _may_count()), g.principal.name)
    s.commit()
    return jsonify(_stocktake_json(s, stocktake))
