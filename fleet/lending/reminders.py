"""Reminders to guardians who have not signed: after ``Config.reminder_days`` (``FLEET_REMINDER_DAYS``,
default 7) days an agreement still awaiting its signature is reminded through the outbox, then again
at most once every as many days, until it is signed, void or its loan ends.

The signing link's token is stored only hashed, so a reminder carries a fresh link
(``agreements.new_link``: the agreement re-rendered with its QR code, the old link stops working). A
guardian (one e-mail address within a school) gets one message for all their children's agreements
due that day. Each reminded agreement records ``reminded_at`` and counts ``reminders``; the roster
shows them. A guardian without an e-mail address is not reminded: the school prints a new link.

``fleet worker`` runs ``run`` on each pass: one query when nothing is due. ``now`` is injectable.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, contains_eager

from fleet.config import SmtpConfig
from fleet.lending import roster
from fleet.models import Agreement, Loan, Pupil, utcnow

BATCH = 200  # agreements reminded per pass at most (each is re-rendered); the rest on the next pass


def due(session: Session, days: int, now: datetime | None = None, limit: int = BATCH) -> list[tuple[Loan, Agreement]]:
    """The agreements to remind at ``now``: awaiting a signature for ``days`` days or more, of a loan
    still active, with a guardian's e-mail address, not reminded in the last ``days`` days."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    query = (select(Loan, Agreement).join(Agreement, Agreement.loan_id == Loan.id).join(Loan.pupil)
             .options(contains_eager(Loan.pupil))
             .where(Agreement.status == "awaiting_signature", Loan.status == "active",
                    Agreement.created_at <= cutoff,
                    or_(Agreement.reminded_at.is_(None), Agreement.reminded_at <= cutoff),
                    Pupil.guardian_email.is_not(None), Pupil.guardian_email != "", Pupil.anonymised_at.is_(None))
             .order_by(Agreement.id).limit(limit))
    return [(loan, agreement) for loan, agreement in session.execute(query)]


def queue_due(session: Session, smtp: SmtpConfig | None, public_url: str, days: int,
              now: datetime | None = None) -> int:
    """Queue the reminders due at ``now``, one message per guardian; how many messages. Nothing
    without e-mail set up (``smtp`` None). The caller commits."""
    if smtp is None or days < 1:
        return 0
    now = now or utcnow()
    pairs = due(session, days, now)
    groups, _no_address = roster.by_guardian(pairs)
    for family in groups.values():
        roster.queue_family(session, smtp, family, public_url, reminder=True, now=now)
    return len(groups)


def run(sessionmaker, config, now: datetime | None = None) -> int:
    """``fleet worker``'s pass: queue the reminders due (``config``: the app's ``Config``), committed;
    how many messages were queued."""
    if config.smtp is None:
        return 0
    with sessionmaker() as session:
        queued = queue_due(session, config.smtp, config.public_url, config.reminder_days, now)
        if queued:
            session.commit()
        return queued
