"""The desk's "next pupil" signing flow through the test client: the class's unsigned agreements in register
order, each signed at the desk (method desk, no token), "pass the tablet to the next parent", a skipped pupil left
for later, one signed meanwhile passed over, the end back to the roster; another school's loan is not found."""

from __future__ import annotations

import base64
import re

from sqlalchemy import select

from fleet.access.policy import Principal, Scope
from fleet.lending import agreements, loans
from fleet.models import Agreement, Loan
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory
from tests.mailbox import signature_png
from tests.page_routes import client_as

EVERYONE = Scope.of(Principal(0, "factory", "admin"))
CLASS = [("Zariņa", "Līga", "Ilze Zariņa"), ("Bērziņš", "Jānis", "Pēteris Bērziņš"),
         ("Čakste", "Anna", "Marta Čakste"), ("Ābele", "Ģirts", "Inese Ābele")]


def a_class(session, grade="7.b"):
    """Four pupils of one school's class, each lent a laptop, listed as given (not in register order)."""
    school = SchoolFactory()
    lent = {}
    for family, given, guardian in CLASS:
        pupil = PupilFactory(school=school, grade=grade, family_name=family, given_name=given, guardian_name=guardian)
        device = DeviceFactory(status="at_school", school=school)
        lent[given] = loans.hand_over(session, EVERYONE, loans.HandOver(device.serial, pupil.id),
                                      "http://fleet.example.lv").loan.id
    session.commit()
    return school, lent


def csrf(client) -> str:
    with client.session_transaction() as s:
        return s.setdefault("csrf", "test-csrf-token")


def sign(client, location, **form):
    data = {"csrf_token": csrf(client), "who": "guardian", "kind": "drawn", "signature": signature_png(),
            "consent": "yes"} | form
    return client.post(location, data=data)


def test_the_class_signs_one_after_another_in_register_order(app, session):
    school, lent = a_class(session)
    client = client_as(app, "school_it", school)
    r = client.get(f"/desk/sign?school={school.registration_number}&class=7.b")
    assert r.status_code == 303  # Ābele, Bērziņš, Čakste, Zariņa: the Latvian alphabet
    location = r.headers["Location"]
    assert location.startswith(f"/desk/sign/{lent['Ģirts']}?")
    page = client.get(location).get_data(as_text=True)
    assert 'id="guardian-on-record">Inese Ābele<' in page and "Ģirts Ābele" in page
    assert 'id="sign-form"' in page and 'id="stop"' in page and "Jānis" not in page  # only this pupil
    assert "/sign/" not in re.sub(r"/desk/sign/\d+", "", page)  # no signing link, no QR code
    done = sign(client, location, kind="typed", typed_name="Inese Ābele", signature="").get_data(as_text=True)
    assert 'id="done"' in done and re.search(r'id="next-pupil">Jānis Bērziņš<', done)
    skip = re.search(r'action="(/desk/sign/\d+/skip[^"]*)"', client.get(
        re.search(r'href="([^"]+)" id="next"', done).group(1).replace("&amp;", "&")).get_data(as_text=True))
    r = client.post(skip.group(1).replace("&amp;", "&"), data={"csrf_token": csrf(client)})
    assert r.status_code == 303 and r.headers["Location"].startswith(f"/desk/sign/{lent['Anna']}?")
    done = sign(client, r.headers["Location"], who="other", signer_name="Kārlis Čakste",
                relationship="vectēvs").get_data(as_text=True)
    assert 'id="next-pupil">Līga Zariņa<' in done
    last = sign(client, f"/desk/sign/{lent['Līga']}?school={school.registration_number}&class=7.b")
    assert 'id="none-left"' in last.get_data(as_text=True)
    r = client.get(f"/desk/sign?school={school.registration_number}&class=7.b")
    assert r.status_code == 303
    shown = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "3 signed, 1 skipped" in shown or "Parakstīti: 3, izlaisti: 1" in shown
    session.commit()
    rows = session.execute(select(Loan.id, Agreement.status, Agreement.method, Agreement.signer_is_guardian)
                           .join(Agreement, Agreement.loan_id == Loan.id)).all()
    by_loan = {loan: (status, method, guardian) for loan, status, method, guardian in rows}
    assert by_loan[lent["Ģirts"]] == ("signed", "desk", True)
    assert by_loan[lent["Jānis"]] == ("awaiting_signature", None, None)  # skipped: left for the roster
    assert by_loan[lent["Anna"]] == ("signed", "desk", False)
    assert by_loan[lent["Līga"]] == ("signed", "desk", True)
    # the flow ended: the skipped pupil comes up again next time
    r = client.get(f"/desk/sign?school={school.registration_number}&class=7.b")
    assert r.headers["Location"].startswith(f"/desk/sign/{lent['Jānis']}?")


def test_bad_input_at_the_desk_signs_nothing(app, session):
    school, lent = a_class(session)
    client = client_as(app, "school_it", school)
    client.set_cookie("lang", "en")
    r = sign(client, f"/desk/sign/{lent['Ģirts']}", consent="", who="other", signer_name="", relationship="")
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and 'role="alert"' in html
    for message in ("Please write your full name", "Please write who you are to the pupil",
                    "Please tick that you have read the agreement and agree."):
        assert message in html
    session.commit()
    assert set(session.scalars(select(Agreement.status))) == {"awaiting_signature"}


def test_an_agreement_signed_meanwhile_says_so_and_moves_on(app, session):
    school, lent = a_class(session)
    agreement = session.scalar(select(Agreement).where(Agreement.loan_id == lent["Ģirts"]))
    scan = base64.b64decode(signature_png().split(",", 1)[1])  # a PNG: a one-page scan
    agreements.sign(session, agreement, "paper", "Inese Ābele", scan=scan)
    session.commit()
    client = client_as(app, "school_it", school)
    r = client.get(f"/desk/sign?school={school.registration_number}&class=7.b")
    assert r.headers["Location"].startswith(f"/desk/sign/{lent['Jānis']}?")  # the signed one passed over
    page = client.get(f"/desk/sign/{lent['Ģirts']}?school={school.registration_number}&class=7.b")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="signed-already"' in html and 'id="sign-form"' not in html
    assert 'id="next-pupil">Jānis Bērziņš<' in html


def test_another_school_s_class_and_loans_are_not_found(app, session):
    school, lent = a_class(session)
    other = client_as(app, "school_it", SchoolFactory())
    assert other.get(f"/desk/sign?school={school.registration_number}&class=7.b").status_code == 404
    assert other.get(f"/desk/sign/{lent['Ģirts']}").status_code == 404
    r = sign(other, f"/desk/sign/{lent['Ģirts']}")
    assert r.status_code == 404
    session.commit()
    assert set(session.scalars(select(Agreement.status))) == {"awaiting_signature"}
