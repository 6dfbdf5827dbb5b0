"""Shipments: the list the caller sees (school IT: to and from its schools), a shipment's devices
and arrival reconciliation (polled while laptops are on the way), its packing list. Building one
and receiving one happen at the scan station (``/station?mode=ship&school=…``,
``/station?mode=arrive&shipment=…``), which these pages open."""

from __future__ import annotations

from flask import g, render_template

from fleet import db, refused_scans
from fleet.web.pages import page
from provisioning import listings, shipments
from provisioning.web import bp, cursor, polling


@bp.get("/shipments", endpoint="shipments")
@page("shipments:read")
def list_shipments():
    session = db.session()
    scope = g.principal.scope
    rows, last = shipments.list_shipments(session, scope, cursor.PAGE_SIZE, cursor.after())
    may_ship = scope.allows("shipments:write") and scope.may_send("ship", None)
    return render_template("shipments/list.html", shipments=rows, next_page=cursor.next_page(last),
                           reconciled={s.id: shipments.reconciliation(session, s) for s in rows},
                           schools=listings.schools(session) if may_ship else [], may_ship=may_ship)


def _arrival(shipment_id: int) -> dict:
    session = db.session()
    scope = g.principal.scope
    shipment = shipments.get_shipment(session, shipment_id, scope)
    reconciled = shipments.reconciliation(session, shipment)
    refused = refused_scans.count(session, shipment_id=shipment_id)
    return {"shipment": shipment, "devices": listings.shipment_devices(session, shipment), "reconciled": reconciled,
            "arrived": frozenset(reconciled.found), "refused": refused,
            "may_arrive": scope.allows("shipments:arrive") and scope.may_receive(shipment.school_id),
            "version": polling.version(reconciled.counts(), refused, not reconciled.missing)}


@bp.get("/shipments/<int:shipment_id>", endpoint="shipment")
@page("shipments:read")
def show_shipment(shipment_id: int):
    return render_template("shipments/shipment.html", **_arrival(shipment_id))


@bp.get("/shipments/<int:shipment_id>/arrival", endpoint="shipment_arrival")
@page("shipments:read")
def shipment_arrival(shipment_id: int):
    """The arrival alone, which the page polls while laptops are on the way (htmx's request; opened as
    a page, it is the shipment's page)."""
    return polling.answer("shipments/arrival.html", lambda: _arrival(shipment_id),
                          lambda: show_shipment.__wrapped__(shipment_id))
