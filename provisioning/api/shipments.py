"""Shipments to schools and their arrival."""

from __future__ import annotations

from flask import g, jsonify

from fleet import db, policy
from fleet.api import body, checked_nonce, created, endpoint, render
from fleet.errors import invalid
from provisioning import shipments
from provisioning.api import bp


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
