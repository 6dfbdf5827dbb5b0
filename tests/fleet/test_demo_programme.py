"""The demo's programme story (``fleet.demo.programme``): hand-outs at several founders' schools signed through
2022 and 2023 give the milestone chart a history, the contracts have their quantities, REACT-EU's register
holds one lent serial (the double funding the funding report lists) and the roll-ups are fresh at once."""

from tests.fleet.test_demo import demo  # noqa: F401  (the demo loaded; ``fleet`` is conftest's)


def test_the_demo_milestones_have_a_history_by_founder(demo):  # noqa: F811
    body = demo("reports/milestones?as_of=2023-12-31")
    assert body["refreshed_at"]
    achieved = [t["achieved"] for t in body["targets"]]
    assert 0 < achieved[0] < achieved[1] == body["provided"]
    founders = {f["founder"] for f in body["by_founder"] if f["provided"]}
    assert {"RIGA", "VALMIERA"} <= founders
    assert body["waiting_for_signature"] >= 1


def test_the_demo_has_a_planted_double_funding_and_contract_quantities(demo):  # noqa: F811
    rows = demo("reports/lists/double_funding")["items"]
    assert any(row.get("kind") == "other_fund" or "other_fund" in str(row) for row in rows), rows
    contracts = demo("contracts")
    items = contracts["items"] if isinstance(contracts, dict) else contracts
    assert {c["number"]: c["quantity"] for c in items} == {"IZM-2022/2.3.2.3.i-01": 60, "IZM-2023/2.3.2.3.i-02": 40}


def test_the_demo_survey_has_one_school_of_each_diagnosis_and_a_budget_that_funds_part_of_the_plan(demo):  # noqa: F811
    body = demo("reports/connectivity")
    assert body["round"]["code"] == "2026" and body["budget"] == "30000.00"
    assert {i["school"]: i["diagnosis"] for i in body["items"]} == {
        "Rīgas Purvciema vidusskola": "inside_network", "Rīgas 64. vidusskola": "uplink",
        "Grobiņas vidusskola": "congestion", "Valmieras Pārgaujas ģimnāzija": "no_data"}
    funded = [i["plan"]["within_budget"] for i in body["items"] if i["diagnosis"] != "no_data"]
    assert True in funded and False in funded  # the budget pays for part of the plan, in rank order
