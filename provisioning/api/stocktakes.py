"""Stocktakes (inventarizācija) of a school or the warehouse."""

from __future__ import annotations

from flask import g, jsonify

from fleet import db, refused_scans
from fleet.api import render
from fleet.errors import invalid
from fleet.http import body, created, endpoint
from provisioning import stocktakes
from provisioning.api import bp


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
    stocktake = stocktakes.start(s, g.principal.scope, data.get("school"))
    s.commit()
    return created(_stocktake_json(s, stocktake))


@bp.get("/stocktakes/<int:stocktake_id>")
@endpoint("stocktakes")
def get_stocktake(stocktake_id: int):
    s = db.session()
    return jsonify({**_stocktake_json(s, stocktakes.get(s, stocktake_id, g.principal.scope)),
                    "refused": refused_scans.count(s, stocktake_id=stocktake_id)})


@bp.post("/stocktakes/<int:stocktake_id>/scan")
@endpoint("stocktakes", scan="audited")
def stocktake_scan(stocktake_id: int):
    data = body()
    if not isinstance(data, dict) or set(data) - {"code"}:
        raise invalid('the body must be {"code": …}')
    s = db.session()
    scope = g.principal.scope
    outcome = stocktakes.scan(s, scope, stocktakes.get(s, stocktake_id, scope), data.get("code"))
    s.commit()
    return jsonify(render.outcome(outcome))


@bp.post("/stocktakes/<int:stocktake_id>/close")
@endpoint("stocktakes")
def close_stocktake(stocktake_id: int):
    s = db.session()
    scope = g.principal.scope
    stocktake = stocktakes.close(s, scope, stocktakes.get(s, stocktake_id, scope))
    s.commit()
    return jsonify(_stocktake_json(s, stocktake))
