"""Shipments to schools (from the warehouse, or from another school: a transfer) and their arrival."""

from __future__ import annotations

from flask import Response, g

from fleet import db, refused_scans
from fleet.api import render
from fleet.api.schemas import Page, PageQuery
from fleet.http import ERROR, File, checked_nonce, created, disposition, endpoint
from labels import documents as labels_documents
from provisioning import paperwork, shipments
from provisioning.api import bp, schemas

CHANGED = {404: ERROR, 409: ERROR}


def _shipment_json(session, shipment) -> dict:
    reconciled = shipments.reconciliation(session, shipment)
    return {"id": shipment.id, "school": shipment.school.registration_number,
            "from_school": shipment.from_school.registration_number if shipment.from_school else None,
            "created_at": render.when(shipment.created_at), "created_by": shipment.created_by,
            "counts": reconciled.counts(), "missing": list(reconciled.missing),
            "unexpected": list(reconciled.unexpected), "repeated": reconciled.repeated}


@bp.post("/shipments")
@endpoint("shipments:write", body=schemas.ShipmentIn, answers={201: schemas.Shipment})
def create_shipment(body: schemas.ShipmentIn):
    """``{school, devices: [serial or asset tag, …], from_school?}``: every device is sent, or none.

    Without ``from_school`` the shipment leaves the warehouse (``ship``), with it that school
    (``transfer``)."""
    session = db.session()
    shipment = shipments.create_shipment(session, g.principal.scope, body.school, body.devices, body.from_school)
    session.commit()
    return created(_shipment_json(session, shipment))


@bp.post("/shipments/scan")
@endpoint("shipments:write", scan="ship", body=schemas.ShipScanIn, answers={200: schemas.ShipScanned, 400: ERROR,
                                                                             **CHANGED})
def ship_scan(body: schemas.ShipScanIn):
    """The packing station: ``{code, school, shipment?, nonce?}`` ships one device to the school and
    puts it on the station's open shipment (none given: a new one, started by this scan)."""
    session = db.session()
    shipment, outcome = shipments.ship_scan(session, g.principal.scope, body.school, body.code, body.shipment,
                                            body.nonce)
    session.commit()
    return {**render.outcome(outcome), "shipment": shipment.id if shipment is not None else None}


@bp.get("/shipments")
@endpoint("shipments:read", query=PageQuery, answers={200: Page[schemas.Shipment]})
def list_shipments(query: PageQuery):
    """The shipments the caller sees, newest first (school IT: those to or from its schools), each
    with its reconciliation."""
    session = db.session()
    rows, last = shipments.list_shipments(session, g.principal.scope, query.limit, query.after)
    return render.paged([_shipment_json(session, shipment) for shipment in rows], last)


@bp.get("/shipments/<int:shipment_id>")
@endpoint("shipments:read", answers={200: schemas.ShipmentDetail, 404: ERROR})
def get_shipment(shipment_id: int):
    """A shipment with its reconciliation (seen by both sides), and how many scans were refused."""
    session = db.session()
    return {**_shipment_json(session, shipments.get_shipment(session, shipment_id, g.principal.scope)),
            "refused": refused_scans.count(session, shipment_id=shipment_id)}


@bp.get("/shipments/<int:shipment_id>/packing-list.pdf")
@endpoint("shipments:read", query=schemas.PackingQuery, answers={
    200: File(("application/pdf",), "the packing list with signature lines"), 404: ERROR})
def packing_list_pdf(shipment_id: int, query: schemas.PackingQuery):
    """The packing list with signature lines; ``?box_size=N`` gives each box of N its own page."""
    session = db.session()
    packing = paperwork.packing_list(session, shipments.get_shipment(session, shipment_id, g.principal.scope))
    pdf = labels_documents.packing_list_pdf(packing, query.box_size)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": disposition(f"shipment-{shipment_id}.pdf")})


@bp.post("/shipments/<int:shipment_id>/arrive")
@endpoint("shipments:arrive", scan="arrive", body=schemas.ScanIn, answers={200: schemas.PlacedOutcome, **CHANGED})
def arrive(shipment_id: int, body: schemas.ScanIn):
    """One scan at the receiving school: ``{code, nonce?}`` → the device and ``unexpected``."""
    session = db.session()
    scope = g.principal.scope
    shipment = shipments.get_shipment(session, shipment_id, scope)
    outcome, unexpected = shipments.arrive(session, scope, shipment, body.code, checked_nonce(body.nonce))
    session.commit()
    return {**render.outcome(outcome), "unexpected": unexpected}
