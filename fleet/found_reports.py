"""Finders' reports: someone who found a laptop reported lost or stolen writes to its school from the
public finder page (``/d/<tag>``) without an account — a message and, if they choose, a way to reach
them. The school sees them on its desk and on the device's page; nobody else does.

``report`` takes one (throttled per sender: the address is kept only as a keyed hash, ``address_key``),
``handle`` marks one dealt with.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.access.policy import Scope
from fleet.errors import FleetError, invalid
from fleet.i18n import Joined, _l
from fleet.models import Device, FoundReport, utcnow


def unhandled(session: Session, scope: Scope, limit: int = 50) -> list[FoundReport]:
    """The newest reports not yet handled, of the schools ``scope`` sees."""
    query = select(FoundReport).where(FoundReport.handled_at.is_(None))
    principal = scope.principal
    if principal.school_scoped:
        query = query.where(FoundReport.school_id.in_(sorted(principal.school_ids)))
    return list(session.scalars(query.order_by(FoundReport.id.desc()).limit(limit)))


def for_device(session: Session, device_id: int) -> list[FoundReport]:
    """A device's reports, newest first (the device's page shows them to those who see the device)."""
    return list(session.scalars(select(FoundReport).where(FoundReport.device_id == device_id)
                                .order_by(FoundReport.id.desc())))


MAX_MESSAGE = 1000
MAX_CONTACT = 200
PER_ADDRESS_PER_HOUR = 3  # a finder writes once or twice; more from one address is someone playing
REPORTABLE = ("lost", "stolen")


def address_key(address: str | None, secret: str | bytes) -> str:
    """The sender's IP address as kept in ``FoundReport.address``: an HMAC-SHA256 under the app's secret
    key (64 hex digits) — enough to count one sender's reports, not to read their address back."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, (address or "unknown").encode(), hashlib.sha256).hexdigest()


def report(session: Session, device: Device, message: object, contact: object, address_hash: str,
           per_hour: int = PER_ADDRESS_PER_HOUR) -> FoundReport:
    """A finder's "I found it" about ``device`` (reported lost or stolen), for the device's school: the
    message (required, at most ``MAX_MESSAGE`` characters) and optionally a way to reach them.
    ``conflict`` when the laptop is not reported lost or stolen, ``invalid_input`` for a bad field
    (every one named), ``throttled`` after ``per_hour`` reports from one address within an hour."""
    if device.status not in REPORTABLE:
        raise FleetError("conflict", _l("this laptop is not reported lost or stolen; bring it to its school"),
                         {"status": device.status})
    text = message.strip() if isinstance(message, str) else ""
    reach = contact.strip() if isinstance(contact, str) else ""
    errors = []
    if not text:
        errors.append({"field": "message", "message": _l("write a few words: where you found it, how to get it")})
    elif len(text) > MAX_MESSAGE:
        errors.append({"field": "message", "message": _l("must be at most %(max_length)s characters",
                                                         max_length=MAX_MESSAGE)})
    if len(reach) > MAX_CONTACT:
        errors.append({"field": "contact", "message": _l("must be at most %(max_length)s characters",
                                                         max_length=MAX_CONTACT)})
    if errors:
        raise invalid(_l("the message was not sent: %(reasons)s", reasons=Joined([e["message"] for e in errors])),
                      errors)
    since = utcnow() - timedelta(hours=1)
    recent = session.scalars(select(FoundReport.created_at).where(FoundReport.address == address_hash,
                                                                  FoundReport.created_at > since)
                             .order_by(FoundReport.created_at.desc()).limit(per_hour)).all()
    if len(recent) >= per_hour:
        wait = max(1, math.ceil((min(recent) + timedelta(hours=1) - utcnow()).total_seconds()))
        raise FleetError("throttled", _l("too many messages from your address; try again in %(minutes)s min",
                                         minutes=math.ceil(wait / 60)), {"retry_after": wait})
    found = FoundReport(device_id=device.id, school_id=device.school_id, message=text, contact=reach or None,
                        address=address_hash)
    session.add(found)
    session.flush()
    return found


def handle(session: Session, scope: Scope, report_id: int, actor: str) -> FoundReport:
    """Mark a report handled (the school called the finder, the laptop is back): it leaves the desk's list
    and stays on the device's page. A report of a school outside ``scope`` is ``not_found``; handling
    twice keeps the first time."""
    found = session.get(FoundReport, report_id)
    if found is None or found.school_id is None or not scope.sees_school(found.school_id):
        raise FleetError("not_found", _l("report %(report)s not found", report=report_id), {"ref": report_id})
    if found.handled_at is None:
        found.handled_at, found.handled_by = utcnow(), actor[:100]
        session.flush()
    return found


def handle_all(session: Session, scope: Scope, device: Device, actor: str) -> int:
    """Mark every unhandled report of ``device`` that ``scope`` sees as handled; how many."""
    count = 0
    for found in for_device(session, device.id):
        if found.handled_at is None and found.school_id is not None and scope.sees_school(found.school_id):
            handle(session, scope, found.id, actor)
            count += 1
    return count
