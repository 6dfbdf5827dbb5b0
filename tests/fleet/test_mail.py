"""E-mail to guardians through a real SMTP server (aiosmtpd on a loopback port): the signing link
after a hand-over, the signed copy after signing; an unreachable server changes nothing."""

from __future__ import annotations

import base64
import email
import io
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from PIL import Image, ImageDraw

from fleet import mail
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory


class Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("FLEET_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FLEET_SMTP_PORT", str(port))
    monkeypatch.setenv("FLEET_SMTP_STARTTLS", "false")
    monkeypatch.setenv("FLEET_SMTP_FROM", "skola@example.lv")
    yield inbox
    controller.stop()


def signature_png() -> str:
    image = Image.new("RGBA", (100, 40), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(5, 30), (50, 5), (95, 30)], fill=(0, 0, 0, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_guardian_gets_the_link_and_then_the_signed_copy(smtp, api_as, client, session):
    school = SchoolFactory(name="Baložu vidusskola")
    it = api_as("school_it", school=school)
    pupil = PupilFactory(school=school, guardian_email="janis@example.lv")
    r = it.post("loans", json={"device": DeviceFactory(status="at_school", school=school).serial, "pupil": pupil.id,
                               "accessories": []})
    assert r.status_code == 201 and r.get_json()["agreement"]["mailed"] is True
    (first,) = smtp.messages
    assert first["To"] == "janis@example.lv" and "Baložu vidusskola" in first.get_payload(decode=True).decode()
    url = r.get_json()["agreement"]["sign_url"]
    assert url in first.get_payload(decode=True).decode()
    path = url.replace("https://fleet.example.lv", "")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)
    signed = client.post(path, data={"csrf_token": csrf, "signer_name": "Jānis Bērziņš", "consent": "yes",
                                     "signature": signature_png()})
    assert signed.status_code == 200
    second = smtp.messages[1]
    (attachment,) = [part for part in second.walk() if part.get_filename()]
    assert attachment.get_payload(decode=True).startswith(b"%PDF-")
    assert attachment.get_filename() == f"{r.get_json()['agreement']['number']}.pdf"


def test_a_guardian_without_e_mail_gets_none(smtp, api_as, session):
    school = SchoolFactory()
    pupil = PupilFactory(school=school, guardian_email=None)
    r = api_as("school_it", school=school).post("loans", json={
        "device": DeviceFactory(status="at_school", school=school).serial, "pupil": pupil.id, "accessories": []})
    assert r.status_code == 201 and r.get_json()["agreement"]["mailed"] is False and smtp.messages == []


def test_an_unreachable_server_does_not_undo_the_loan(monkeypatch, api_as, session):
    monkeypatch.setenv("FLEET_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FLEET_SMTP_PORT", str(free_port()))  # nothing listens there
    school = SchoolFactory()
    pupil = PupilFactory(school=school)
    r = api_as("school_it", school=school).post("loans", json={
        "device": DeviceFactory(status="at_school", school=school).serial, "pupil": pupil.id, "accessories": []})
    assert r.status_code == 201 and r.get_json()["agreement"]["mailed"] is False


def test_no_smtp_host_means_no_mail():
    assert mail.MailSettings.from_env({}) is None
    assert mail.send(None, "a@example.lv", "x", "y") is False
