"""Founders' registration numbers and addresses, schools' addresses and phones, through /api/v1: set on
creation, changed with PATCH (only the fields sent; null or "" clears one), listed, and every bad value refused
with its field and reason, nothing changed."""

from __future__ import annotations

import pytest

from fleet.models import Founder, School
from tests.conftest import error_code
from tests.factories import FounderFactory, SchoolFactory

RIGA = {"code": "RIGA", "name": "Rīgas valstspilsētas pašvaldība", "registration_number": "90011524360",
        "address": "Rātslaukums 1, Rīga, LV-1050"}


def patch(api, path: str, json):
    return api.client.patch(api._url(path), json=json, headers=api.headers)


def reasons(response) -> dict[str, str]:
    return {d["field"]: d.get("reason") for d in response.get_json()["error"]["details"]}


def test_a_founder_with_its_registration_number_and_address(api, count):
    r = api.post("founders", json=RIGA)
    assert r.status_code == 201 and r.get_json() == RIGA
    assert api.get("founders/RIGA").get_json() == RIGA
    assert api.get("founders").get_json()["items"] == [RIGA]
    r = api.post("founders", json={"code": "KEK", "name": "Ķekavas novada pašvaldība",
                                   "registration_number": " 9000 0048491 ", "address": "  Gaismas   iela 19 k-9 "})
    assert r.status_code == 201
    assert (r.get_json()["registration_number"], r.get_json()["address"]) == ("90000048491", "Gaismas iela 19 k-9")
    assert count(Founder) == 2


def test_a_founders_details_are_changed_and_cleared(api, session):
    FounderFactory(code="RIGA", name="Rīga")
    r = patch(api, "founders/RIGA", json={"registration_number": "90011524360", "address": "Rātslaukums 1, Rīga"})
    assert r.status_code == 200
    assert r.get_json() == {"code": "RIGA", "name": "Rīga", "registration_number": "90011524360",
                            "address": "Rātslaukums 1, Rīga"}
    r = patch(api, "founders/RIGA", json={"name": "Rīgas valstspilsētas pašvaldība"})  # the rest is kept
    assert r.get_json()["registration_number"] == "90011524360" and r.get_json()["name"].startswith("Rīgas")
    r = patch(api, "founders/RIGA", json={"address": None, "registration_number": ""})
    assert (r.get_json()["address"], r.get_json()["registration_number"]) == (None, None)
    assert patch(api, "founders/NOPE", json={"address": "X"}).status_code == 404


@pytest.mark.parametrize("value", ["9001152436", "900115243600", "9001152436O", "LV90011524360",
                                   "９００１１５２４３６０", 90011524360, "9" * 21])
def test_a_founders_registration_number_is_eleven_digits(api, count, value):
    r = api.post("founders", json=RIGA | {"registration_number": value})
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert list(reasons(r)) == ["registration_number"]
    assert count(Founder) == 0
    FounderFactory(code="X1", name="X")
    r = patch(api, "founders/X1", json={"registration_number": value, "address": "Rātslaukums 1"})
    assert r.status_code == 400 and list(reasons(r)) == ["registration_number"]
    assert api.get("founders/X1").get_json()["address"] is None  # nothing changed: the address neither


def test_a_founders_refusals_name_their_reasons(api):
    r = api.post("founders", json=RIGA | {"registration_number": "123", "address": "A" * 301, "colour": "red"})
    assert reasons(r) == {"registration_number": "registration_number_format", "address": "too_long",
                          "colour": "unknown_field"}
    details = {d["field"]: d["message"] for d in r.get_json()["error"]["details"]}
    assert "11-digit" in details["registration_number"]
    FounderFactory(code="X2", name="X")
    r = patch(api, "founders/X2", json={"name": None, "code": "Y"})
    assert r.status_code == 400 and set(reasons(r)) == {"name", "code"}  # a name is required; a code never changes


def test_a_school_with_its_address_and_phone(api, count):
    FounderFactory(code="RIGA")
    body = {"registration_number": "4113900123", "name": "Rīgas 1. ģimnāzija", "founder": "RIGA",
            "address": "Raiņa bulvāris 8, Rīga, LV-1050", "phone": "+371 67 225 464"}
    r = api.post("schools", json=body)
    assert r.status_code == 201 and r.get_json() == body
    assert api.get("schools").get_json()["items"] == [body]
    r = patch(api, "schools/4113900123", json={"phone": "67225464"})
    assert r.status_code == 200 and r.get_json() == body | {"phone": "67225464"}
    r = patch(api, "schools/4113900123", json={"address": "", "phone": None})
    assert (r.get_json()["address"], r.get_json()["phone"]) == (None, None)
    assert patch(api, "schools/4113900999", json={"phone": "67225464"}).status_code == 404
    assert count(School) == 1


@pytest.mark.parametrize("phone", ["+371 67 012 345", "67012345", "26123456", "+371 2612-3456", "(+371) 6701 2345",
                                   "+44 20 7946 0958"])
def test_phones_as_people_write_them(api, phone):
    school = SchoolFactory()
    r = patch(api, f"schools/{school.registration_number}", json={"phone": phone})
    assert r.status_code == 200 and r.get_json()["phone"] == phone


@pytest.mark.parametrize("phone", ["1234567", "phone me", "+371 67o12345", "67 012 345 ext. 2", "++37167012345",
                                   "6701234567890123", "-67012345", 67012345, "1" * 41])
def test_a_bad_phone_is_refused_and_nothing_changed(api, count, phone):
    school = SchoolFactory(phone="67000000")
    r = patch(api, f"schools/{school.registration_number}", json={"phone": phone, "address": "Jauna iela 1"})
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert list(reasons(r)) == ["phone"]
    assert reasons(r)["phone"] in ("phone_format", "too_long", "not_text")
    got = api.get(f"schools/{school.registration_number}").get_json()
    assert (got["phone"], got["address"]) == ("67000000", None)
    r = api.post("schools", json={"registration_number": "4113900777", "name": "S", "founder": school.founder.code,
                                  "phone": phone})
    assert r.status_code == 400 and list(reasons(r)) == ["phone"]
    assert count(School) == 1


def test_only_admins_change_the_catalog(api_as):
    school = SchoolFactory()
    r = patch(api_as("school_it", school=school), f"schools/{school.registration_number}", json={"phone": "67012345"})
    assert r.status_code == 403 and error_code(r) == "forbidden"
