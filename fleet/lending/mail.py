"""E-mail to guardians: the signing link after a hand-over, and the signed copy after signing.

Nothing here runs inside a request: the request queues a message in the outbox (``fleet.outbox``)
in the same transaction as the loan or the signature, and ``fleet worker`` sends it with
``deliver``. The words come from the catalogs (``fleet.i18n``) in the agreement's language. The
SMTP settings are ``Config.smtp`` (``FLEET_SMTP_*``, checked at start).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from fleet import i18n
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


def link_message(number: str, school: str, url: str, language: str) -> tuple[str, str]:
    """The signing link's subject and body, in the agreement's ``language``."""
    t = i18n.translations(language)
    subject = t.gettext("Loan agreement %(number)s to sign") % {"number": number}
    body = t.gettext("Hello,\n\n%(school)s has lent your child a laptop. Please read and sign loan agreement "
                     "%(number)s:\n\n%(url)s\n\nThe link works once and for 14 days.\n") % {
        "school": school, "number": number, "url": url}
    return subject, body


def signed_message(number: str, school: str, language: str) -> tuple[str, str]:
    """The signed copy's subject and body, in the agreement's ``language``."""
    t = i18n.translations(language)
    subject = t.gettext("Signed agreement %(number)s") % {"number": number}
    body = t.gettext("Thank you! Attached is the signed loan agreement %(number)s (%(school)s).\n") % {
        "number": number, "school": school}
    return subject, body


def links_message(school: str, items: list[tuple[str, str, str]], language: str, reminder: bool) -> tuple[str, str]:
    """New signing links for one guardian, one line per child (``items``: the pupil's name, the agreement's
    number, the link), in the agreement's ``language``; ``reminder``: worded as a reminder."""
    t = i18n.translations(language)
    numbers = ", ".join(number for _name, number, _url in items)
    if reminder:
        subject = t.ngettext("Reminder: loan agreement %(numbers)s is not signed yet",
                             "Reminder: loan agreements %(numbers)s are not signed yet", len(items))
        intro = t.ngettext("Hello,\n\n%(school)s has lent your child a laptop, and the loan agreement is not signed "
                           "yet. Please read and sign it:",
                           "Hello,\n\n%(school)s has lent your children laptops, and the loan agreements are not "
                           "signed yet. Please read and sign each of them:", len(items))
    else:
        subject = t.ngettext("Loan agreement %(numbers)s to sign: a new link",
                             "Loan agreements %(numbers)s to sign: new links", len(items))
        intro = t.ngettext("Hello,\n\n%(school)s sends you a new link to read and sign the loan agreement of the "
                           "laptop lent to your child:",
                           "Hello,\n\n%(school)s sends you new links to read and sign the loan agreements of the "
                           "laptops lent to your children:", len(items))
    lines = [intro % {"school": school}, ""]
    for name, number, url in items:
        lines += [t.gettext("%(pupil)s, agreement %(number)s:") % {"pupil": name, "number": number}, url, ""]
    lines.append(t.ngettext("The link works once and for 14 days; earlier links no longer work.",
                            "Each link works once and for 14 days; earlier links no longer work.", len(items)))
    return subject % {"numbers": numbers}, "\n".join(lines) + "\n"
