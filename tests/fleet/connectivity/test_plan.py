"""The improvement plan, pure (no database): each measure's rule, and a worked example of four schools of two
founders costed from the price table, ranked by pupils per euro, totalled by founder and overall, and cut by
the budget — every figure worked out by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fleet.connectivity.analysis import Facts, Finding, Thresholds
from fleet.connectivity.plan import Price, build, measures_for

AS_OF = date(2026, 12, 4)
T = Thresholds()
PRICES = {
    "uplink_upgrade": Price("uplink_upgrade", "school", Decimal("2400.00")),
    "backup_line": Price("backup_line", "school", Decimal("600.00")),
    "access_point": Price("access_point", "access_point", Decimal("450.00")),
    "switch": Price("switch", "switch", Decimal("900.00")),
    "cabling": Price("cabling", "classroom", Decimal("700.00")),
}
# A school with nothing to do: compliant contract, a backup of another type, one Wi-Fi 5 access point per
# classroom all covered, 1 Gbit/s switches, cabling from 2018.
FINE = {"uplink_technology": "fibre", "contracted_down_mbps": 1000, "contracted_up_mbps": 300, "backup_line": True,
        "backup_technology": "mobile", "switches": 2, "switch_uplink_mbps": "1000", "access_points": 10,
        "wifi_standard": "wifi5", "classrooms": 10, "classrooms_covered": 10, "cabling_year": 2018,
        "school_level": "primary", "pupils": 100}


def school(school_id: int, name: str, founder: str = "F1", answered: bool = True, **over) -> Facts:
    names = {"F1": "Alūksnes novads", "F2": "Cēsu novads"}
    return Facts(school_id, name, f"40{school_id:05}", founder, names[founder], (FINE | over) if answered else None, 0)


def found(diagnosis: str) -> Finding:
    return Finding(diagnosis, (), 5, None, None, None, None, None, None, None)


def kinds(measures) -> dict[str, tuple[int, Decimal]]:
    return {m.measure: (m.quantity, m.cost) for m in measures}


def test_nothing_without_submitted_answers():
    assert measures_for(school(1, "A", answered=False), found("uplink"), PRICES, T, AS_OF) == ()


def test_a_fine_school_needs_nothing():
    assert measures_for(school(1, "A"), found("ok"), PRICES, T, AS_OF) == ()


def test_uplink_upgrade_for_the_diagnosis_or_a_small_contract():
    assert kinds(measures_for(school(1, "A"), found("uplink"), PRICES, T, AS_OF)) == {
        "uplink_upgrade": (1, Decimal("2400.00"))}
    # delivered, but 100 Mbit/s for 200 pupils is 0.5 each (< 1): the contract is too small, whatever the diagnosis
    small = measures_for(school(1, "A", contracted_down_mbps=100, contracted_up_mbps=30, pupils=200), found("ok"),
                         PRICES, T, AS_OF)
    assert kinds(small) == {"uplink_upgrade": (1, Decimal("2400.00"))}
    assert "0.5 Mbit/s per pupil" in small[0].reason.in_("en")
    # a secondary school on 500/100 (under the 1000/200 minimum)
    assert "uplink_upgrade" in kinds(measures_for(school(1, "A", school_level="secondary", contracted_down_mbps=500,
                                                         contracted_up_mbps=100), found("ok"), PRICES, T, AS_OF))


def test_backup_line_when_none_or_of_the_same_technology():
    none = measures_for(school(1, "A", backup_line=False, backup_technology=None), found("ok"), PRICES, T, AS_OF)
    assert kinds(none) == {"backup_line": (1, Decimal("600.00"))}
    same = measures_for(school(1, "A", backup_technology="fibre"), found("ok"), PRICES, T, AS_OF)
    assert kinds(same) == {"backup_line": (1, Decimal("600.00"))}
    assert "same technology" in same[0].reason.in_("en")


def test_access_points_to_one_per_classroom_only_when_the_network_inside_is_the_fault():
    few = school(1, "A", access_points=6)  # 10 classrooms, 6 access points, all covered
    assert measures_for(few, found("ok"), PRICES, T, AS_OF) == ()
    assert kinds(measures_for(few, found("congestion"), PRICES, T, AS_OF)) == {
        "access_point": (4, Decimal("1800.00"))}  # 4 × 450
    assert kinds(measures_for(few, found("inside_network"), PRICES, T, AS_OF))["access_point"][0] == 4


def test_access_points_for_coverage_or_wifi4_whatever_the_diagnosis():
    # 10 access points, 7 classrooms covered: 3 new, one per uncovered classroom
    assert kinds(measures_for(school(1, "A", classrooms_covered=7), found("ok"), PRICES, T, AS_OF)) == {
        "access_point": (3, Decimal("1350.00"))}
    # Wi-Fi 4: all 10 replaced; 8 access points for 10 classrooms: 2 new + 8 replaced
    assert kinds(measures_for(school(1, "A", wifi_standard="wifi4", access_points=8), found("ok"), PRICES, T,
                              AS_OF)) == {"access_point": (10, Decimal("4500.00"))}


def test_switches_with_100_mbit_uplinks_only_when_the_network_inside_is_the_fault():
    slow = school(1, "A", switch_uplink_mbps="100", switches=3)
    assert measures_for(slow, found("ok"), PRICES, T, AS_OF) == ()
    assert measures_for(slow, found("uplink"), PRICES, T, AS_OF)[0].measure == "uplink_upgrade"
    assert "switch" not in kinds(measures_for(slow, found("uplink"), PRICES, T, AS_OF))
    assert kinds(measures_for(slow, found("inside_network"), PRICES, T, AS_OF)) == {"switch": (3, Decimal("2700.00"))}


def test_cabling_per_classroom_when_old_and_the_inside_network_is_the_fault():
    old = school(1, "A", cabling_year=2010)  # 16 years in 2026: older than 15
    assert kinds(measures_for(old, found("inside_network"), PRICES, T, AS_OF)) == {
        "cabling": (10, Decimal("7000.00"))}
    assert measures_for(old, found("congestion"), PRICES, T, AS_OF) == ()
    assert measures_for(school(1, "A", cabling_year=2011), found("inside_network"), PRICES, T, AS_OF) == ()  # 15


def test_a_measure_without_a_price_is_left_out_and_costs_have_two_places():
    prices = {"backup_line": Price("backup_line", "school", Decimal("599.999"))}
    measures = measures_for(school(1, "A", backup_line=False, backup_technology=None), found("uplink"), prices, T,
                            AS_OF)
    assert [(m.measure, m.cost) for m in measures] == [("backup_line", Decimal("600.00"))]


def worked_example():
    """Four schools of two founders, and one with no answers.

    - A (Alūksnes novads) uplink: uplink_upgrade 2400 → cost 2400; 120 pupils → 120 ÷ 2400 = 0.05 per euro.
    - B (Alūksnes novads) inside_network, no backup line, 8 classrooms, 4 Wi-Fi 4 access points, 6 covered,
      3 switches at 100 Mbit/s, cabling from 2005 (21 years): backup 600 + access points (max(8−4, 8−6) = 4 new
      + 4 replaced = 8 × 450 = 3600) + switches 3 × 900 = 2700 + cabling 8 × 700 = 5600 → 12500;
      200 pupils → 0.016 per euro.
    - C (Cēsu novads) ok, backup of the same technology (fibre): 600; 60 pupils → 0.1 per euro.
    - D (Cēsu novads) ok, nothing to do. E (Cēsu novads): no answers, nothing.
    Ranking by pupils per euro: C (0.1), A (0.05), B (0.016); then D and E unranked, by name.
    """
    facts = [
        school(1, "A", "F1", pupils=120),
        school(2, "B", "F1", backup_line=False, backup_technology=None, classrooms=8, access_points=4,
               classrooms_covered=6, wifi_standard="wifi4", switches=3, switch_uplink_mbps="100", cabling_year=2005,
               pupils=200),
        school(3, "C", "F2", backup_technology="fibre", pupils=60),
        school(4, "D", "F2"),
        school(5, "E", "F2", answered=False),
    ]
    findings = {1: found("uplink"), 2: found("inside_network"), 3: found("ok"), 4: found("ok"), 5: found("no_data")}
    return facts, findings


def test_the_worked_example_ranked_by_pupils_per_euro():
    facts, findings = worked_example()
    plan = build(facts, findings, PRICES, T, None, AS_OF)
    assert [(p.school, p.rank, p.cost) for p in plan.schools] == [
        ("C", 1, Decimal("600.00")), ("A", 2, Decimal("2400.00")), ("B", 3, Decimal("12500.00")),
        ("D", None, Decimal("0.00")), ("E", None, Decimal("0.00"))]
    by_name = {p.school: p for p in plan.schools}
    assert by_name["C"].pupils_per_euro == pytest.approx(0.1)
    assert by_name["A"].pupils_per_euro == pytest.approx(0.05)
    assert by_name["B"].pupils_per_euro == pytest.approx(0.016)
    assert by_name["D"].pupils_per_euro is None and by_name["E"].pupils is None
    assert kinds(by_name["B"].measures) == {"backup_line": (1, Decimal("600.00")),
                                            "access_point": (8, Decimal("3600.00")),
                                            "switch": (3, Decimal("2700.00")), "cabling": (8, Decimal("5600.00"))}
    # no budget: nothing is judged against it; the cumulative cost runs 600, 3000, 15500
    assert [p.within_budget for p in plan.schools] == [None] * 5
    assert [p.cumulative_cost for p in plan.schools[:3]] == [Decimal("600.00"), Decimal("3000.00"),
                                                             Decimal("15500.00")]
    assert plan.total == Decimal("15500.00") and plan.budget is None and plan.remaining is None
    assert plan.funded == Decimal("0.00")


def test_the_worked_example_against_a_budget_with_totals_by_founder():
    facts, findings = worked_example()
    plan = build(facts, findings, PRICES, T, Decimal("10000.00"), AS_OF)
    # C 600 (600 ≤ 10000), A 2400 (3000 ≤ 10000), B 12500 (15500 > 10000: not funded)
    assert [(p.school, p.within_budget, p.cumulative_cost) for p in plan.schools[:3]] == [
        ("C", True, Decimal("600.00")), ("A", True, Decimal("3000.00")), ("B", False, Decimal("15500.00"))]
    assert plan.funded == Decimal("3000.00") and plan.remaining == Decimal("7000.00")
    assert plan.total == Decimal("15500.00")
    # Alūksnes novads: A and B, 2400 + 12500 = 14900, 2400 within; Cēsu novads: C only (D and E have nothing),
    # 600, all within
    assert [(t.founder, t.schools, t.cost, t.within_budget_cost) for t in plan.by_founder] == [
        ("Alūksnes novads", 2, Decimal("14900.00"), Decimal("2400.00")),
        ("Cēsu novads", 1, Decimal("600.00"), Decimal("600.00"))]


def test_a_plan_that_does_not_fit_is_skipped_and_a_cheaper_one_further_down_is_funded():
    # X: 600 for 120 pupils (0.2/EUR); Y: 2400 for 240 (0.1/EUR); Z: 600 for 30 (0.05/EUR). Budget 1500:
    # X (600), Y would make 3000 > 1500: skipped; Z makes 1200 ≤ 1500: funded; 300 remains.
    facts = [school(1, "X", backup_technology="fibre", pupils=120), school(2, "Y", pupils=240),
             school(3, "Z", "F2", backup_technology="fibre", pupils=30)]
    findings = {1: found("ok"), 2: found("uplink"), 3: found("ok")}
    plan = build(facts, findings, PRICES, T, Decimal("1500.00"), AS_OF)
    assert [(p.school, p.rank, p.within_budget, p.cumulative_cost) for p in plan.schools] == [
        ("X", 1, True, Decimal("600.00")), ("Y", 2, False, Decimal("3000.00")), ("Z", 3, True, Decimal("1200.00"))]
    assert plan.funded == Decimal("1200.00") and plan.remaining == Decimal("300.00")


def test_ties_go_to_the_lower_cost_then_the_name():
    # P: 600 for 60 = 0.1; Q: 2400 for 240 = 0.1 → P (cheaper) first; R and S both 600 for 60 → by name
    facts = [school(1, "Q", pupils=240), school(2, "S", backup_technology="fibre", pupils=60),
             school(3, "R", backup_technology="fibre", pupils=60), school(4, "P", backup_technology="fibre", pupils=60)]
    findings = {1: found("uplink"), 2: found("ok"), 3: found("ok"), 4: found("ok")}
    plan = build(facts, findings, PRICES, T, None, AS_OF)
    assert [p.school for p in plan.schools] == ["P", "R", "S", "Q"]


def test_a_missing_finding_is_diagnosed_from_the_facts():
    plan = build([school(1, "A")], {}, PRICES, T, None, AS_OF)
    assert plan.schools[0].diagnosis == "no_data" and plan.schools[0].rank is None
