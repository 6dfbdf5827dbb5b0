"""The outbox: work that must not run inside a request, done by ``fleet worker``. Today: e-mail to
guardians (the signing link after a hand-over, the signed copy after signing).

A request queues a row in the same transaction as the loan or signature, so a hand-out that rolls
back queues nothing, and a slow or broken SMTP server never slows or fails a request. The worker
claims one due row at a time, sends it, and marks it sent:

- PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` in one transaction that holds the row while the
  message goes and marks it sent before commit; other workers skip it.
- SQLite: an atomic ``UPDATE … SET state='sending' WHERE id=? AND state='queued'`` (one writer at a
  time), committed; then the message goes, and a second transaction marks it sent. A row left
  ``sending`` by a worker that died is queued again after ``CLAIM_LEASE``.

Each message is sent once per message id, except in one edge: if the worker dies (or its database
connection does) after the SMTP server accepted the message and before the commit that marks it
sent, the row is sent again on the next run. Every attempt carries the same ``Message-ID``
(``<outbox-ID@host>``), so a mail system or a reader recognises the duplicate. That is
at-least-once at the SMTP boundary; no protocol gives more without the server's help.

A refused or failed attempt is retried with exponential backoff (``BACKOFF`` × 2^(attempt−1));
after ``MAX_ATTEMPTS`` the row is ``dead`` and admins see it at ``GET /api/v1/outbox?state=dead``
(never its recipient or content). The recipient and the content are personal data: cleared when
the row is sent or dead; ``fleet privacy purge`` deletes finished rows after ``RETENTION_DAYS``.
Logs name the row's id and the error's type, never the recipient or the content.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fleet import document_store, paging
from fleet.config import SmtpConfig
from fleet.errors import invalid
from fleet.lending import mail
from fleet.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

STATES = ("queued", "sending", "sent", "dead")
MAX_ATTEMPTS = 8
BACKOFF = timedelta(minutes=1)  # 1, 2, 4, … 64 minutes between the 8 attempts (about two hours in all)
CLAIM_LEASE = timedelta(minutes=15)  # a SQLite claim older than this is a dead worker's: queued again
RETENTION_DAYS = 30


def enqueue_link(session: Session, smtp: SmtpConfig | None, loan, agreement, url: str) -> bool:
    """Queue the signing link for the pupil's guardian; False when there is nobody to send to
    (no guardian e-mail) or no way to send (no ``FLEET_SMTP_HOST``)."""
    subject, body = mail.link_message(agreement.number, loan.pupil.school.name, url, agreement.language)
    return _enqueue(session, smtp, "sign_link", loan.pupil.guardian_email, agreement, subject, body)


def enqueue_signed(session: Session, smtp: SmtpConfig | None, loan, agreement) -> bool:
    """Queue the signed copy (attached from the document store when sent) for the guardian."""
    subject, body = mail.signed_message(agreement.number, loan.pupil.school.name, agreement.language)
    return _enqueue(session, smtp, "signed_copy", loan.pupil.guardian_email, agreement, subject, body,
                    (f"{agreement.number}.pdf", agreement.signed_sha256))


def enqueue_links(session: Session, smtp: SmtpConfig | None, loan, agreement, items: list[tuple[str, str, str]],
                  reminder: bool) -> bool:
    """Queue one message to ``loan``'s guardian with a new signing link per child (``items``: name,
    number, link; ``fleet.lending.roster``), about ``agreement`` (the first of them); ``reminder``: a
    reminder of agreements not signed yet (kind ``reminder``, else ``sign_links``)."""
    subject, body = mail.links_message(loan.pupil.school.name, items, agreement.language, reminder)
    return _enqueue(session, smtp, "reminder" if reminder else "sign_links", loan.pupil.guardian_email, agreement,
                    subject, body)


def _enqueue(session, smtp, kind, to, agreement, subject, body, attachment=None) -> bool:
    if smtp is None or not to:
        return False
    name, digest = attachment or (None, None)
    session.add(OutboxMessage(kind=kind, agreement_id=agreement.id, state="queued", recipient=to, subject=subject,
                              body=body, attachment_name=name, attachment_sha256=digest, attempts=0,
                              due_at=utcnow()))
    return True


def message_id(row_id: int, public_url: str) -> str:
    host = urlsplit(public_url).hostname or "fleet.invalid"
    return f"<outbox-{row_id}@{host}>"


@dataclass
class Run:
    sent: int = 0
    retried: int = 0
    dead: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retried} to retry, {self.dead} given up"


def run_once(sessionmaker, smtp: SmtpConfig | None, public_url: str, now: datetime | None = None,
             max_attempts: int = MAX_ATTEMPTS, backoff: timedelta = BACKOFF, limit: int = 1000) -> Run:
    """Send every message due at ``now`` (at most ``limit``), one row per transaction."""
    run = Run()
    if smtp is None:
        return run
    now = now or utcnow()
    _requeue_stale(sessionmaker, now)
    for _ in range(limit):
        outcome = _one(sessionmaker, smtp, public_url, now, max_attempts, backoff)
        if outcome is None:
            break
        setattr(run, outcome, getattr(run, outcome) + 1)
    return run


def _requeue_stale(sessionmaker, now: datetime) -> None:
    with sessionmaker() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.state == "sending",
                                              OutboxMessage.claimed_at < now - CLAIM_LEASE)
                  .values(state="queued", claimed_at=None))
        session.commit()


def _one(sessionmaker, smtp, public_url, now, max_attempts, backoff) -> str | None:
    with sessionmaker() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        due = (select(OutboxMessage).where(OutboxMessage.state == "queued", OutboxMessage.due_at <= now)
               .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(1))
        if postgres:
            row = session.scalars(due.with_for_update(skip_locked=True)).first()
            if row is None:
                return None
        else:
            while True:  # another worker may claim the one we saw first: take the next
                row = session.scalars(due).first()
                if row is None:
                    return None
                claimed = session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id,
                                                                OutboxMessage.state == "queued")
                                    .values(state="sending", claimed_at=now)).rowcount
                session.commit()
                if claimed == 1:
                    set_committed_value(row, "state", "sending")
                    set_committed_value(row, "claimed_at", now)
                    break
        try:
            attachment = None
            if row.attachment_sha256:
                attachment = (row.attachment_name, document_store.get(session, row.attachment_sha256).data)
            if not postgres:
                session.commit()  # SQLite: hold no transaction (its write lock) while the server answers
            mail.deliver(smtp, message_id(row.id, public_url), row.recipient, row.subject, row.body, attachment)
        except Exception as e:  # noqa: BLE001  (SMTP refused or unreachable, the attachment gone: this row's failure)
            error = type(e).__name__
            if isinstance(e, smtplib.SMTPResponseException):
                error += f" {e.smtp_code}"
            elif isinstance(e, smtplib.SMTPRecipientsRefused):
                error += " " + " ".join(str(code) for code, _ in e.recipients.values())
            outcome = _failed(session, row, now, error[:100], max_attempts, backoff)
            log.warning("outbox message %s not sent (%s), attempt %s: %s", row.id, error, row.attempts, outcome)
            return outcome
        row.state, row.finished_at, row.attempts, row.last_error = "sent", now, row.attempts + 1, None
        _forget(row)
        session.commit()
        log.info("outbox message %s sent", row.id)
        return "sent"


def _failed(session: Session, row: OutboxMessage, now, error, max_attempts, backoff) -> str:
    row.attempts += 1
    row.last_error = error
    row.claimed_at = None
    if row.attempts >= max_attempts:
        row.state, row.finished_at = "dead", now
        _forget(row)
        outcome = "dead"
    else:
        row.state, row.due_at = "queued", now + backoff * 2 ** (row.attempts - 1)
        outcome = "retried"
    session.commit()
    return outcome


def _forget(row: OutboxMessage) -> None:
    row.recipient = row.subject = row.body = None


def listing(session: Session, state: Any = None, after: Any = None, limit: Any = None) -> tuple[list, str | None]:
    """Rows newest first, optionally of one state; ``after``: the id the previous page ended at."""
    if state is not None and state not in STATES:
        raise invalid("state must be one of " + ", ".join(STATES), [{"field": "state"}])
    size = 100 if limit is None else _whole_number(limit)
    if size is None or not 1 <= size <= 500:
        raise invalid("limit must be a whole number between 1 and 500", [{"field": "limit"}])
    before = None if after is None else _whole_number(after)
    if after is not None and (before is None or not 0 < before < 2**63):  # a cursor is a row id: a bigint
        raise invalid("after must be a cursor from a previous page", [{"field": "after"}])
    query = paging.newest_first(select(OutboxMessage), OutboxMessage.id, size, before)
    if state is not None:
        query = query.where(OutboxMessage.state == state)
    return paging.split(session.scalars(query).all(), size, lambda row: str(row.id))


def purge(session: Session, days: int = RETENTION_DAYS, now: datetime | None = None) -> int:
    """Delete sent and dead rows finished more than ``days`` ago; how many went."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return session.execute(delete(OutboxMessage).where(OutboxMessage.state.in_(("sent", "dead")),
                                                       OutboxMessage.finished_at < cutoff)).rowcount


def _whole_number(text: str) -> int | None:
    """The number ``text`` writes in ASCII digits, else None ('²' is a digit to ``str.isdigit``, not to ``int``)."""
    return int(text) if text.isascii() and text.isdigit() else None
