"""Rows kept beside the domain: scans that were refused, and the outbox of e-mails waiting for
``fleet worker``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fleet.models.base import Base, UTCDateTime, utcnow


class RefusedScan(Base):
    """A scan that was refused (``fleet.refused_scans``): who, when, where, the code as scanned and
    the error. Not a device's history (a refused scan did not happen to the device), and never
    personal data: the action's name and the code, nothing else of the request."""

    __tablename__ = "refused_scans"
    __table_args__ = (Index("ix_refused_scans_actor_id", "actor", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))  # receive, arrive, audited, or /scan's action (lookup: none)
    code: Mapped[str | None] = mapped_column(String(500))  # as scanned, truncated; none when it was no text
    error: Mapped[str] = mapped_column(String(32))  # the error code
    message: Mapped[str] = mapped_column(String(200))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))  # when the scanner may see it
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"), index=True)
    stocktake_id: Mapped[int | None] = mapped_column(ForeignKey("stocktakes.id"), index=True)
    nonce: Mapped[str | None] = mapped_column(String(100), unique=True)  # a station's retry is kept once


class OutboxMessage(Base):
    """An e-mail waiting for ``fleet worker`` (``fleet.outbox``), written in the same transaction as
    the loan or signature it is about. The recipient and body are personal data (the body of a
    signing e-mail holds the link, whose token is otherwise stored only as a hash): kept only until
    the message is sent or given up (then cleared), and the rows go with ``fleet privacy purge``. The attachment is
    the document's hash in the document store, not a second copy."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_due_at", "state", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # sign_link, signed_copy
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))  # what it is about
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued, sending, sent, dead
    recipient: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(100))
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(100))  # the exception's type and SMTP code, no content
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # sent, or given up (dead)


class FoundReport(Base):
    """A finder's "I found it" about a laptop reported lost or stolen (``fleet.found_reports``), sent from
    the public finder page without an account: their message and, if they gave one, a way to reach them.
    Shown to the device's school (its desk and the device's page). ``address`` is the sender's IP address
    as a keyed hash, for the throttle only."""

    __tablename__ = "found_reports"
    __table_args__ = (Index("ix_found_reports_address_created_at", "address", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)  # the device's, then
    message: Mapped[str] = mapped_column(String(1000))
    contact: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by: Mapped[str | None] = mapped_column(String(100))


class VerifyRun(Base):
    """One run of ``fleet verify`` (``fleet.history.record_run``): when, how many device histories it
    checked, and the first broken event it found (None: every chain intact). The admin pages show the latest."""

    __tablename__ = "verify_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))  # "cli", or the admin who ran it from the page
    checked: Mapped[int] = mapped_column(Integer)
    broken_serial: Mapped[str | None] = mapped_column(String(100))
    broken_event_id: Mapped[int | None] = mapped_column(Integer)
    broken_seq: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(300))
