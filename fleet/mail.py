"""E-mail to guardians, when SMTP is configured: the signing link after a hand-over, and the signed
copy after signing. A message that cannot be sent is logged (without its content) and does not
undo the loan or the signature; the school can always give the link or the copy by hand.

Settings (``FLEET_SMTP_*``): ``HOST`` (unset: no e-mail), ``PORT`` (587), ``USER``/``PASSWORD``,
``FROM``, ``STARTTLS`` (``true`` by default; ``false`` for a local relay).
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    sender: str = "fleet@localhost"
    starttls: bool = True
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env=None) -> MailSettings | None:
        env = os.environ if env is None else env
        if not env.get("FLEET_SMTP_HOST"):
            return None
        return cls(host=env["FLEET_SMTP_HOST"], port=int(env.get("FLEET_SMTP_PORT", "587")),
                   user=env.get("FLEET_SMTP_USER") or None, password=env.get("FLEET_SMTP_PASSWORD") or None,
                   sender=env.get("FLEET_SMTP_FROM", cls.sender),
                   starttls=env.get("FLEET_SMTP_STARTTLS", "true").lower() in ("1", "true", "yes"))


def settings_for(app) -> MailSettings | None:
    """The app's mail settings, read from the environment once per app."""
    if "fleet.mail" not in app.extensions:
        app.extensions["fleet.mail"] = MailSettings.from_env()
    return app.extensions["fleet.mail"]


def send(settings: MailSettings | None, to: str | None, subject: str, body: str,
         attachment: tuple[str, bytes] | None = None) -> bool:
    """Send one message; False (and a log line naming no recipient) when it could not go."""
    if settings is None or not to:
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message.set_content(body)
    if attachment is not None:
        name, data = attachment
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as e:
        log.warning("e-mail not sent (%s): %s", type(e).__name__, subject)
        return False
    return True


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


def send_link(app, loan, agreement, url: str) -> bool:
    subject, body = link_message(agreement.number, loan.pupil.school.name, url)
    return send(settings_for(app), loan.pupil.guardian_email, subject, body)


def send_signed(app, loan, agreement, pdf: bytes) -> bool:
    subject, body = signed_message(agreement.number, loan.pupil.school.name)
    return send(settings_for(app), loan.pupil.guardian_email, subject, body, (f"{agreement.number}.pdf", pdf))
