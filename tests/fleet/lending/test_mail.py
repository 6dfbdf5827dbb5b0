"""E-mail to guardians goes through the outbox: the request queues a row in the loan's (or the
signature's) transaction, and ``fleet worker`` sends it to a real SMTP server (aiosmtpd on a
loopback port), retries with backoff, gives up after N attempts (visible to admins), and sends
each message once even with two workers at a time."""

from __future__ import annotations

import email
import email.header
import re
import threading
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from fleet import create_app, outbox
from fleet.cli import main
from fleet.config import Config, ConfigError, SmtpConfig
from fleet.errors import FleetError
from fleet.models import Loan, utcnow
from tests.conftest import error_code
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory
from tests.mailbox import free_port, rows, signature_png, start_server, work


@pytest.fixture
def refusing(configure):
    inbox, controller, _ = start_server(configure, "451 4.3.0 try again later")
    yield inbox
    controller.stop()


def lend(api, school, **pupil):
    return api.post("loans", json={"device": DeviceFactory(status="at_school", school=school).serial,
                                   "pupil": PupilFactory(school=school, **pupil).id, "accessories": []})


def test_guardian_gets_the_link_and_then_the_signed_copy(smtp, app, api_as, client, session):
    school = SchoolFactory(name="Baložu vidusskola")
    it = api_as("school_it", school=school)
    r = lend(it, school, guardian_email="janis@example.lv")
    assert r.status_code == 201 and r.get_json()["agreement"]["mailed"] == "queued"
    assert smtp.messages == []  # nothing is sent inside the request
    (queued,) = rows(app)
    assert (queued.state, queued.kind, queued.recipient) == ("queued", "sign_link", "janis@example.lv")
    assert str(work(app)) == "1 sent, 0 to retry, 0 given up"
    (first,) = smtp.messages
    assert first["To"] == "janis@example.lv" and "Baložu vidusskola" in first.get_payload(decode=True).decode()
    assert first["Message-ID"] == f"<outbox-{queued.id}@fleet.example.lv>"
    url = r.get_json()["agreement"]["sign_url"]
    assert url in first.get_payload(decode=True).decode()
    (sent,) = rows(app)
    assert (sent.state, sent.attempts, sent.recipient, sent.body) == ("sent", 1, None, None)  # content forgotten
    assert work(app).sent == 0  # sent once

    path = url.replace("https://fleet.example.lv", "")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)
    signed = client.post(path, data={"csrf_token": csrf, "signer_name": "Jānis Bērziņš", "consent": "yes",
                                     "signature": signature_png()})
    assert signed.status_code == 200 and len(smtp.messages) == 1
    assert work(app).sent == 1
    second = smtp.messages[1]
    (attachment,) = [part for part in second.walk() if part.get_filename()]
    assert attachment.get_payload(decode=True).startswith(b"%PDF-")
    assert attachment.get_filename() == f"{r.get_json()['agreement']['number']}.pdf"


def test_a_class_hand_out_queues_one_message_per_guardian(smtp, app, api_as, session):
    school = SchoolFactory()
    pairs = [{"pupil": PupilFactory(school=school, guardian_email=f"v{i}@example.lv").id,
              "device": DeviceFactory(status="at_school", school=school).serial} for i in range(3)]
    pairs.append({"pupil": PupilFactory(school=school, guardian_email=None).id,
                  "device": DeviceFactory(status="at_school", school=school).serial})
    it = api_as("school_it", school=school)
    r = it.client.post("/api/v1/loans/class", json={"pairs": pairs, "accessories": []},
                       headers={**it.headers, "Accept": "application/json"})
    assert r.status_code == 200
    assert [x["agreement"]["mailed"] for x in r.get_json()["loans"]] == ["queued"] * 3 + [None]
    assert sorted(m.recipient for m in rows(app)) == ["v0@example.lv", "v1@example.lv", "v2@example.lv"]
    assert work(app).sent == 3 and sorted(m["To"] for m in smtp.messages) == ["v0@example.lv", "v1@example.lv",
                                                                             "v2@example.lv"]


def test_a_hand_out_that_rolls_back_queues_nothing(smtp, app, api_as, session, monkeypatch):
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    real = outbox.enqueue_link

    def queued_then_failed(*args):
        real(*args)
        raise FleetError("conflict", "something after the e-mail was queued went wrong")

    monkeypatch.setattr(outbox, "enqueue_link", queued_then_failed)
    r = lend(it, school)
    assert r.status_code == 409 and error_code(r) == "conflict"
    monkeypatch.undo()
    pupil = PupilFactory(school=school)
    lend(it, school)
    refused = it.post("loans", json={"device": DeviceFactory(status="in_warehouse").serial, "pupil": pupil.id,
                                     "accessories": []})
    assert refused.status_code in (404, 409)
    with app.extensions["fleet.read_sessionmaker"]() as s:
        assert s.scalar(select(func.count()).select_from(Loan)) == 1
    assert len(rows(app)) == 1 and work(app).sent == 1 and len(smtp.messages) == 1


def test_no_guardian_e_mail_or_no_smtp_queues_nothing(app, configure, api_as, session):
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    assert lend(it, school).get_json()["agreement"]["mailed"] is None  # no FLEET_SMTP_HOST
    configure(smtp=SmtpConfig(host="127.0.0.1", port=free_port(), starttls=False))
    assert lend(it, school, guardian_email=None).get_json()["agreement"]["mailed"] is None
    assert rows(app) == []


def test_a_refusing_server_is_retried_with_backoff_then_given_up_and_admins_see_it(refusing, app, api_as, session):
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    assert lend(it, school).status_code == 201
    now = utcnow()
    waits = []
    for attempt in range(1, 4):
        run = work(app, now=now, max_attempts=4, backoff=timedelta(minutes=1))
        assert (run.sent, run.retried, run.dead) == (0, 1, 0)
        (row,) = rows(app)
        assert (row.state, row.attempts, row.last_error) == ("queued", attempt, "SMTPDataError 451")
        waits.append(row.due_at - now)
        assert work(app, now=row.due_at - timedelta(seconds=1), max_attempts=4).retried == 0  # not before it is due
        now = row.due_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert work(app, now=now, max_attempts=4).dead == 1
    (row,) = rows(app)
    assert (row.state, row.attempts, row.recipient, row.body) == ("dead", 4, None, None)
    assert work(app, now=now + timedelta(days=1), max_attempts=4).dead == 0  # given up: not tried again
    assert refusing.messages == []

    listed = api_as("admin").get("outbox?state=dead")
    assert listed.status_code == 200
    (item,) = listed.get_json()["items"]
    assert (item["id"], item["state"], item["attempts"], item["kind"]) == (row.id, "dead", 4, "sign_link")
    assert "@" not in str(listed.get_json())  # no recipient, no content
    assert api_as("admin").get("outbox?state=queued").get_json()["items"] == []
    assert error_code(api_as("admin").get("outbox?state=lost")) == "invalid_input"
    assert api_as("school_it", school=school).get("outbox?state=dead").status_code == 403


def test_an_unreachable_server_changes_nothing_in_the_request_and_is_retried(app, configure, api_as, session):
    configure(smtp=SmtpConfig(host="127.0.0.1", port=free_port(), starttls=False, timeout=2))  # nothing listens
    school = SchoolFactory()
    r = lend(api_as("school_it", school=school), school)
    assert r.status_code == 201 and r.get_json()["agreement"]["mailed"] == "queued"
    assert work(app).retried == 1
    (row,) = rows(app)
    assert row.state == "queued" and row.last_error == "ConnectionRefusedError" and row.recipient


def test_two_workers_at_once_send_each_message_once(smtp, app, api_as, session):
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    for _ in range(12):
        assert lend(it, school).status_code == 201
    runs, errors = [], []

    def one():
        try:
            runs.append(work(app))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r.sent for r in runs) == 12
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert {m.state for m in rows(app)} == {"sent"}


def test_fleet_worker_once_sends_the_queue(smtp, app, api_as, session, database_url, tmp_path):
    school = SchoolFactory()
    lend(api_as("school_it", school=school), school, guardian_email="janis@example.lv")
    smtp_config = app.config["FLEET"].smtp
    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path / "cli"),
           "FLEET_SMTP_HOST": "127.0.0.1", "FLEET_SMTP_PORT": str(smtp_config.port), "FLEET_SMTP_STARTTLS": "false",
           "FLEET_SMTP_FROM": "skola@example.lv"}
    result = CliRunner().invoke(main, ["worker", "--once"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output and "janis" not in result.output
    assert [m["To"] for m in smtp.messages] == ["janis@example.lv"] and rows(app)[0].state == "sent"


def test_privacy_purge_deletes_finished_messages_after_the_retention(smtp, app, api_as, session, database_url,
                                                                    tmp_path):
    school = SchoolFactory()
    lend(api_as("school_it", school=school), school)
    work(app)
    assert outbox.RETENTION_DAYS == 30
    with app.extensions["fleet.sessionmaker"]() as s:
        assert outbox.purge(s, now=utcnow() + timedelta(days=29)) == 0
        assert outbox.purge(s, now=utcnow() + timedelta(days=31)) == 1
        s.commit()
    assert rows(app) == []


@pytest.mark.parametrize("env, message", [
    ({"FLEET_SMTP_HOST": "mail", "FLEET_SMTP_PORT": "abc"}, "FLEET_SMTP_PORT must be a whole number"),
    ({"FLEET_SMTP_HOST": "mail", "FLEET_SMTP_PORT": "70000"}, "FLEET_SMTP_PORT must be a port number"),
    ({"FLEET_SMTP_HOST": "mail", "FLEET_SMTP_STARTTLS": "maybe"}, "FLEET_SMTP_STARTTLS"),
    ({"FLEET_SMTP_HOST": "mail", "FLEET_SMTP_FROM": "skola"}, "FLEET_SMTP_FROM"),
])
def test_bad_smtp_settings_are_refused_at_start(env, message, tmp_path):
    with pytest.raises(ConfigError) as e:
        create_app(Config.from_env(env), instance_path=str(tmp_path))
    assert message in str(e.value)


@pytest.mark.parametrize("command", [["worker", "--once"], ["db", "upgrade"], ["users", "list"]])
def test_a_bad_smtp_port_stops_every_command_with_one_line(command, tmp_path):
    env = {"FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path), "FLEET_SMTP_HOST": "mail",
           "FLEET_SMTP_PORT": "abc"}
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: FLEET_SMTP_PORT must be a whole number, not 'abc' [invalid_input]"]


def test_smtp_settings_are_read_at_start():
    config = Config.from_env({"FLEET_SMTP_HOST": "smtp.skola.lv", "FLEET_SMTP_PORT": "2525", "FLEET_SMTP_USER": "u",
                              "FLEET_SMTP_PASSWORD": "p", "FLEET_SMTP_FROM": "fleet@skola.lv",
                              "FLEET_SMTP_STARTTLS": "false"})
    config.validate()
    assert config.smtp == SmtpConfig(host="smtp.skola.lv", port=2525, user="u", password="p", sender="fleet@skola.lv",
                                     starttls=False)
    assert Config.from_env({}).smtp is None


@pytest.mark.parametrize("query", ["after=" + "9" * 30, "after=0", "after=²", "limit=0", "limit=abc"])
def test_the_outbox_listing_refuses_what_is_not_a_page(api_as, query):
    r = api_as("admin").get(f"outbox?{query}")
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert r.get_json()["error"]["details"][0]["field"] == query.split("=")[0]


@pytest.mark.parametrize("language, subject, greeting", [
    ("lv", "Patapinājuma līgums {number} parakstīšanai", "Labdien!"),
    ("en", "Loan agreement {number} to sign", "Hello,"),
])
def test_the_guardian_s_e_mail_is_in_the_agreement_s_language_only(smtp, app, api_as, session, language, subject,
                                                                    greeting):
    school = SchoolFactory(name="Baložu vidusskola")
    it = api_as("school_it", school=school)
    r = it.post("loans", json={"device": DeviceFactory(status="at_school", school=school).serial, "language": language,
                               "pupil": PupilFactory(school=school, guardian_email="janis@example.lv").id,
                               "accessories": []})
    assert r.status_code == 201, r.get_json()
    assert work(app).sent == 1
    (message,) = smtp.messages
    body = message.get_payload(decode=True).decode()
    decoded = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert decoded == subject.format(number=r.get_json()["agreement"]["number"])
    assert body.startswith(greeting) and ("Hello" in body) == (language == "en") and ("Labdien" in body) == (
        language == "lv")
