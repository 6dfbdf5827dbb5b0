"""The desk's return page through the Flask test client: scan → whose it is and what was lent, the return
with a missing charger and its act, damaged to repair, refusals in words with their codes (not on loan,
another school's laptop), the school's choice; and the scan station's collect mode as configured."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from fleet.access.policy import Principal, Scope
from fleet.lending import loans
from fleet.models import Loan
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory, current_session
from tests.page_routes import PageRoute, client_as


@pytest.fixture
def school():
    return SchoolFactory(name="Ķekavas vidusskola")


def lend(school, language="lv", grade="7.b", **pupil):
    session = current_session()
    pupil = PupilFactory(school=school, grade=grade, **pupil)
    device = DeviceFactory(status="at_school", school=school)
    everyone = Scope.of(Principal(0, "factory", "admin"))
    handed = loans.hand_over(session, everyone, loans.HandOver(device.serial, pupil.id, ["charger", "bag"], language),
                             "https://fleet.example.lv")
    session.commit()
    return handed


def post(client, form: dict):
    return PageRoute("POST", "", "/desk/return", frozenset(), form=form).call(client, {})


def test_scan_shows_whose_it_is_and_what_was_lent(app, school):
    handed = lend(school, given_name="Līga", family_name="Kalniņa")
    client = client_as(app, "school_it", school)
    r = client.get("/desk/return", query_string={"code": handed.loan.device.asset_tag})
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    for expected in ("Līga Kalniņa", "7.b", handed.agreement.number, "lādētājs", "soma", "jauns",
                     'id="accessory-charger" checked', 'id="condition-good" checked', "nolietots", "bojāts"):
        assert expected in body, expected
    assert 'name="school" value="' + school.registration_number in body  # the only school, chosen by itself


def test_a_return_with_the_charger_missing_then_its_act(app, school):
    handed = lend(school)
    client = client_as(app, "school_it", school)
    r = post(client, {"school": school.registration_number, "loan": str(handed.loan.id), "condition": "good",
                      "accessory": "bag", "notes": "lādētājs aizmirsts mājās"})
    assert r.status_code == 303 and f"done={handed.loan.id}" in r.headers["Location"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="returned-missing" class="missing">lādētājs' in page
    act_url = re.search(r'id="return-act" href="([^"]+)"', page).group(1)
    act = client.get(act_url)
    assert act.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(act.data)).pages)
    assert "Trūkst piederumu\nlādētājs" in text and handed.agreement.number in text
    loan = current_session().get(Loan, handed.loan.id)
    current_session().refresh(loan)
    assert loan.status == "returned" and loan.accessories_missing == ["charger"]


def test_damaged_goes_to_repair_and_the_english_page_names_it(app, school):
    handed = lend(school)
    client = client_as(app, "school_it", school)
    r = post(client, {"school": school.registration_number, "loan": str(handed.loan.id), "condition": "damaged",
                      "accessory": ["charger", "bag"]})
    page = client.get(r.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "damaged" in page and "in repair" in page and 'class="repair"' in page


def test_done_names_only_a_returned_loan(app, school):
    handed = lend(school)
    body = client_as(app, "school_it", school).get(f"/desk/return?done={handed.loan.id}").get_data(as_text=True)
    assert 'id="returned"' not in body and 'id="return-code"' in body


def test_a_laptop_not_on_loan_is_refused_in_words(app, school):
    idle = DeviceFactory(status="at_school", school=school)
    client = client_as(app, "school_it", school)
    r = client.get("/desk/return", query_string={"code": idle.serial})
    body = r.get_data(as_text=True)
    assert r.status_code == 409 and 'data-code="conflict"' in body and idle.serial in body
    assert 'id="return-code"' in body  # the scan field is there for the next try


def test_another_schools_laptop_is_not_found(app, school):
    theirs = lend(SchoolFactory())
    client = client_as(app, "school_it", school)
    r = client.get("/desk/return", query_string={"code": theirs.loan.device.serial})
    assert r.status_code == 404 and 'data-code="not_found"' in r.get_data(as_text=True)
    r = post(client, {"school": school.registration_number, "loan": str(theirs.loan.id), "condition": "good"})
    assert r.status_code == 404
    assert current_session().get(Loan, theirs.loan.id).status == "active"


def test_a_bad_condition_changes_nothing_and_keeps_the_form(app, school):
    handed = lend(school)
    client = client_as(app, "school_it", school)
    r = post(client, {"school": school.registration_number, "loan": str(handed.loan.id), "condition": "broken",
                      "accessory": "bag"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and 'data-code="invalid_input"' in body and 'id="return-form"' in body
    assert 'id="accessory-charger">' in body.replace(" checked", "") and 'id="accessory-bag" checked' in body


def test_an_admin_chooses_the_school(app, school):
    SchoolFactory()
    client = client_as(app, "admin")
    body = client.get("/desk/return").get_data(as_text=True)
    assert 'id="desk-school-select"' in body and 'id="return-code"' not in body


# --- the scan station's collect mode --------------------------------------------------------------

def test_the_collect_station_shows_the_class_count(app, school):
    lend(school)
    lend(school)
    lend(school, grade="7.a")
    client = client_as(app, "school_it", school)
    r = client.get("/station", query_string={"mode": "collect", "school": school.registration_number, "class": "7.b"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and 'data-ready="true"' in body
    assert 'data-back="0" data-total="2"' in body and "0 no 2 atpakaļ" in body
    assert 'id="collect-exception"' in body and 'id="exception-missing-bag"' in body


def test_the_collect_mode_needs_loans_write_and_the_school_in_scope(app, school):
    query = {"mode": "collect", "school": school.registration_number, "class": "7.b"}
    assert client_as(app, "warehouse").get("/station", query_string=query).status_code == 403
    assert client_as(app, "school_it", SchoolFactory()).get("/station", query_string=query).status_code == 404
    body = client_as(app, "school_it", school).get("/station").get_data(as_text=True)
    assert '<option value="collect">' in body
