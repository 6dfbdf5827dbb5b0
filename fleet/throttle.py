"""The sign-in throttle: after too many failed sign-ins for one username, or from one address,
within a window, further attempts are refused (``throttled``, 429, with when to try again) —
without checking the password, so a guess made meanwhile learns nothing.

It counts the access log's ``signin_failed`` rows (wrong password, unknown user), so it holds
across every worker and server sharing the database. A refused attempt is not itself a failure:
it does not extend the wait. A successful sign-in does not wipe earlier failures; they age out.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.config import Config
from fleet.errors import FleetError
from fleet.models import AccessLogEntry, utcnow


def key(username: str) -> str:
    """The name a failed sign-in is recorded and counted under: directories compare usernames
    without case, so ``JBerzins`` and ``jberzins`` share one count."""
    return username.strip().lower()[:100]


def check(session: Session, username: str, address: str | None, config: Config) -> None:
    window = timedelta(minutes=config.signin_throttle_minutes)
    since = utcnow() - window
    lifts = [
        _lifts_at(session, AccessLogEntry.actor == key(username), config.signin_failures_per_user, since, window),
        _lifts_at(session, AccessLogEntry.address == address, config.signin_failures_per_address, since, window)
        if address else None,
    ]
    lifts = [t for t in lifts if t is not None]
    if lifts:
        wait = max(1, math.ceil((max(lifts) - utcnow()).total_seconds()))
        raise FleetError("throttled", f"too many failed sign-ins; try again in {math.ceil(wait / 60)} min",
                         {"retry_after": wait})


def _lifts_at(session: Session, who, limit: int, since: datetime, window: timedelta) -> datetime | None:
    """When the refusal ends: the moment the limit-th newest failure leaves the window (None: not refused)."""
    times = session.scalars(
        select(AccessLogEntry.at).where(who, AccessLogEntry.event == "signin_failed", AccessLogEntry.at > since)
        .order_by(AccessLogEntry.at.desc()).limit(limit)
    ).all()
    return times[limit - 1] + window if len(times) >= limit else None
