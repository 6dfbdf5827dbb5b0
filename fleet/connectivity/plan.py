"""The improvement plan, pure: for each school the measures that would remove its bottleneck, costed from the
price table; the schools ranked by pupils served per euro; totals by founder and overall against the budget
(the schools funded in rank order while the budget lasts).

Measures (``MEASURES``): ``uplink_upgrade`` (a faster line), ``backup_line`` (of another type than the main
line), ``access_point`` (more or newer access points), ``switch`` (switch upgrades), ``cabling``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from fleet.connectivity.analysis import Facts, Finding, Thresholds

MEASURES: tuple[str, ...] = ("uplink_upgrade", "backup_line", "access_point", "switch", "cabling")
UNITS: tuple[str, ...] = ("school", "access_point", "switch", "classroom")


@dataclass(frozen=True)
class Price:
    measure: str
    unit: str  # UNITS
    unit_price: Decimal


@dataclass(frozen=True)
class Measure:
    """One measure for one school: how many units, at what price, the cost, and why (a ``Text``)."""

    measure: str
    quantity: int
    unit: str
    unit_price: Decimal
    cost: Decimal
    reason: Any


@dataclass(frozen=True)
class SchoolPlan:
    """One school's measures and cost; ``pupils`` served (the survey's answer); ``pupils_per_euro`` (None when
    nothing costs anything); ``rank`` (1 is the best value; None for a school with nothing to do);
    ``within_budget``: funded when the ranked plans are paid in order from the budget (None: no budget set)."""

    school_id: int
    school: str
    registration_number: str
    founder_code: str
    founder: str
    diagnosis: str
    pupils: int | None
    measures: tuple[Measure, ...]
    cost: Decimal
    pupils_per_euro: float | None
    rank: int | None = None
    within_budget: bool | None = None
    cumulative_cost: Decimal | None = None


@dataclass(frozen=True)
class FounderTotal:
    founder_code: str
    founder: str
    schools: int  # schools with at least one measure
    cost: Decimal
    within_budget_cost: Decimal


@dataclass(frozen=True)
class Plan:
    """The ranked plans (schools with measures first by rank, then the schools with none), totals by founder
    and overall, the budget (None: not set) and what remains of it after the schools funded in order."""

    schools: tuple[SchoolPlan, ...]
    by_founder: tuple[FounderTotal, ...]
    total: Decimal
    budget: Decimal | None
    funded: Decimal  # the cost of the schools within the budget
    remaining: Decimal | None


def measures_for(facts: Facts, finding: Finding, prices: dict[str, Price], thresholds: Thresholds,
                 as_of: date) -> tuple[Measure, ...]:
    """The measures that would remove this school's bottleneck (none without submitted answers)."""
    raise NotImplementedError


def build(facts: list[Facts], findings: dict[int, Finding], prices: dict[str, Price], thresholds: Thresholds,
          budget: Decimal | None, as_of: date) -> Plan:
    """Every school's plan, ranked by pupils served per euro (ties: the lower cost, then the school's name),
    with totals by founder and overall against ``budget``."""
    raise NotImplementedError
