"""The improvement plan, pure: for each school the measures that would remove its bottleneck, costed from the
price table; the schools ranked by pupils served per euro; totals by founder and overall against the budget
(the schools funded in rank order while the budget lasts).

Measures (``MEASURES``), only for a school with submitted answers, each with its reason:

- ``uplink_upgrade`` (1 per school): the diagnosis is ``uplink``, or the contract is below the level's minimum
  (DfE) or below ``per_pupil_mbps`` per pupil (FCC/SETDA), whatever the measurements say.
- ``backup_line`` (1 per school): there is no backup line, or it is of the same technology as the main line
  (DfE: a backup of another type), whatever the diagnosis.
- ``access_point``: one per classroom — ``max(0, classrooms − access_points, classrooms − classrooms_covered)``
  new ones, plus every existing one replaced when they are Wi-Fi 4. Made when the diagnosis is
  ``inside_network`` or ``congestion``, and whatever the diagnosis when classrooms lack coverage or the access
  points are Wi-Fi 4.
- ``switch``: every switch, when their uplinks are 100 Mbit/s and the diagnosis is ``inside_network`` or
  ``congestion`` (a 100 Mbit/s switch in a school whose measurements show no fault inside is not the bottleneck
  now, so it waits).
- ``cabling`` (per classroom): the cabling is older than ``cabling_max_age_years`` and the diagnosis is
  ``inside_network``.

A measure whose price is missing from the table is left out. cost = quantity × unit price (EUR, 2 places);
pupils per euro = pupils ÷ the school's cost. The schools with a cost are ranked by pupils per euro, best first
(ties: the lower cost, then the name); the others follow, unranked. The budget pays the ranked plans in order;
a plan that does not fit what remains is skipped and the next, cheaper one may still be funded (the budget is
not left idle while a school further down fits). ``cumulative_cost``: what is funded once this school is paid
(for a skipped school, what it would have been).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from fleet.connectivity.analysis import Facts, Finding, Thresholds, contract_checks, diagnose
from fleet.connectivity.questionnaire import CHOICE_LABELS
from fleet.i18n import Joined, Text, _l

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


CENT = Decimal("0.01")
NETWORK_FAULTS = ("inside_network", "congestion")


def measures_for(facts: Facts, finding: Finding, prices: dict[str, Price], thresholds: Thresholds,
                 as_of: date) -> tuple[Measure, ...]:
    """The measures that would remove this school's bottleneck (none without submitted answers)."""
    a = facts.answers
    if not a:
        return ()
    wanted: list[tuple[str, int, Text]] = []
    contract = [e for e in contract_checks(a, thresholds) if e.passed is False]
    if finding.diagnosis == "uplink" or contract:
        why = [_l("the provider delivers less than contracted")] if (
            finding.diagnosis == "uplink" and not contract) else []
        why += [e.words for e in contract]
        wanted.append(("uplink_upgrade", 1, why[0] if len(why) == 1 else _join(why)))
    if a.get("backup_line") is False or a.get("backup_line") is None:
        wanted.append(("backup_line", 1, _l("there is no backup line; a backup of another type than the main line "
                                             "keeps the school online")))
    elif a.get("backup_technology") and a.get("backup_technology") == a.get("uplink_technology"):
        tech = CHOICE_LABELS.get(a["backup_technology"], a["backup_technology"])
        wanted.append(("backup_line", 1, _l("the backup line is of the same technology as the main line (%(tech)s); "
                                             "a backup of another type is needed", tech=tech)))
    fault = finding.diagnosis in NETWORK_FAULTS
    rooms, aps = int(a.get("classrooms") or 0), int(a.get("access_points") or 0)
    covered = int(a.get("classrooms_covered") if a.get("classrooms_covered") is not None else rooms)
    wifi4 = a.get("wifi_standard") == "wifi4"
    if fault or wifi4 or covered < rooms:
        new = max(0, rooms - aps, rooms - covered)
        replaced = aps if wifi4 else 0
        if new + replaced:
            why = []
            if new:
                why.append(_l("%(new)s new access points: one per classroom (%(rooms)s classrooms, %(aps)s access "
                              "points, %(covered)s covered)", new=new, rooms=rooms, aps=aps, covered=covered))
            if replaced:
                why.append(_l("%(n)s Wi-Fi 4 access points replaced", n=replaced))
            wanted.append(("access_point", new + replaced, why[0] if len(why) == 1 else _join(why)))
    switches = int(a.get("switches") or 0)
    if fault and a.get("switch_uplink_mbps") == "100" and switches:
        wanted.append(("switch", switches, _l("%(n)s switches with 100 Mbit/s uplinks, and the network inside the "
                                              "school is the fault", n=switches)))
    year = a.get("cabling_year")
    if finding.diagnosis == "inside_network" and year and as_of.year - int(year) > thresholds.cabling_max_age_years:
        wanted.append(("cabling", rooms, _l("the cabling is %(age)s years old (more than %(limit)s), and the network "
                                            "inside the school is the fault", age=as_of.year - int(year),
                                            limit=int(thresholds.cabling_max_age_years))))
    out = []
    for measure, quantity, reason in wanted:
        price = prices.get(measure)
        if price is None or quantity <= 0:
            continue
        out.append(Measure(measure, quantity, price.unit, price.unit_price,
                           (price.unit_price * quantity).quantize(CENT), reason))
    return tuple(out)


def build(facts: list[Facts], findings: dict[int, Finding], prices: dict[str, Price], thresholds: Thresholds,
          budget: Decimal | None, as_of: date) -> Plan:
    """Every school's plan, ranked by pupils served per euro (ties: the lower cost, then the school's name),
    with totals by founder and overall against ``budget``."""
    plans = []
    for f in facts:
        finding = findings.get(f.school_id) or diagnose(f, thresholds, as_of)
        measures = measures_for(f, finding, prices, thresholds, as_of)
        cost = sum((m.cost for m in measures), Decimal("0.00")).quantize(CENT)
        pupils = (f.answers or {}).get("pupils")
        pupils = int(pupils) if pupils is not None else None
        ppe = pupils / float(cost) if cost > 0 and pupils else None
        plans.append(SchoolPlan(f.school_id, f.school, f.registration_number, f.founder_code, f.founder,
                                finding.diagnosis, pupils, measures, cost, ppe))
    costed = sorted((p for p in plans if p.cost > 0),
                    key=lambda p: (-(p.pupils_per_euro or 0.0), p.cost, p.school, p.school_id))
    rest = sorted((p for p in plans if p.cost <= 0), key=lambda p: (p.school, p.school_id))
    funded = Decimal("0.00")
    ranked = []
    for rank, p in enumerate(costed, start=1):
        cumulative = (funded + p.cost).quantize(CENT)
        within = None if budget is None else cumulative <= budget
        if within or budget is None:
            funded = cumulative
        ranked.append(replace(p, rank=rank, within_budget=within, cumulative_cost=cumulative))
    schools = tuple(ranked + rest)
    founders: dict[str, FounderTotal] = {}
    for p in schools:
        t = founders.get(p.founder_code) or FounderTotal(p.founder_code, p.founder, 0, Decimal("0.00"),
                                                         Decimal("0.00"))
        founders[p.founder_code] = FounderTotal(
            t.founder_code, t.founder, t.schools + (1 if p.measures else 0), t.cost + p.cost,
            t.within_budget_cost + (p.cost if p.within_budget else Decimal("0.00")))
    total = sum((p.cost for p in schools), Decimal("0.00")).quantize(CENT)
    spent = sum((p.cost for p in schools if p.within_budget), Decimal("0.00")).quantize(CENT)
    return Plan(schools, tuple(sorted(founders.values(), key=lambda t: (t.founder, t.founder_code))), total,
                budget, spent, None if budget is None else (budget - spent).quantize(CENT))


def _join(parts: list[Text]) -> Text:
    return Joined(parts)
