"""Reminders reach a real SMTP server: fleet worker's pass queues the reminders due (one message per
guardian, with fresh links that open the signing page) and sends them; not again within
FLEET_REMINDER_DAYS; the roster shows when."""

from __future__ import annotations

import email.header
import re
from datetime import timedelta

from click.testing import CliRunner

from fleet.cli import main
from fleet.lending import reminders
from fleet.models import Agreement, utcnow
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory
from tests.mailbox import rows, text_of, work
from tests.page_routes import client_as


def lend(api, school, session, **pupil) -> dict:
    session.commit()
    r = api.post("loans", json={"device": DeviceFactory(status="at_school", school=school).serial,
                                "pupil": PupilFactory(school=school, **pupil).id, "accessories": []})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def backdate(session, *loans, days: int):
    for loan in loans:
        agreement = session.query(Agreement).filter_by(number=loan["agreement"]["number"]).one()
        agreement.created_at = utcnow() - timedelta(days=days)
    session.commit()


def test_a_reminder_reaches_the_guardian_once_per_n_days(smtp, app, api_as, client, session, configure):
    configure(reminder_days=7)
    school = SchoolFactory(name="Baložu vidusskola")
    it = api_as("school_it", school=school)
    first = lend(it, school, session, given_name="Ērika", guardian_email="anna@example.lv")
    second = lend(it, school, session, given_name="Jānis", guardian_email="anna@example.lv", grade="3.a")
    work(app)  # the hand-outs' own links
    smtp.messages.clear()
    backdate(session, first, second, days=8)
    sessionmaker, config = app.extensions["fleet.sessionmaker"], app.config["FLEET"]

    assert reminders.run(sessionmaker, config) == 1  # the worker's pass: one message for both children
    assert work(app).sent == 1
    (message,) = smtp.messages
    body = text_of(message)
    assert message["To"] == "anna@example.lv"
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert subject.startswith("Atgādinājums: patapinājuma līgumi L-") and subject.endswith("vēl nav parakstīti")
    assert first["agreement"]["number"] in body and second["agreement"]["number"] in body
    assert "Ērika" in body and "Jānis" in body and "Baložu vidusskola" in body
    links = re.findall(r"(/sign/\S+)", body)
    assert len(links) == 2
    assert client.get(links[0]).status_code == 200  # the fresh link opens the signing page
    old = first["agreement"].get("sign_url")
    if old:
        assert client.get(old.split(config.public_url)[-1]).status_code == 404  # the old one no longer works
    assert [r.kind for r in rows(app)][-1] == "reminder"

    assert reminders.run(sessionmaker, config) == 0  # not twice within 7 days
    assert reminders.run(sessionmaker, config, now=utcnow() + timedelta(days=6)) == 0
    assert reminders.run(sessionmaker, config, now=utcnow() + timedelta(days=7, minutes=1)) == 1

    session.expire_all()
    reminded = session.query(Agreement).filter_by(number=first["agreement"]["number"]).one()
    assert reminded.reminders == 2
    page = client_as(app, "school_it", school).get("/desk/agreements").get_data(as_text=True)
    assert "atgādināts" in page and "2 reizes" in page


def test_fleet_worker_once_queues_and_sends_the_reminders(smtp, app, api_as, session, database_url, tmp_path):
    school = SchoolFactory()
    loan = lend(api_as("school_it", school=school), school, session, guardian_email="janis@example.lv")
    work(app)
    smtp.messages.clear()
    backdate(session, loan, days=30)
    smtp_config = app.config["FLEET"].smtp
    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path / "cli"),
           "FLEET_SMTP_HOST": "127.0.0.1", "FLEET_SMTP_PORT": str(smtp_config.port), "FLEET_SMTP_STARTTLS": "false",
           "FLEET_SMTP_FROM": "skola@example.lv", "FLEET_REMINDER_DAYS": "14"}
    result = CliRunner().invoke(main, ["worker", "--once"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 reminder(s) queued; 1 sent" in result.output and "janis" not in result.output
    (message,) = smtp.messages
    assert message["To"] == "janis@example.lv" and loan["agreement"]["number"] in text_of(message)
    again = CliRunner().invoke(main, ["worker", "--once"], env=env)
    assert "0 reminder(s) queued; 0 sent" in again.output


def test_no_address_no_reminder_but_the_link_is_printable(smtp, app, api_as, session):
    school = SchoolFactory()
    loan = lend(api_as("school_it", school=school), school, session, guardian_email=None)
    backdate(session, loan, days=30)
    assert reminders.run(app.extensions["fleet.sessionmaker"], app.config["FLEET"]) == 0
    assert rows(app) == []
    client = client_as(app, "school_it", school)
    with client.session_transaction() as s:
        token = s.setdefault("csrf", "test-csrf-token")
    r = client.post("/desk/agreements/links", data={"csrf_token": token, "loan": loan["id"], "action": "print"})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
