"""Deliveries: the list with each one's progress, a new delivery from the supplier's manifest (CSV
or XLSX; every bad line shown, nothing imported), and a delivery's live reconciliation — expected,
found, missing, unexpected, scanned twice — which the page polls while stations scan; closing; the
report as PDF and CSV (the API's, which accepts the browser's session)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from fleet import db, refused_scans
from fleet.errors import FleetError, invalid
from fleet.i18n import _, _l
from fleet.web.pages import page
from provisioning import deliveries, listings
from provisioning.manifests import parse_manifest
from provisioning.web import bp, cursor, polling


def _list_page(refusal: FleetError | None = None, status: int = 200):
    session = db.session()
    rows, last = deliveries.list_deliveries(session, cursor.PAGE_SIZE, cursor.after())
    may_write = g.principal.scope.allows("deliveries:write")
    return render_template(
        "deliveries/list.html", deliveries=rows, progress=listings.delivery_progress(session, [d.id for d in rows]),
        next_page=cursor.next_page(last), contracts=listings.contracts(session) if may_write else [],
        may_write=may_write, refusal=refusal, chosen=request.form.get("contract"),
    ), status


@bp.get("/deliveries", endpoint="deliveries")
@page("deliveries:read")
def list_deliveries():
    return _list_page()


@bp.post("/deliveries")
@page("deliveries:write")
def create_delivery():
    """The contract and the supplier's manifest (multipart): the delivery, or the form with the file's bad lines."""
    session = db.session()
    try:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise invalid(_l("Choose the supplier's manifest file."), [{"field": "file", "message": _l("is required")}])
        rows = parse_manifest(upload.read(), upload.filename)
        delivery = deliveries.create_delivery(session, request.form.get("contract"), rows, g.principal.name)
        session.commit()
    except FleetError as e:
        session.rollback()
        return _list_page(e, e.status)
    flash(_("Delivery %(id)s created: %(n)s laptop(s) expected.", id=delivery.id, n=len(rows)), "ok")
    return redirect(url_for(".delivery", delivery_id=delivery.id), 303)


def _reconciliation(delivery_id: int) -> dict:
    session = db.session()
    delivery = deliveries.get_delivery(session, delivery_id)
    report = deliveries.report(session, delivery)
    refused = refused_scans.count(session, delivery_id=delivery_id)
    return {"delivery": delivery, "report": report, "refused": refused,
            "version": polling.version(report["counts"], refused, delivery.closed_at is not None)}


@bp.get("/deliveries/<int:delivery_id>", endpoint="delivery")
@page("deliveries:read")
def show_delivery(delivery_id: int):
    return render_template("deliveries/delivery.html", **_reconciliation(delivery_id),
                           may_write=g.principal.scope.allows("deliveries:write"))


@bp.get("/deliveries/<int:delivery_id>/reconciliation", endpoint="delivery_reconciliation")
@page("deliveries:read")
def delivery_reconciliation(delivery_id: int):
    """The reconciliation alone, which the page polls while the delivery is open (htmx's request;
    opened as a page, it is the delivery's page)."""
    return polling.answer("deliveries/reconciliation.html", lambda: _reconciliation(delivery_id),
                          lambda: show_delivery.__wrapped__(delivery_id))


@bp.post("/deliveries/<int:delivery_id>/close", endpoint="delivery_close")
@page("deliveries:write")
def close_delivery(delivery_id: int):
    """Close after the box saying so is ticked: the reconciliation is frozen, later scans are refused."""
    session = db.session()
    try:
        if request.form.get("confirm") != "yes":
            raise invalid(_l("Tick the box to confirm that the delivery is to be closed."),
                          [{"field": "confirm", "message": _l("is required")}])
        deliveries.close(session, deliveries.get_delivery(session, delivery_id, lock="update"), g.principal.name)
        session.commit()
    except FleetError as e:
        session.rollback()
        return render_template("deliveries/delivery.html", **_reconciliation(delivery_id), may_write=True,
                               refusal=e), e.status
    flash(_("Delivery %(id)s closed.", id=delivery_id), "ok")
    return redirect(url_for(".delivery", delivery_id=delivery_id), 303)
