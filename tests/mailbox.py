"""A real SMTP server for tests (aiosmtpd on a loopback port) and the outbox's worker run by hand.

    def test_x(smtp, app):          # smtp: the Inbox; the app is configured to send to it
        ...                         # queue something (a hand-out, a signature, a reminder)
        work(app)                   # fleet worker's one pass: sends what is due
        (message,) = smtp.messages  # email.message.Message objects
"""

from __future__ import annotations

import base64
import email
import io
import socket
import threading

from aiosmtpd.controller import Controller
from PIL import Image, ImageDraw
from sqlalchemy import select

from fleet import outbox
from fleet.config import SmtpConfig
from fleet.models import OutboxMessage


class Inbox:
    def __init__(self, answer: str = "250 OK"):
        self.answer = answer
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        if self.answer.startswith("250"):
            with self.lock:
                self.messages.append(email.message_from_bytes(envelope.content))
        return self.answer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(configure, answer="250 OK"):
    """An SMTP server answering ``answer`` to every message, and the app configured to send to it:
    (inbox, controller, port); stop the controller when done."""
    inbox = Inbox(answer)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    configure(smtp=SmtpConfig(host="127.0.0.1", port=port, sender="skola@example.lv", starttls=False, timeout=5))
    return inbox, controller, port


def work(app, now=None, **kw):
    config = app.config["FLEET"]
    return outbox.run_once(app.extensions["fleet.sessionmaker"], config.smtp, config.public_url, now=now, **kw)


def rows(app) -> list[OutboxMessage]:
    with app.extensions["fleet.read_sessionmaker"]() as s:
        return s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def signature_png() -> str:
    image = Image.new("RGBA", (100, 40), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(5, 30), (50, 5), (95, 30)], fill=(0, 0, 0, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def text_of(message) -> str:
    """A message's text part, decoded."""
    part = message.get_body(("plain",)) if hasattr(message, "get_body") else None
    part = part or (message.get_payload(0) if message.is_multipart() else message)
    return part.get_payload(decode=True).decode()
