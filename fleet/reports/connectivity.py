"""The connectivity report (the programme's third milestone): per school the diagnosis with its evidence, the
measured against the contracted speed, the bandwidth per pupil, and the costed, ranked improvement plan with
totals by founder and overall against the round's budget. ``?round=`` picks the survey round (default the
latest; an unknown code is ``not_found``; with no round at all the report still shows the measurements, every
school's answers None and no budget); computed live from the answers and the measurements
(``fleet.connectivity.facts``), judged by ``fleet.connectivity.analysis`` and costed by
``fleet.connectivity.plan`` with the thresholds and prices the ministry set (``fleet.connectivity.settings``).

Summary (its keys apart from the tables' names, which the JSON also holds): ``round``, ``budget``, the plan's
``total_cost``, what the budget ``funded`` and what ``remaining``, ``school_count``, ``diagnoses`` (the count
of each), the schools without data, the thresholds used and ``items`` (one per school: its
diagnosis, the evidence, the figures and its plan). Tables: ``schools`` (the diagnosis in words, its evidence,
the plan's cost and rank), ``figures`` (measured against contracted), ``plan`` (a row per measure),
``by_founder``, ``by_diagnosis``; charts: schools by diagnosis, the plan's cost by founder. Counts only, never a
pupil.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from fleet.connectivity import analysis, facts, plan, settings, survey
from fleet.i18n import Joined, Text, _l
from fleet.reports import Chart, Column, Params, Reach, Report, Series, Table, counting, report
from fleet.reports.scope import narrow

TITLE = _l("Connectivity of schools")
DIAGNOSIS_WORDS: dict[str, Text] = {
    "uplink": _l("The connection (provider)"), "inside_network": _l("The network inside the school"),
    "congestion": _l("Congestion at the busiest lessons"), "unstable": _l("Unstable"), "ok": _l("Fine"),
    "no_data": _l("No data")}
MEASURE_WORDS: dict[str, Text] = {
    "uplink_upgrade": _l("A faster connection"), "backup_line": _l("A backup line"),
    "access_point": _l("Access points"), "switch": _l("Switch upgrades"), "cabling": _l("Cabling")}
UNIT_WORDS: dict[str, Text] = {"school": _l("school"), "access_point": _l("access point"),
                               "switch": _l("switch"), "classroom": _l("classroom")}
SHOWN_WHEN_FINE = ("recent", "compliance")
SHORT_WORDS: dict[str, Text] = {  # the founders' table's headers
    "uplink": _l("Connection"), "inside_network": _l("Inside network"), "congestion": _l("Congestion"),
    "unstable": _l("Unstable"), "ok": _l("Fine"), "no_data": _l("No data")}
# The summary's words (render.label), beside the shared ones (given to render when a report is built: render
# imports the API's schemas, which this module, imported by pages for its words, must not pull in first).
LABELS: dict[str, Text] = {
    "round": _l("Survey round"), "code": _l("Code"), "title": _l("Title"), "deadline": _l("Deadline"),
    "total_cost": _l("Cost of the improvement plan, EUR"), "funded": _l("Funded within the budget, EUR"),
    "school_count": _l("Schools"), "diagnoses": _l("Schools by diagnosis"),
    "without_data": _l("Schools without data"),
    "thresholds": _l("Thresholds used"), "items": _l("Schools"),
    "compliance_ratio": _l("provider compliant at this share of the contracted speed"),
    "per_pupil_mbps": _l("Mbit/s per pupil"), "primary_down_mbps": _l("primary school, download Mbit/s"),
    "primary_up_mbps": _l("primary school, upload Mbit/s"),
    "secondary_down_mbps": _l("secondary school, download Mbit/s"),
    "secondary_up_mbps": _l("secondary school, upload Mbit/s"), "wifi_ratio": _l("Wi-Fi against cable"),
    "peak_ratio": _l("busiest hours against the rest"), "unstable_cv": _l("variation of the download"),
    "unstable_latency_ms": _l("latency, ms"), "recent_days": _l("measurements of the last days"),
    "min_samples": _l("fewest measurements"), "peak_from_hour": _l("busiest hours from"),
    "peak_to_hour": _l("busiest hours to"), "cabling_max_age_years": _l("oldest cabling kept, years"),
    **DIAGNOSIS_WORDS}
SCHOOL_COLUMNS = (
    Column("school", _l("School")), Column("registration_number", _l("School (VIIS number)")),
    Column("founder", _l("Founder")), Column("diagnosis", _l("Diagnosis")), Column("evidence", _l("Evidence")),
    Column("cost", _l("Plan cost, EUR"), "money"), Column("rank", _l("Rank"), "int"))
FIGURE_COLUMNS = (
    Column("school", _l("School")), Column("download_mbps", _l("Down, Mbit/s"), "decimal"),
    Column("upload_mbps", _l("Up, Mbit/s"), "decimal"), Column("latency_ms", _l("Latency, ms"), "decimal"),
    Column("contracted_down_mbps", _l("Contract, Mbit/s"), "decimal"),
    Column("compliance", _l("% of contract"), "percent"), Column("per_pupil_mbps", _l("Per pupil, Mbit/s"), "decimal"),
    Column("samples", _l("Samples"), "int"), Column("last_measured", _l("Last measured"), "date"))
PLAN_COLUMNS = (
    Column("rank", _l("Rank"), "int"), Column("school", _l("School")), Column("founder", _l("Founder")),
    Column("measure", _l("Measure")), Column("quantity", _l("Quantity"), "int"), Column("unit", _l("Unit")),
    Column("unit_price", _l("Price, EUR"), "money"), Column("cost", _l("Cost, EUR"), "money"),
    Column("pupils", _l("Pupils"), "int"), Column("pupils_per_euro", _l("Pupils/1000 EUR"), "decimal"),
    Column("within_budget", _l("Funded")))
FOUNDER_COLUMNS = (
    Column("founder", _l("Founder (code)")), Column("name", _l("Founder")), Column("schools", _l("Schools"), "int"),
    *(Column(d, SHORT_WORDS[d], "int") for d in analysis.DIAGNOSES),
    Column("cost", _l("Plan cost, EUR"), "money"), Column("within_budget", _l("Within the budget, EUR"), "money"))
DIAGNOSIS_COLUMNS = (Column("diagnosis", _l("Diagnosis")), Column("code", _l("Code")),
                     Column("schools", _l("Schools"), "int"))


def money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def _choose_round(session, params: Params):
    if params.round:
        return survey.round_by_code(session, params.round)  # not_found for an unknown code
    return survey.latest_round(session)


def _evidence(finding: analysis.Finding) -> list[dict[str, Any]]:
    return [{"check": e.check, "passed": e.passed, "figures": dict(e.figures), "words": e.words}
            for e in finding.evidence]


def _item(fact: analysis.Facts, finding: analysis.Finding, planned: plan.SchoolPlan | None) -> dict[str, Any]:
    measures = planned.measures if planned else ()
    return {"school": fact.school, "registration_number": fact.registration_number, "founder": fact.founder,
            "founder_code": fact.founder_code, "diagnosis": finding.diagnosis, "evidence": _evidence(finding),
            "download_mbps": _round(finding.download_mbps), "upload_mbps": _round(finding.upload_mbps),
            "latency_ms": _round(finding.latency_ms), "contracted_down_mbps": finding.contracted_down_mbps,
            "compliance": _round(finding.compliance, 3), "per_pupil_mbps": _round(finding.per_pupil_mbps, 3),
            "samples": finding.samples, "last_measured": finding.last_measured,
            "plan": {"rank": planned.rank if planned else None, "cost": money(planned.cost if planned else None),
                     "pupils_per_euro": planned.pupils_per_euro if planned else None,
                     "within_budget": planned.within_budget if planned else None,
                     "measures": [{"measure": m.measure, "quantity": m.quantity, "unit": m.unit,
                                   "unit_price": money(m.unit_price), "cost": money(m.cost), "reason": m.reason}
                                  for m in measures]}}


def _school_row(item: dict[str, Any], finding: analysis.Finding) -> dict[str, Any]:
    """The diagnosis in words with the evidence that led to it: the failed checks (a school found fine: its
    measurements and the provider's compliance; ``items`` in the JSON hold every check)."""
    return {"school": item["school"], "registration_number": item["registration_number"],
            "founder": item["founder"], "diagnosis": DIAGNOSIS_WORDS[item["diagnosis"]],
            "evidence": Joined([e.words for e in finding.evidence if e.passed is False] or
                               [e.words for e in finding.evidence if e.check in SHOWN_WHEN_FINE]),
            "cost": item["plan"]["cost"], "rank": item["plan"]["rank"]}


def _figure_row(item: dict[str, Any], finding: analysis.Finding) -> dict[str, Any]:
    """The measured figures (medians of the recent measurements) beside the contract."""
    compliance = item["compliance"]
    return {"school": item["school"], "download_mbps": item["download_mbps"], "upload_mbps": item["upload_mbps"],
            "latency_ms": item["latency_ms"], "contracted_down_mbps": item["contracted_down_mbps"],
            "compliance": None if compliance is None else round(compliance * 100, 1),
            "per_pupil_mbps": item["per_pupil_mbps"], "samples": item["samples"],
            "last_measured": counting.riga_day(finding.last_measured).isoformat() if finding.last_measured else None}


def _plan_rows(planned: plan.Plan) -> list[dict[str, Any]]:
    rows = []
    for p in planned.schools:
        per_thousand = None if p.pupils_per_euro is None else round(p.pupils_per_euro * 1000, 2)
        for m in p.measures:
            rows.append({"rank": p.rank, "school": p.school, "founder": p.founder,
                         "measure": MEASURE_WORDS.get(m.measure, m.measure), "quantity": m.quantity,
                         "unit": UNIT_WORDS.get(m.unit, m.unit), "unit_price": money(m.unit_price),
                         "cost": money(m.cost), "pupils": p.pupils, "pupils_per_euro": per_thousand,
                         "within_budget": p.within_budget})
    return rows


def _founder_rows(known: list[analysis.Facts], findings: dict[int, analysis.Finding],
                  planned: plan.Plan) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for fact in known:
        row = rows.setdefault(fact.founder_code, {"founder": fact.founder_code, "name": fact.founder, "schools": 0,
                                                  **dict.fromkeys(analysis.DIAGNOSES, 0),
                                                  "cost": money(Decimal(0)), "within_budget": money(Decimal(0))})
        row["schools"] += 1
        row[findings[fact.school_id].diagnosis] += 1
    for total in planned.by_founder:
        if total.founder_code in rows:
            rows[total.founder_code]["cost"] = money(total.cost)
            rows[total.founder_code]["within_budget"] = money(total.within_budget_cost)
    return sorted(rows.values(), key=lambda r: (str(r["name"]).casefold(), r["founder"]))


@report("connectivity", TITLE)
def build(session, reach: Reach, params: Params) -> Report:
    from fleet.reports import render

    render.add_labels(LABELS)
    school_ids, scope_label = narrow(session, reach, params)
    as_of = params.as_of or counting.today()
    chosen = _choose_round(session, params)
    limits = settings.thresholds(session)
    known = facts.load(session, school_ids, chosen, as_of, limits)
    findings = {f.school_id: analysis.diagnose(f, limits, as_of) for f in known}
    budget = chosen.budget if chosen is not None else None
    planned = plan.build(known, findings, settings.prices(session), limits, budget, as_of)
    plans = {p.school_id: p for p in planned.schools}
    items = [_item(f, findings[f.school_id], plans.get(f.school_id)) for f in known]
    counts = Counter(findings[f.school_id].diagnosis for f in known)
    by_diagnosis = {d: counts.get(d, 0) for d in analysis.DIAGNOSES}
    summary = {
        "round": None if chosen is None else {"code": chosen.code, "title": chosen.title,
                                              "deadline": chosen.deadline.isoformat()},
        "budget": money(planned.budget), "total_cost": money(planned.total), "funded": money(planned.funded),
        "remaining": money(planned.remaining), "school_count": len(known), "diagnoses": by_diagnosis,
        "without_data": by_diagnosis["no_data"],
        "thresholds": {k: getattr(limits, k) for k in analysis.Thresholds.__dataclass_fields__},
        "items": items}
    diagnosis_rows = [{"diagnosis": DIAGNOSIS_WORDS[d], "code": d, "schools": n} for d, n in by_diagnosis.items()]
    founder_rows = _founder_rows(known, findings, planned)
    tables = [Table("schools", _l("Schools"), SCHOOL_COLUMNS,
                    [_school_row(item, findings[f.school_id]) for item, f in zip(items, known, strict=True)]),
              Table("figures", _l("Measured against contracted"), FIGURE_COLUMNS,
                    [_figure_row(item, findings[f.school_id]) for item, f in zip(items, known, strict=True)]),
              Table("plan", _l("Improvement plan"), PLAN_COLUMNS, _plan_rows(planned)),
              Table("by_founder", _l("By founder"), FOUNDER_COLUMNS, founder_rows),
              Table("by_diagnosis", _l("By diagnosis"), DIAGNOSIS_COLUMNS, diagnosis_rows)]
    charts = [Chart("by_diagnosis", _l("Schools by diagnosis"), "bars",
                    [Series(_l("Schools"), [(str(r["diagnosis"]), r["schools"]) for r in diagnosis_rows])],
                    "by_diagnosis"),
              Chart("cost_by_founder", _l("The plan's cost by founder"), "bars",
                    [Series(_l("Plan cost, EUR"), [(str(r["name"]), float(r["cost"])) for r in founder_rows])],
                    "by_founder")]
    return Report("connectivity", TITLE, as_of, summary, tables, charts, scope_label=str(scope_label))
