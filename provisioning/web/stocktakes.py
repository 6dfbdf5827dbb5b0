"""Stocktakes: the counts the caller may run (school IT its schools, the warehouse its own stock),
starting one, its result — seen, missing, unexpected — which the page polls while it is open, and
closing it. The counting itself is the scan station's (``/station?mode=stocktake&stocktake=…``)."""

from __future__ import annotations

from datetime import datetime

from flask import flash, g, redirect, render_template, request, url_for

from fleet import db, refused_scans
from fleet.errors import FleetError, invalid
from fleet.i18n import _, _l
from fleet.web.pages import page
from provisioning import listings, stocktakes
from provisioning.web import bp, cursor, polling


def _list_page(refusal: FleetError | None = None, status: int = 200):
    session = db.session()
    scope = g.principal.scope
    rows, last = listings.stocktakes(session, scope, cursor.PAGE_SIZE, cursor.after())
    warehouse, schools = listings.counting_places(session, scope)
    return render_template("stocktakes/list.html", stocktakes=rows, next_page=cursor.next_page(last),
                           warehouse=warehouse, schools=schools, refusal=refusal), status


@bp.get("/stocktakes", endpoint="stocktakes")
@page("stocktakes")
def list_stocktakes():
    return _list_page()


@bp.post("/stocktakes")
@page("stocktakes")
def start_stocktake():
    """Start a count at the school chosen (its registration number; empty: the warehouse)."""
    session = db.session()
    try:
        stocktake = stocktakes.start(session, g.principal.scope, request.form.get("school") or None)
        session.commit()
    except FleetError as e:
        session.rollback()
        return _list_page(e, e.status)
    flash(_("Stocktake %(id)s started: %(n)s laptop(s) expected.", id=stocktake.id, n=len(stocktake.expected)), "ok")
    return redirect(url_for(".stocktake", stocktake_id=stocktake.id), 303)


def _result(stocktake_id: int) -> dict:
    session = db.session()
    stocktake = stocktakes.get(session, stocktake_id, g.principal.scope)
    result = stocktakes.result(session, stocktake)
    for missing in result["missing"]:  # the time of the last event, shown as local time
        event = missing["last_event"]
        missing["last_event"] = {**event, "at": datetime.fromisoformat(event["at"].replace("Z", "+00:00"))}
    refused = refused_scans.count(session, stocktake_id=stocktake_id)
    return {"stocktake": stocktake, "result": result, "refused": refused,
            "version": polling.version(result["counts"], refused, stocktake.closed_at is not None)}


@bp.get("/stocktakes/<int:stocktake_id>", endpoint="stocktake")
@page("stocktakes")
def show_stocktake(stocktake_id: int):
    return render_template("stocktakes/stocktake.html", **_result(stocktake_id))


@bp.get("/stocktakes/<int:stocktake_id>/result", endpoint="stocktake_result")
@page("stocktakes")
def stocktake_result(stocktake_id: int):
    """The result alone, which the page polls while the count is open (htmx's request; opened as a
    page, it is the stocktake's page)."""
    return polling.answer("stocktakes/result.html", lambda: _result(stocktake_id),
                          lambda: show_stocktake.__wrapped__(stocktake_id))


@bp.post("/stocktakes/<int:stocktake_id>/close", endpoint="stocktake_close")
@page("stocktakes")
def close_stocktake(stocktake_id: int):
    """Close after the box saying so is ticked: the result is frozen, later scans are refused."""
    session = db.session()
    scope = g.principal.scope
    try:
        stocktake = stocktakes.get(session, stocktake_id, scope)
        if request.form.get("confirm") != "yes":
            raise invalid(_l("Tick the box to confirm that the stocktake is to be closed."),
                          [{"field": "confirm", "message": _l("is required")}])
        stocktakes.close(session, scope, stocktake)
        session.commit()
    except FleetError as e:
        session.rollback()
        if e.code == "not_found":
            raise
        return render_template("stocktakes/stocktake.html", **_result(stocktake_id), refusal=e), e.status
    flash(_("Stocktake %(id)s closed.", id=stocktake_id), "ok")
    return redirect(url_for(".stocktake", stocktake_id=stocktake_id), 303)
