"""Returns called directly, as the API, the desk page and the scan station call them: a return with an
accessory missing and its act read back, damaged to repair, the act in the agreement's language and
citing the agreement's number, and the end-of-year collection (defaults, exceptions, retries, counts,
scope)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fleet import document_store
from fleet.access.policy import Principal, Scope
from fleet.errors import FleetError
from fleet.lending import loans, returns
from fleet.models import Event, Loan
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory

URL = "https://fleet.example.lv"


def school_it(*schools) -> Scope:
    return Scope.of(Principal(1, "skolas-it", "school_it", frozenset(s.id for s in schools)))


def lend(session, school, language="lv", accessories=("charger", "bag"), **pupil) -> loans.Handed:
    pupil = PupilFactory(school=school, **pupil)
    device = DeviceFactory(status="at_school", school=school)
    order = loans.HandOver(device.serial, pupil.id, list(accessories), language)
    return loans.hand_over(session, school_it(school), order, URL)


def act_text(session, loan: Loan) -> str:
    data = document_store.get(session, loan.return_act_sha256).data
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- one return ------------------------------------------------------------------------------------

def test_a_return_with_the_charger_missing_records_it_and_prints_it_on_the_act(session):
    school = SchoolFactory(name="Ķekavas vidusskola")
    handed = lend(session, school, given_name="Līga", family_name="Kalniņa", grade="7.b")
    loan = returns.return_loan(session, handed.loan, {"condition": "good", "accessories_returned": ["bag"]},
                               "skolas-it")
    assert (loan.status, loan.accessories_returned, loan.accessories_missing) == ("returned", ["bag"], ["charger"])
    assert loan.device.status == "at_school"
    text = act_text(session, loan)
    for expected in ("Ierīces atgriešanas akts", "Līga Kalniņa, 7.b klase", "Ķekavas vidusskola",
                     "Atdoti piederumi\nsoma", "Trūkst piederumu\nlādētājs", "labs", loan.device.serial):
        assert expected in text, expected


def test_a_damaged_laptop_goes_to_repair_and_the_act_says_so(session):
    school = SchoolFactory()
    loan = returns.return_loan(session, lend(session, school).loan,
                               {"condition": "damaged", "accessories_returned": ["charger", "bag"],
                                "notes": "saplaisājis ekrāns"}, "skolas-it")
    assert loan.device.status == "in_repair" and loan.return_condition == "damaged"
    text = act_text(session, loan)
    assert "bojāts" in text and "nodota remontā" in text and "saplaisājis ekrāns" in text


def test_the_act_cites_the_agreements_number_and_keeps_its_own(session):
    """Defect: the act cited its own A- number as the agreement's."""
    school = SchoolFactory()
    handed = lend(session, school)
    loan = returns.return_loan(session, handed.loan, {"condition": "good", "accessories_returned": ["charger", "bag"]},
                               "skolas-it")
    text = act_text(session, loan)
    agreement, own = handed.agreement.number, returns.act_number(loan)
    assert agreement.startswith("L-") and own.startswith("A-")
    assert f"pie patapinājuma līguma Nr. {agreement}" in text
    assert f"līguma Nr. {own}" not in text and f"Nr. {own}" in text  # its own number: only as the act's


def test_a_latvian_act_names_the_condition_in_latvian(session):
    """Defect: the condition was printed in English ("worn") inside the Latvian act."""
    school = SchoolFactory()
    loan = returns.return_loan(session, lend(session, school).loan,
                               {"condition": "worn", "accessories_returned": ["charger"]}, "skolas-it")
    text = act_text(session, loan)
    assert "Stāvoklis\nnolietots" in text and "worn" not in text and "soma" in text


def test_a_loan_made_in_english_gets_an_english_act(session):
    """Defect: the act was always Latvian."""
    school = SchoolFactory()
    handed = lend(session, school, language="en", grade="9.a")
    loan = returns.return_loan(session, handed.loan, {"condition": "worn", "accessories_returned": ["bag"]},
                               "skolas-it")
    text = act_text(session, loan)
    for expected in ("Device return act", f"under loan agreement No. {handed.agreement.number}", "9.a grade",
                     "Condition\nworn", "Accessories returned\nbag", "Accessories missing\ncharger",
                     "taken back by the School", "Page 1/1", "Date: "):
        assert expected in text, expected
    for latvian in ("akts", "nolietots", "lādētājs", "soma", "klase", "Lapa"):
        assert latvian not in text, latvian


def test_the_acts_date_is_the_schools_day(session):
    school = SchoolFactory()
    handed = lend(session, school)
    loan = returns.return_loan(session, handed.loan, {"condition": "good"}, "skolas-it")
    loan.ended_at = datetime(2027, 5, 31, 22, 30, tzinfo=UTC)  # 01:30 on 1 June in Riga
    assert returns.act_number(loan) == f"A-2027-{loan.id:06d}"
    data = returns._return_data(session, loan, loan.device)
    assert data.date == "2027-06-01"


def test_the_desk_finds_a_laptop_on_loan_and_refuses_one_that_is_not(session):
    school = SchoolFactory()
    handed = lend(session, school)
    assert returns.on_loan(session, school_it(school), handed.loan.device.asset_tag, school) is handed.loan
    idle = DeviceFactory(status="at_school", school=school)
    with pytest.raises(FleetError) as e:
        returns.on_loan(session, school_it(school), idle.serial, school)
    assert e.value.code == "conflict" and idle.serial in e.value.localized("en")
    assert e.value.details == {"status": "at_school"}


def test_another_schools_laptop_is_not_found(session):
    school, other = SchoolFactory(), SchoolFactory()
    theirs = lend(session, other)
    for call in (lambda: returns.on_loan(session, school_it(school), theirs.loan.device.serial),
                 lambda: returns.collect(session, school_it(school), theirs.loan.device.serial, {}),
                 lambda: returns.on_loan(session, school_it(school, other), theirs.loan.device.serial, school)):
        with pytest.raises(FleetError) as e:
            call()
        assert e.value.code == "not_found"
    assert theirs.loan.status == "active"


# --- the collection --------------------------------------------------------------------------------

def test_a_collected_laptop_comes_back_good_with_everything_lent(session):
    school = SchoolFactory()
    handed = lend(session, school, grade="7.b")
    done = returns.collect(session, school_it(school), handed.loan.device.serial, {}, "n-1", school, "7.b")
    assert not done.already and done.loan.status == "returned" and done.loan.return_condition == "good"
    assert done.loan.accessories_returned == ["charger", "bag"] and done.loan.accessories_missing == []


def test_an_exception_for_one_scan_worn_with_the_bag_missing(session):
    school = SchoolFactory()
    handed = lend(session, school, grade="7.b")
    done = returns.collect(session, school_it(school), handed.loan.device.serial,
                           {"condition": "worn", "accessories_missing": ["bag"]}, None, school, "7.b")
    assert (done.loan.return_condition, done.loan.accessories_missing) == ("worn", ["bag"])
    text = act_text(session, done.loan)
    assert "nolietots" in text and "Trūkst piederumu\nsoma" in text


def test_a_missing_accessory_that_was_not_lent_is_refused(session):
    school = SchoolFactory()
    handed = lend(session, school, accessories=("charger",))
    with pytest.raises(FleetError) as e:
        returns.collect(session, school_it(school), handed.loan.device.serial, {"accessories_missing": ["bag"]})
    assert e.value.code == "invalid_input" and handed.loan.status == "active"


def test_the_collection_is_idempotent_on_a_retry(session):
    school = SchoolFactory()
    handed = lend(session, school, grade="7.b")
    code = handed.loan.device.asset_tag
    first = returns.collect(session, school_it(school), code, {}, "nonce-1", school, "7.b")
    act = first.loan.return_act_sha256
    again = returns.collect(session, school_it(school), code, {"condition": "damaged"}, "nonce-1", school, "7.b")
    assert again.already and again.loan.id == first.loan.id and again.loan.return_condition == "good"
    rescanned = returns.collect(session, school_it(school), code, {}, "nonce-2", school, "7.b")  # scanned twice
    assert rescanned.already and rescanned.loan.return_act_sha256 == act
    returned = session.scalars(select(Event.action).where(Event.device_id == first.loan.device_id,
                                                          Event.action == "return")).all()
    assert first.loan.device.status == "at_school" and returned == ["return"]  # one return only
    with pytest.raises(FleetError) as e:  # outside a class's collection: a plain "not on loan"
        returns.collect(session, school_it(school), code, {})
    assert e.value.code == "conflict"


def test_a_nonce_used_for_another_laptop_is_refused(session):
    school = SchoolFactory()
    one, two = lend(session, school), lend(session, school)
    returns.collect(session, school_it(school), one.loan.device.serial, {}, "same")
    with pytest.raises(FleetError) as e:
        returns.collect(session, school_it(school), two.loan.device.serial, {}, "same")
    assert e.value.code == "conflict" and two.loan.status == "active"


def test_another_class_laptop_is_refused_and_stays_on_loan(session):
    school = SchoolFactory()
    handed = lend(session, school, grade="7.a")
    with pytest.raises(FleetError) as e:
        returns.collect(session, school_it(school), handed.loan.device.serial, {}, None, school, "7.b")
    assert e.value.code == "conflict" and "7.a" in e.value.localized("en") and handed.loan.status == "active"


def test_the_count_is_the_class_back_today_of_its_loans(session):
    school = SchoolFactory()
    class_7b = [lend(session, school, grade="7.b") for _ in range(3)]
    lend(session, school, grade="7.a")
    counted = returns.collection(session, school, "7.b")
    assert (counted.back, counted.total, counted.active) == (0, 3, 3)
    returns.collect(session, school_it(school), class_7b[0].loan.device.serial, {}, None, school, "7.b")
    counted = returns.collection(session, school, "7.b")
    assert (counted.back, counted.total) == (1, 3)
    tomorrow = returns.collection(session, school, "7.b", now=datetime(2999, 1, 1, tzinfo=UTC))
    assert (tomorrow.back, tomorrow.total) == (0, 2)  # another day: those still out
