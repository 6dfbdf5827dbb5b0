"""The lending use cases called directly, as the API and the desk page call them: the caller's
Scope decides what is seen, and a hand-out queues the guardian's e-mail itself."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fleet.access.policy import Principal, Scope
from fleet.config import SmtpConfig
from fleet.errors import FleetError
from fleet.lending import loans
from fleet.models import Loan, OutboxMessage
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory

URL = "https://fleet.example.lv"
SMTP = SmtpConfig(host="127.0.0.1", port=2525, starttls=False)


def school_it(school) -> Scope:
    return Scope.of(Principal(1, "skolas-it", "school_it", frozenset({school.id})))


def queued(session) -> list[str]:
    return list(session.scalars(select(OutboxMessage.recipient).order_by(OutboxMessage.id)))


def test_a_hand_over_queues_the_signing_link_in_its_own_transaction(session):
    school = SchoolFactory()
    pupil = PupilFactory(school=school, guardian_email="mamma@example.lv")
    device = DeviceFactory(status="at_school", school=school)
    order = loans.HandOver(device.serial, pupil.id, ["charger"])
    handed = loans.hand_over(session, school_it(school), order, URL, SMTP)
    assert handed.mailed is True and handed.loan.handed_over_by == "skolas-it"
    assert queued(session) == ["mamma@example.lv"]
    session.rollback()  # the caller's transaction rolls back: neither the loan nor its e-mail stays
    assert queued(session) == [] and session.scalar(select(func.count()).select_from(Loan)) == 0


def test_no_smtp_or_no_guardian_e_mail_mails_nothing(session):
    school = SchoolFactory()
    scope = school_it(school)
    def order(**pupil) -> loans.HandOver:
        return loans.HandOver(DeviceFactory(status="at_school", school=school).serial,
                              PupilFactory(school=school, **pupil).id)

    first = loans.hand_over(session, scope, order(), URL)
    second = loans.hand_over(session, scope, order(guardian_email=None), URL, SMTP)
    assert (first.mailed, second.mailed) == (False, False) and queued(session) == []


def test_a_pupil_or_device_outside_the_scope_is_not_found(session):
    school, other = SchoolFactory(), SchoolFactory()
    pupil = PupilFactory(school=other)
    with pytest.raises(FleetError) as e:
        loans.hand_over(session, school_it(school),
                        loans.HandOver(DeviceFactory(status="at_school", school=other).serial, pupil.id), URL, SMTP)
    assert e.value.code == "not_found" and queued(session) == []


def test_a_class_hand_out_mails_each_loan_made_and_none_for_a_refused_pair(session):
    school = SchoolFactory()
    ok = [(PupilFactory(school=school, guardian_email=f"v{i}@example.lv"),
           DeviceFactory(status="at_school", school=school)) for i in range(2)]
    busy = DeviceFactory(status="at_school", school=school)
    loans.hand_over(session, school_it(school), loans.HandOver(busy.serial, PupilFactory(school=school).id), URL)
    pairs = [{"pupil": p.id, "device": d.serial} for p, d in ok]
    pairs.append({"pupil": PupilFactory(school=school, guardian_email="v9@example.lv").id, "device": busy.serial})
    done, failed, pdf = loans.class_handout(session, school_it(school), pairs, [], URL, SMTP)
    assert [h.mailed for h in done] == [True, True] and [f["index"] for f in failed] == [2]
    assert queued(session) == ["v0@example.lv", "v1@example.lv"] and pdf.startswith(b"%PDF-")
