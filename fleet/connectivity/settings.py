"""The analysis's thresholds and the plan's price table as the ministry sets them (tables
``connectivity_thresholds`` and ``connectivity_prices``, seeded by the migration with the defaults).

Each threshold has a range (``LIMITS``): the ratios (``compliance_ratio``, ``wifi_ratio``, ``peak_ratio``) 0–1;
``unstable_cv`` 0–10 (a coefficient of variation may exceed 1); speeds in Mbit/s above 0 (up to 100,000);
``unstable_latency_ms`` above 0 (up to 60,000); the busiest hours 0–24 with ``peak_from_hour`` before
``peak_to_hour``; ``recent_days`` 1–365; ``min_samples`` a whole number from 1 to 1,000;
``cabling_max_age_years`` 1–100. A price is in EUR, 0 or more (below 10,000,000,000), kept to the cent.
A value out of its range is refused (``invalid_input``, naming the field); nothing is changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.connectivity.analysis import Thresholds
from fleet.connectivity.plan import MEASURES, Price
from fleet.errors import invalid
from fleet.i18n import Text, _l, _lp
from fleet.models.base import utcnow
from fleet.models.connectivity import ConnectivityPrice, ConnectivityThreshold


@dataclass(frozen=True)
class Limit:
    """A threshold's range: ``low``/``high`` inclusive unless ``above`` (then strictly above ``low``);
    ``whole``: a whole number."""

    low: float
    high: float
    unit: Text
    above: bool = False
    whole: bool = False


RATIO, MBPS = _lp("unit", "ratio"), _l("Mbit/s")
LIMITS: dict[str, Limit] = {
    "compliance_ratio": Limit(0, 1, RATIO), "wifi_ratio": Limit(0, 1, RATIO), "peak_ratio": Limit(0, 1, RATIO),
    "unstable_cv": Limit(0, 10, RATIO),
    "per_pupil_mbps": Limit(0, 100_000, MBPS, above=True),
    "primary_down_mbps": Limit(0, 100_000, MBPS, above=True), "primary_up_mbps": Limit(0, 100_000, MBPS, above=True),
    "secondary_down_mbps": Limit(0, 100_000, MBPS, above=True),
    "secondary_up_mbps": Limit(0, 100_000, MBPS, above=True),
    "unstable_latency_ms": Limit(0, 60_000, _lp("unit", "ms"), above=True),
    "recent_days": Limit(1, 365, _lp("unit", "days"), whole=True),
    "min_samples": Limit(1, 1000, _lp("unit", "measurements"), whole=True),
    "peak_from_hour": Limit(0, 24, _lp("unit", "hour")), "peak_to_hour": Limit(0, 24, _lp("unit", "hour")),
    "cabling_max_age_years": Limit(1, 100, _lp("unit", "years")),
}
KEYS: tuple[str, ...] = tuple(f.name for f in fields(Thresholds))
# What each measure is priced per (a measure missing from the table gets this line when it is set).
UNITS: dict[str, str] = {"uplink_upgrade": "school", "backup_line": "school", "access_point": "access_point",
                         "switch": "switch", "cabling": "classroom"}
MOST = Decimal("9999999999.99")


def thresholds(session: Session) -> Thresholds:
    """The thresholds in force (a key missing from the table keeps its default)."""
    rows = session.execute(select(ConnectivityThreshold.key, ConnectivityThreshold.value)).all()
    return Thresholds(**{key: float(value) for key, value in rows if key in KEYS})


def set_threshold(session: Session, key: str, value: float) -> Thresholds:
    """One threshold changed: ``invalid_input`` for an unknown key or a value out of its range."""
    if key not in KEYS:
        raise invalid(_l("%(key)s is not a threshold; the thresholds: %(keys)s", key=str(key)[:60],
                         keys=", ".join(KEYS)), {"field": "key", "reason": "unknown_threshold", "allowed": list(KEYS)})
    number = _number(value)
    limit = LIMITS[key]
    if number is None:
        raise invalid(_l("%(key)s: a number is needed", key=key), {"field": "value", "reason": "not_a_number"})
    if limit.whole and number != int(number):
        raise invalid(_l("%(key)s: a whole number is needed", key=key), {"field": "value", "reason": "not_whole"})
    low_ok = number > limit.low if limit.above else number >= limit.low
    if not low_ok or number > limit.high:
        message = (_l("%(key)s must be above %(low)s and at most %(high)s %(unit)s", key=key, low=_g(limit.low),
                      high=_g(limit.high), unit=limit.unit) if limit.above else
                   _l("%(key)s must be from %(low)s to %(high)s %(unit)s", key=key, low=_g(limit.low),
                      high=_g(limit.high), unit=limit.unit))
        raise invalid(message, {"field": "value", "reason": "out_of_range", "low": limit.low, "high": limit.high})
    current = thresholds(session)
    after = replace(current, **{key: number})
    if after.peak_from_hour >= after.peak_to_hour:
        raise invalid(_l("the busiest hours must start before they end (from %(start)s to %(end)s)",
                         start=_g(after.peak_from_hour), end=_g(after.peak_to_hour)),
                      {"field": "value", "reason": "inconsistent"})
    row = session.get(ConnectivityThreshold, key)
    if row is None:
        session.add(ConnectivityThreshold(key=key, value=number, updated_at=utcnow()))
    else:
        row.value, row.updated_at = number, utcnow()
    session.flush()
    return after


def prices(session: Session) -> dict[str, Price]:
    """The price table by measure."""
    rows = session.scalars(select(ConnectivityPrice)).all()
    table = {r.measure: Price(r.measure, r.unit, Decimal(r.unit_price).quantize(Decimal("0.01"))) for r in rows}
    return {m: table[m] for m in MEASURES if m in table} | {m: p for m, p in table.items() if m not in MEASURES}


def set_price(session: Session, measure: str, unit_price: Decimal) -> Price:
    """One measure's price changed: ``invalid_input`` for an unknown measure or a negative price."""
    if measure not in MEASURES:
        raise invalid(_l("%(measure)s is not a measure of the plan; the measures: %(measures)s",
                         measure=str(measure)[:60], measures=", ".join(MEASURES)),
                      {"field": "measure", "reason": "unknown_measure", "allowed": list(MEASURES)})
    try:
        price = Decimal(str(unit_price).strip().replace(",", ".")) if not isinstance(unit_price, bool) else None
    except (InvalidOperation, ValueError):
        price = None
    if price is None or not price.is_finite():
        raise invalid(_l("the price must be a number of euros"), {"field": "unit_price", "reason": "not_a_number"})
    if not (-MOST <= price <= MOST) or (price := price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) < 0:
        raise invalid(_l("the price must be from 0 to %(most)s EUR", most=str(MOST)),
                      {"field": "unit_price", "reason": "out_of_range", "low": 0, "high": str(MOST)})
    row = session.get(ConnectivityPrice, measure)
    if row is None:
        row = ConnectivityPrice(measure=measure, unit=UNITS[measure], unit_price=price, updated_at=utcnow())
        session.add(row)
    else:
        row.unit_price, row.updated_at = price, utcnow()
    session.flush()
    return Price(measure, row.unit, price)


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _g(value: float) -> str:
    return f"{value:g}"
