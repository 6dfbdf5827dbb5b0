"""The analysis's thresholds and the plan's price table as the ministry sets them (tables
``connectivity_thresholds`` and ``connectivity_prices``, seeded by the migration with the defaults).

(Stub: the signatures the pages, the API, the CLI and the report code against.)
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from fleet.connectivity.analysis import Thresholds
from fleet.connectivity.plan import Price


def thresholds(session: Session) -> Thresholds:
    """The thresholds in force (a key missing from the table keeps its default)."""
    raise NotImplementedError


def set_threshold(session: Session, key: str, value: float) -> Thresholds:
    """One threshold changed: ``invalid_input`` for an unknown key or a value out of its range."""
    raise NotImplementedError


def prices(session: Session) -> dict[str, Price]:
    """The price table by measure."""
    raise NotImplementedError


def set_price(session: Session, measure: str, unit_price: Decimal) -> Price:
    """One measure's price changed: ``invalid_input`` for an unknown measure or a negative price."""
    raise NotImplementedError
