"""Stocktakes (inventarizācija) of a school or the warehouse."""

from __future__ import annotations

from flask import g

from fleet import db, refused_scans
from fleet.api import render
from fleet.api.schemas.devices import Outcome
from fleet.http import ERROR, checked_nonce, created, endpoint
from provisioning import stocktakes
from provisioning.api import bp, schemas

CHANGED = {404: ERROR, 409: ERROR}


def _stocktake_json(session, stocktake) -> dict:
    return {"id": stocktake.id, "school": stocktake.school.registration_number if stocktake.school else None,
            "created_at": render.when(stocktake.created_at), "created_by": stocktake.created_by,
            "closed_at": render.when(stocktake.closed_at), "closed_by": stocktake.closed_by,
            **stocktakes.result(session, stocktake)}


@bp.post("/stocktakes")
@endpoint("stocktakes", body=schemas.StocktakeIn, answers={201: schemas.Stocktake})
def start_stocktake(body: schemas.StocktakeIn):
    """``{school}`` for a school, ``{}`` for the warehouse: the expected set is taken now."""
    session = db.session()
    stocktake = stocktakes.start(session, g.principal.scope, body.school)
    session.commit()
    return created(_stocktake_json(session, stocktake))


@bp.get("/stocktakes/<int:stocktake_id>")
@endpoint("stocktakes", answers={200: schemas.StocktakeDetail, 404: ERROR})
def get_stocktake(stocktake_id: int):
    """A stocktake: found, missing (with the last event), unexpected (with where it should be)."""
    session = db.session()
    return {**_stocktake_json(session, stocktakes.get(session, stocktake_id, g.principal.scope)),
            "refused": refused_scans.count(session, stocktake_id=stocktake_id)}


@bp.post("/stocktakes/<int:stocktake_id>/scan")
@endpoint("stocktakes", scan="audited", body=schemas.CountScanIn, answers={200: Outcome, **CHANGED})
def stocktake_scan(stocktake_id: int, body: schemas.CountScanIn):
    """One device counted: an ``audited`` fact in its history (its status stays). ``{code, nonce?}``:
    a station's retry (the same nonce) is answered ``already`` and not counted twice."""
    session = db.session()
    scope = g.principal.scope
    outcome = stocktakes.scan(session, scope, stocktakes.get(session, stocktake_id, scope), body.code,
                              checked_nonce(body.nonce))
    session.commit()
    return render.outcome(outcome)


@bp.post("/stocktakes/<int:stocktake_id>/close")
@endpoint("stocktakes", answers={200: schemas.Stocktake, **CHANGED})
def close_stocktake(stocktake_id: int):
    """Freeze the result; later scans are refused."""
    session = db.session()
    scope = g.principal.scope
    stocktake = stocktakes.close(session, scope, stocktakes.get(session, stocktake_id, scope))
    session.commit()
    return _stocktake_json(session, stocktake)
