"""E-mail to guardians: the signing link after a hand-over, and the signed copy after signing.

Nothing here runs inside a request: the request queues a message in the outbox (``fleet.outbox``)
in the same transaction as the loan or the signature, and ``fleet worker`` sends it with
``deliver``. The SMTP settings are ``Config.smtp`` (``FLEET_SMTP_*``, checked at start).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from fleet.config import SmtpConfig

SMTP_ERRORS = (OSError, smtplib.SMTPException)


def deliver(settings: SmtpConfig, message_id: str, to: str, subject: str, body: str,
            attachment: tuple[str, bytes] | None = None) -> None:
    """Hand one message to the SMTP server; raises one of ``SMTP_ERRORS`` when it was not accepted.
    ``message_id`` is the Message-ID header: the same on every attempt of one outbox row, so a
    message sent twice (a crash between the server's accept and our commit) is recognisable."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message["Message-ID"] = message_id
    message.set_content(body)
    if attachment is not None:
        name, data = attachment
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(message)


def link_message(number: str, school: str, url: str) -> tuple[str, str]:
    subject = f"Patapinājuma līgums {number} parakstīšanai / Loan agreement {number} to sign"
    body = (f"Labdien!\n\n{school} ir izsniegusi jūsu bērnam portatīvo datoru. Lūdzu, izlasiet un parakstiet "
            f"patapinājuma līgumu {number}:\n\n{url}\n\nSaite ir derīga 14 dienas un izmantojama vienu reizi.\n\n"
            f"Hello,\n\n{school} has lent your child a laptop. Please read and sign loan agreement {number}:\n\n{url}\n\n"
            "The link works once and for 14 days.\n")
    return subject, body


def signed_message(number: str, school: str) -> tuple[str, str]:
    subject = f"Parakstītais līgums {number} / Signed agreement {number}"
    body = (f"Paldies! Pielikumā ir parakstītais patapinājuma līgums {number} ({school}).\n\n"
            f"Thank you! Attached is the signed loan agreement {number} ({school}).\n")
    return subject, body
