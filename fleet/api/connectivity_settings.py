"""The connectivity plan's settings (``fleet.connectivity.settings``): the analysis's thresholds and the price
table, read by anyone who reads the survey, set by the ministry and admins."""

from __future__ import annotations

from dataclasses import asdict

from fleet import db
from fleet.api import bp, render
from fleet.api.schemas import Listing
from fleet.api.schemas import connectivity_settings as schemas
from fleet.connectivity import settings
from fleet.connectivity.analysis import Thresholds
from fleet.connectivity.plan import Price
from fleet.http import ERROR, endpoint
from fleet.i18n import api_locale

DEFAULTS = asdict(Thresholds())


def threshold(key: str, value: float) -> dict:
    limit = settings.LIMITS[key]
    return {"key": key, "value": value, "default": DEFAULTS[key], "low": limit.low, "high": limit.high,
            "above": limit.above, "whole": limit.whole, "unit": limit.unit.in_(api_locale())}


def price(p: Price) -> dict:
    return {"measure": p.measure, "unit": p.unit, "unit_price": f"{p.unit_price:.2f}"}


@bp.get("/connectivity/thresholds")
@endpoint("connectivity:read", answers={200: Listing[schemas.Threshold]})
def list_thresholds():
    """The analysis's thresholds in force, each with its default and its range."""
    values = asdict(settings.thresholds(db.session()))
    return render.listing([threshold(key, values[key]) for key in settings.KEYS])


@bp.put("/connectivity/thresholds/<key>")
@endpoint("connectivity:plan", body=schemas.ThresholdIn, answers={200: schemas.Threshold, 400: ERROR})
def set_threshold(key: str, body: schemas.ThresholdIn):
    """Set one threshold (``invalid_input`` naming the field for an unknown key or a value out of its range; the
    busiest hours must start before they end)."""
    values = asdict(settings.set_threshold(db.session(), key, body.value))
    db.session().commit()
    return threshold(key, values[key])


@bp.get("/connectivity/prices")
@endpoint("connectivity:read", answers={200: Listing[schemas.Price]})
def list_prices():
    """The plan's price table: each measure, what it is priced per, and the price in EUR."""
    return render.listing([price(p) for p in settings.prices(db.session()).values()])


@bp.put("/connectivity/prices/<measure>")
@endpoint("connectivity:plan", body=schemas.PriceIn, answers={200: schemas.Price, 400: ERROR})
def set_price(measure: str, body: schemas.PriceIn):
    """Set one measure's price in EUR (``invalid_input`` for an unknown measure or a price below 0)."""
    p = settings.set_price(db.session(), measure, body.unit_price)
    db.session().commit()
    return price(p)
