"""Founders, schools and contracts through /api/v1: create, read, list, and every refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from fleet.models import Contract, Founder, School
from tests.conftest import error_code
from tests.factories import ContractFactory, FounderFactory, SchoolFactory

FOUNDER = {"code": "DKN", "name": "Dienvidkurzemes novada pašvaldība"}
UNKNOWN = {"registration_number": None, "address": None}  # a founder's details not given
NO_CONTACT = {"address": None, "phone": None}  # a school's
CONTRACT = {
    "number": "IZM-2022/17",
    "supplier": "SIA Baltijas Datortehnika",
    "funding_source": "rrf",
    "unit_price": "612.40",
    "signed_on": "2022-09-15",
    "quantity": 2000,
}


def fields(response) -> list[str]:
    """The fields an ``invalid_input`` answer names, in its order."""
    return [d["field"] for d in response.get_json()["error"]["details"]]


def school_body(founder_code: str, **changes) -> dict:
    return {"registration_number": "4113900123", "name": "Grobiņas ģimnāzija", "founder": founder_code, **changes}


# --- founders -----------------------------------------------------------------------------------

def test_create_founder_answers_201_with_the_founder(api, count):
    r = api.post("founders", json=FOUNDER)
    assert r.status_code == 201
    assert r.get_json() == FOUNDER | UNKNOWN
    assert count(Founder, Founder.code == "DKN") == 1


def test_founder_code_and_name_are_trimmed(api):
    r = api.post("founders", json={"code": " DKN ", "name": "  Dienvidkurzemes novads "})
    assert r.status_code == 201
    assert r.get_json() == {"code": "DKN", "name": "Dienvidkurzemes novads"} | UNKNOWN


def test_read_one_founder(api):
    api.post("founders", json=FOUNDER)
    r = api.get("founders/DKN")
    assert r.status_code == 200
    assert r.get_json() == FOUNDER | UNKNOWN


def test_list_founders_sorted_by_code(api):
    for code in ("RIX", "AIZ", "DKN"):
        FounderFactory(code=code, name=f"{code} pašvaldība")
    r = api.get("founders")
    assert r.status_code == 200
    body = r.get_json()
    assert body["next"] is None
    assert [f["code"] for f in body["items"]] == ["AIZ", "DKN", "RIX"]
    assert body["items"][0] == {"code": "AIZ", "name": "AIZ pašvaldība"} | UNKNOWN


def test_list_founders_empty(api):
    assert api.get("founders").get_json() == {"items": [], "next": None}


@pytest.mark.parametrize(
    "body, bad",
    [
        ({}, ["code", "name"]),
        ({"code": "DKN"}, ["name"]),
        ({"name": "Novads"}, ["code"]),
        ({"code": "", "name": "Novads"}, ["code"]),
        ({"code": "DKN", "name": "   "}, ["name"]),
        ({"code": "D K N", "name": "Novads"}, ["code"]),
        ({"code": "DKN/1", "name": "Novads"}, ["code"]),
        ({"code": "X" * 33, "name": "Novads"}, ["code"]),
        ({"code": 17, "name": "Novads"}, ["code"]),
        ({"code": "DKN", "name": ["Novads"]}, ["name"]),
        ({"code": "DKN", "name": "N" * 201}, ["name"]),
        ({"code": "DKN", "name": "Novads", "colour": "red"}, ["colour"]),
    ],
)
def test_founder_bad_input_is_refused_and_nothing_stored(api, count, body, bad):
    r = api.post("founders", json=body)
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert fields(r) == bad
    assert all(d["message"] for d in r.get_json()["error"]["details"])
    assert count(Founder) == 0


def test_founder_all_field_errors_are_reported_at_once(api, count):
    r = api.post("founders", json={"code": "bad code!", "name": 5, "colour": "red", "size": 2})
    assert error_code(r) == "invalid_input"
    assert sorted(fields(r)) == ["code", "colour", "name", "size"]
    messages = {d["field"]: d["message"] for d in r.get_json()["error"]["details"]}
    assert messages["colour"] == messages["size"] == "unknown field"
    assert messages["name"] == "must be a string"
    assert count(Founder) == 0


def test_second_founder_with_the_same_code_is_a_duplicate(api, count):
    assert api.post("founders", json=FOUNDER).status_code == 201
    r = api.post("founders", json={"code": "DKN", "name": "Cits nosaukums"})
    assert r.status_code == 409
    assert error_code(r) == "duplicate"
    assert r.get_json()["error"]["details"] == {"field": "code"}
    assert count(Founder) == 1
    assert api.get("founders/DKN").get_json()["name"] == FOUNDER["name"]  # the first one is untouched


def test_unknown_founder_is_not_found(api):
    r = api.get("founders/NOPE")
    assert r.status_code == 404
    assert error_code(r) == "not_found"
    assert r.get_json()["error"]["details"] == {"ref": "NOPE"}


# --- schools ------------------------------------------------------------------------------------

def test_create_school_answers_201_with_the_school(api, count):
    founder = FounderFactory()
    r = api.post("schools", json=school_body(founder.code))
    assert r.status_code == 201
    assert r.get_json() == {"registration_number": "4113900123", "name": "Grobiņas ģimnāzija",
                            "founder": founder.code} | NO_CONTACT
    assert count(School, School.registration_number == "4113900123") == 1


def test_read_one_school(api):
    school = SchoolFactory()
    r = api.get(f"schools/{school.registration_number}")
    assert r.status_code == 200
    assert r.get_json() == {
        "registration_number": school.registration_number, "name": school.name, "founder": school.founder.code,
    } | NO_CONTACT


def test_list_schools_sorted_by_registration_number(api):
    founder = FounderFactory()
    for reg in ("4113900300", "2713900100", "4113900200"):
        SchoolFactory(registration_number=reg, founder=founder)
    body = api.get("schools").get_json()
    assert body["next"] is None
    assert [s["registration_number"] for s in body["items"]] == ["2713900100", "4113900200", "4113900300"]
    assert {s["founder"] for s in body["items"]} == {founder.code}


def test_school_registration_number_must_be_ten_digits(api, count):
    founder = FounderFactory()
    for registration_number in (
        "411390012", "41139001234", "41139OO123", "4113 900123", "+4113900123", "", 4113900123,
        "４１１３９００１２３",  # fullwidth digits: \d alone took them
    ):
        r = api.post("schools", json=school_body(founder.code, registration_number=registration_number))
        assert r.status_code == 400, registration_number
        assert error_code(r) == "invalid_input"
        assert fields(r) == ["registration_number"], registration_number
    assert count(School) == 0


def test_school_with_unknown_founder_is_refused(api, count):
    FounderFactory(code="DKN")
    r = api.post("schools", json=school_body("NOPE"))
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert fields(r) == ["founder"]
    assert "NOPE" in r.get_json()["error"]["details"][0]["message"]
    assert count(School) == 0


def test_school_all_field_errors_are_reported_at_once(api, count):
    """The unknown founder is reported together with the other fields, not after they are fixed."""
    r = api.post("schools", json={"registration_number": "123", "founder": "NOPE", "city": "Grobiņa"})
    assert r.status_code == 400
    assert sorted(fields(r)) == ["city", "founder", "name", "registration_number"]
    assert count(School) == 0


def test_school_missing_everything(api):
    r = api.post("schools", json={})
    assert sorted(fields(r)) == ["founder", "name", "registration_number"]


def test_second_school_with_the_same_registration_number_is_a_duplicate(api, count):
    founder = FounderFactory()
    assert api.post("schools", json=school_body(founder.code)).status_code == 201
    r = api.post("schools", json=school_body(founder.code, name="Cita skola"))
    assert r.status_code == 409
    assert error_code(r) == "duplicate"
    assert count(School) == 1
    assert api.get("schools/4113900123").get_json()["name"] == "Grobiņas ģimnāzija"


def test_unknown_school_is_not_found(api):
    r = api.get("schools/4113999999")
    assert r.status_code == 404
    assert error_code(r) == "not_found"


# --- contracts ----------------------------------------------------------------------------------

def test_create_contract_answers_201_with_the_contract(api, count):
    r = api.post("contracts", json=CONTRACT)
    assert r.status_code == 201
    assert r.get_json() == CONTRACT
    assert count(Contract) == 1


def test_read_one_contract_whose_number_holds_a_slash(api):
    """Contract numbers like "IZM-2022/17" are read back with the slash percent-encoded."""
    api.post("contracts", json=CONTRACT)
    r = api.get("contracts/IZM-2022%2F17")
    assert r.status_code == 200
    assert r.get_json() == CONTRACT


def test_read_one_contract(api):
    contract = ContractFactory(number="K-17", unit_price=Decimal("499.99"))
    r = api.get("contracts/K-17")
    assert r.status_code == 200
    assert r.get_json() == {
        "number": "K-17", "supplier": contract.supplier, "funding_source": "rrf",
        "unit_price": "499.99", "signed_on": None, "quantity": None,
    }


def test_a_contract_is_changed_field_by_field_and_its_quantity_checked(api, count):
    api.post("contracts", json=CONTRACT)
    r = api.patch("contracts/IZM-2022%2F17", json={"quantity": 13310})
    assert r.status_code == 200 and r.get_json() == CONTRACT | {"quantity": 13310}
    r = api.patch("contracts/IZM-2022%2F17", json={"quantity": 0, "unit_price": "x"})
    assert error_code(r) == "invalid_input" and sorted(fields(r)) == ["quantity", "unit_price"]
    assert api.get("contracts/IZM-2022%2F17").get_json()["quantity"] == 13310  # nothing changed
    assert api.patch("contracts/IZM-2022%2F17", json={"quantity": None}).get_json()["quantity"] is None
    assert error_code(api.patch("contracts/NAV-TĀDA", json={"quantity": 5})) == "not_found"


def test_list_contracts(api):
    for number in ("K-2", "K-1"):
        api.post("contracts", json={**CONTRACT, "number": number})
    body = api.get("contracts").get_json()
    assert body["next"] is None
    assert [c["number"] for c in body["items"]] == ["K-1", "K-2"]
    assert body["items"][0]["unit_price"] == "612.40"


def test_signed_on_is_optional(api):
    body = {k: v for k, v in CONTRACT.items() if k != "signed_on"}
    r = api.post("contracts", json=body)
    assert r.status_code == 201
    assert r.get_json()["signed_on"] is None


@pytest.mark.parametrize("source", ["rrf", "state_budget", "react_eu", "municipal"])
def test_every_funding_source_is_accepted(api, source):
    r = api.post("contracts", json={**CONTRACT, "funding_source": source})
    assert r.status_code == 201
    assert r.get_json()["funding_source"] == source


@pytest.mark.parametrize(
    "given, answered",
    [
        ("612.40", "612.40"),
        ("612.4", "612.40"),
        ("612", "612.00"),
        (" 612.40 ", "612.40"),
        ("0.01", "0.01"),
        ("0.10", "0.10"),
        ("9999999999.99", "9999999999.99"),
    ],
)
def test_unit_price_decimal_is_kept_exactly(api, session, given, answered):
    r = api.post("contracts", json={**CONTRACT, "unit_price": given})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["unit_price"] == answered
    assert api.get("contracts/IZM-2022%2F17").get_json()["unit_price"] == answered
    session.commit()
    stored = session.scalar(select(Contract.unit_price))
    session.commit()
    assert stored == Decimal(answered)


BAD_PRICES = [
    612.4,  # a JSON number: binary floating point, refused
    612,
    True,
    None,
    "",
    "abc",
    "612,40",
    "612.401",
    "612.400",
    "0",
    "0.00",
    "-612.40",
    "+612.40",
    "NaN",
    "Infinity",
    "1e2",  # Decimal() takes these three; a price is written plainly
    "1_000",
    "６１２.４０",
    "10000000000",  # more than NUMERIC(12, 2) holds
    ".5",
]


def test_unit_price_must_be_a_positive_decimal_string_with_two_decimals_at_most(api, count):
    for price in BAD_PRICES:
        r = api.post("contracts", json={**CONTRACT, "unit_price": price})
        assert r.status_code == 400, (price, r.get_json())
        assert error_code(r) == "invalid_input"
        assert fields(r) == ["unit_price"], price
    assert count(Contract) == 0


def test_missing_unit_price_is_refused(api, count):
    r = api.post("contracts", json={k: v for k, v in CONTRACT.items() if k != "unit_price"})
    assert fields(r) == ["unit_price"]
    assert count(Contract) == 0


def test_funding_source_must_be_one_of_four(api, count):
    for source in ("eu", "RRF", "", "state budget", 1):
        r = api.post("contracts", json={**CONTRACT, "funding_source": source})
        assert r.status_code == 400, source
        assert fields(r) == ["funding_source"], source
    assert count(Contract) == 0


def test_signed_on_must_be_a_date(api, count):
    for signed_on in ("2022-13-01", "2022-02-30", "15.09.2022", "20220915", "2022-W37-4", 20220915):
        r = api.post("contracts", json={**CONTRACT, "signed_on": signed_on})
        assert r.status_code == 400, signed_on
        assert fields(r) == ["signed_on"], signed_on
    assert count(Contract) == 0


def test_contract_all_field_errors_are_reported_at_once(api, count):
    r = api.post("contracts", json={
        "number": "", "funding_source": "eu", "unit_price": 612.4, "signed_on": "vakar", "currency": "EUR",
    })
    assert r.status_code == 400
    assert error_code(r) == "invalid_input"
    assert sorted(fields(r)) == ["currency", "funding_source", "number", "signed_on", "supplier", "unit_price"]
    assert count(Contract) == 0


def test_second_contract_with_the_same_number_is_a_duplicate(api, count):
    assert api.post("contracts", json=CONTRACT).status_code == 201
    r = api.post("contracts", json={**CONTRACT, "unit_price": "1.00"})
    assert r.status_code == 409
    assert error_code(r) == "duplicate"
    assert count(Contract) == 1
    assert api.get("contracts/IZM-2022%2F17").get_json()["unit_price"] == "612.40"


def test_unknown_contract_is_not_found(api):
    r = api.get("contracts/NOPE-1")
    assert r.status_code == 404
    assert error_code(r) == "not_found"
    assert r.get_json()["error"]["details"] == {"ref": "NOPE-1"}


def _walk(api, path: str, limit: int) -> list[list[dict]]:
    pages, after = [], None
    while True:
        body = api.get(f"{path}?limit={limit}" + (f"&after={after}" if after else "")).get_json()
        pages.append(body["items"])
        after = body["next"]
        if after is None:
            return pages


def test_schools_come_a_page_at_a_time_in_registration_order(api):
    regs = ["4113900003", "4113900001", "4113900005", "4113900002", "4113900004"]
    for reg in regs:
        SchoolFactory(registration_number=reg)
    pages = _walk(api, "schools", 2)
    assert [[s["registration_number"] for s in p] for p in pages] == [
        ["4113900001", "4113900002"], ["4113900003", "4113900004"], ["4113900005"]]


def test_founders_and_contracts_are_paged_with_the_same_cursor(api):
    for code in ("C", "A", "B"):
        FounderFactory(code=code)
    for number in ("K-2", "K-1"):
        ContractFactory(number=number)
    assert [[f["code"] for f in p] for p in _walk(api, "founders", 2)] == [["A", "B"], ["C"]]
    assert [[c["number"] for c in p] for p in _walk(api, "contracts", 1)] == [["K-1"], ["K-2"]]
    first = api.get("founders?limit=1").get_json()["next"]
    assert api.get(f"contracts?after={first}").status_code == 200  # one format, whichever the list
    for query in ("limit=0", "limit=501", "after=12", "after=eyJpZCI6ICJ4In0"):
        r = api.get(f"founders?{query}")
        assert error_code(r) == "invalid_input", query
        assert [d["field"] for d in r.get_json()["error"]["details"]] == [query.split("=")[0]]
