"""Shipments to schools (from the warehouse, or from another school: a transfer) and their arrival."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from fleet import db, devices, refused_scans
from fleet.api import render
from fleet.errors import invalid
from fleet.http import body, checked_nonce, created, disposition, endpoint
from labels import documents as labels_documents
from provisioning import paperwork, shipments
from provisioning.api import bp


def _shipment_json(session, shipment) -> dict:
    r = shipments.reconciliation(session, shipment)
    return {"id": shipment.id, "school": shipment.school.registration_number,
            "from_school": shipment.from_school.registration_number if shipment.from_school else None,
            "created_at": render.when(shipment.created_at), "created_by": shipment.created_by,
            "counts": r.counts(), "missing": list(r.missing), "unexpected": list(r.unexpected), "repeated": r.repeated}


@bp.post("/shipments")
@endpoint("shipments:write")
def create_shipment():
    """``{school, devices: [serial or asset tag, …], from_school?}``: every device is sent, or none.
    Without ``from_school`` the shipment leaves the warehouse (``ship``), with it that school
    (``transfer``)."""
    data = body()
    if not isinstance(data, dict) or set(data) - {"school", "devices", "from_school"}:
        raise invalid('the body must be {"school": …, "devices": [ … ], "from_school"?: …}')
    s = db.session()
    shipment = shipments.create_shipment(s, g.principal.scope, data.get("school"), data.get("devices"),
                                         data.get("from_school"))
    s.commit()
    return created(_shipment_json(s, shipment))


@bp.get("/shipments")
@endpoint("shipments:read")
def list_shipments():
    """``?limit=&after=``: the shipments the caller sees, newest first (school IT: those to or
    from its schools), each with its reconciliation."""
    s = db.session()
    after = request.args.get("after")
    rows, last = shipments.list_shipments(s, g.principal.scope, devices.parse_limit(request.args.get("limit")),
                                          devices.decode_cursor(after) if after is not None else None)
    return jsonify(render.page([_shipment_json(s, x) for x in rows], devices.encode_cursor(last) if last else None))


@bp.get("/shipments/<int:shipment_id>")
@endpoint("shipments:read")
def get_shipment(shipment_id: int):
    s = db.session()
    return jsonify({**_shipment_json(s, shipments.get_shipment(s, shipment_id, g.principal.scope)),
                    "refused": refused_scans.count(s, shipment_id=shipment_id)})


@bp.get("/shipments/<int:shipment_id>/packing-list.pdf")
@endpoint("shipments:read")
def packing_list_pdf(shipment_id: int):
    """The packing list with signature lines; ``?box_size=N`` gives each box of N its own page."""
    s = db.session()
    box_size = request.args.get("box_size")
    if box_size is not None and not (box_size.isascii() and box_size.isdigit() and 1 <= int(box_size) <= 500):
        raise invalid("box_size must be a whole number 1-500", [{"field": "box_size"}])
    packing = paperwork.packing_list(s, shipments.get_shipment(s, shipment_id, g.principal.scope))
    pdf = labels_documents.packing_list_pdf(packing, int(box_size) if box_size else None)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": disposition(f"shipment-{shipment_id}.pdf")})


@bp.post("/shipments/<int:shipment_id>/arrive")
@endpoint("shipments:arrive", scan="arrive")
def arrive(shipment_id: int):
    """One scan at the receiving school: ``{code, nonce?}`` → the device and ``unexpected``."""
    data = body()
    if not isinstance(data, dict) or set(data) - {"code", "nonce"}:
        raise invalid('the body must be {"code": …, "nonce"?: …}')
    s = db.session()
    scope = g.principal.scope
    shipment = shipments.get_shipment(s, shipment_id, scope)
    outcome, unexpected = shipments.arrive(s, scope, shipment, data.get("code"), checked_nonce(data.get("nonce")))
    s.commit()
    return jsonify({**render.outcome(outcome), "unexpected": unexpected})
