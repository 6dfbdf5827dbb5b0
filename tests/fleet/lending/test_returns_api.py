"""Returns through HTTP: POST /loans/{id}/return and its act, and POST /loans/collect as the scan station
sends it (the defaults, an exception, a retry with the same nonce, the class's count, scope)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.conftest import error_code
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory
from tests.page_routes import client_as


@pytest.fixture
def school():
    return SchoolFactory(name="Ķekavas vidusskola")


def lend(api, school, language="lv", grade="7.b"):
    device = DeviceFactory(status="at_school", school=school)
    pupil = PupilFactory(school=school, grade=grade)
    r = api.post("loans", json={"device": device.serial, "pupil": pupil.id, "accessories": ["charger", "bag"],
                                "language": language})
    assert r.status_code == 201, r.get_json()
    return r.get_json(), device


def text(api, url) -> str:
    r = api.get(url)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(r.data)).pages)


def test_a_return_with_the_charger_missing_and_its_act(it, school):
    loan, device = lend(it, school, language="en")
    r = it.post(f"loans/{loan['id']}/return", json={"condition": "worn", "accessories_returned": ["bag"]})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["accessories_missing"] == ["charger"] and body["return_condition"] == "worn"
    act = text(it, body["return_act"])
    assert f"No. {loan['agreement']['number']}" in act and "Accessories missing\ncharger" in act
    assert "Condition\nworn" in act and "lādētājs" not in act


def test_collect_takes_a_class_back_one_scan_at_a_time(it, school):
    lent = [lend(it, school) for _ in range(3)]
    scan = {"school": school.registration_number, "grade": "7.b"}
    r = it.post("loans/collect", json={"code": lent[0][1].asset_tag, "nonce": "a1", **scan})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["applied"], body["already"], body["status"], body["return_condition"]) == (True, False, "returned",
                                                                                            "good")
    assert body["accessories_missing"] == [] and body["grade"] == "7.b" and body["device_status"] == "at_school"
    assert body["collection"] == {"grade": "7.b", "back": 1, "total": 3} and body["pupil_name"]
    r = it.post("loans/collect", json={"code": lent[1][1].serial, "nonce": "a2", "condition": "worn",
                                       "accessories_missing": ["bag"], **scan})
    assert r.get_json()["accessories_missing"] == ["bag"] and r.get_json()["collection"]["back"] == 2
    assert "Trūkst piederumu\nsoma" in text(it, r.get_json()["return_act"])


def test_a_resent_scan_is_already_not_an_error(it, school):
    _, device = lend(it, school)
    scan = {"code": device.serial, "nonce": "same-scan", "school": school.registration_number, "grade": "7.b"}
    first = it.post("loans/collect", json=scan).get_json()
    again = it.post("loans/collect", json=scan)
    assert again.status_code == 200 and again.get_json()["already"] is True and again.get_json()["id"] == first["id"]
    twice = it.post("loans/collect", json={**scan, "nonce": "scanned-again"})
    assert twice.status_code == 200 and twice.get_json()["already"] is True
    assert twice.get_json()["collection"] == {"grade": "7.b", "back": 1, "total": 1}


def test_collect_refusals_are_coded_and_change_nothing(it, api_as, school):
    other = SchoolFactory()
    _, theirs = lend(api_as("school_it", school=other), other)
    _, ours = lend(it, school, grade="7.a")
    idle = DeviceFactory(status="at_school", school=school)
    scan = {"school": school.registration_number, "grade": "7.b"}
    assert error_code(it.post("loans/collect", json={"code": theirs.serial, **scan})) == "not_found"
    assert error_code(it.post("loans/collect", json={"code": ours.serial, **scan})) == "conflict"
    r = it.post("loans/collect", json={"code": idle.serial, **scan})
    assert error_code(r) == "conflict" and r.get_json()["error"]["details"] == {"status": "at_school"}
    assert error_code(it.post("loans/collect", json={"code": ours.serial, "school": other.registration_number})) \
        == "not_found"
    r = it.post("loans/collect", json={"code": ours.serial, "accessories_missing": ["mouse"]})
    assert error_code(r) == "invalid_input"
    assert it.get(f"devices/{ours.serial}").get_json()["status"] == "on_loan"


def test_the_act_opens_with_a_browser_session_of_its_school_only(app, it, school):
    loan, _ = lend(it, school)
    it.post(f"loans/{loan['id']}/return", json={"condition": "good", "accessories_returned": ["charger"]})
    ours = client_as(app, "school_it", school).get(f"/api/v1/loans/{loan['id']}/return-act.pdf")
    assert ours.status_code == 200 and ours.data.startswith(b"%PDF-")
    theirs = client_as(app, "school_it", SchoolFactory()).get(f"/api/v1/loans/{loan['id']}/return-act.pdf")
    assert theirs.status_code == 404
