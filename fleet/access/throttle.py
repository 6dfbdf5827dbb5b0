"""The sign-in throttle: after too many failed sign-ins for one username, or from one address,
within a window, further attempts are refused (``throttled``, 429, with when to try again) —
without checking the password, so a guess made meanwhile learns nothing.

It counts the access log's ``signin_failed`` rows (wrong password, unknown user), so it holds
across every worker and server sharing the database. Only failures count: a refused attempt does
not extend the wait, and successful sign-ins neither count towards a limit nor wipe earlier
failures; they age out. A throttled address refuses the right password too: letting it through
would tell a guesser which guess was right, and the address limit is there against guessing many
usernames' passwords from one place.

An address refused for failures that are not its users' (a school's NAT, where one browser's
guesses throttle every teacher) is opened at once by ``clear`` (``fleet throttle clear ADDRESS``):
a ``throttle_cleared`` row in the access log, after which only newer failures count against the
address. Each username's own count is left as it is.
"""

from __future__ import annotations

import ipaddress
import itertools
import math
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.access import access_log
from fleet.config import Config
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
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
        _lifts_at(session, AccessLogEntry.address == address, config.signin_failures_per_address, since, window,
                  clearable=True) if address else None,
    ]
    lifts = [t for t in lifts if t is not None]
    if lifts:
        wait = max(1, math.ceil((max(lifts) - utcnow()).total_seconds()))
        raise FleetError("throttled", _l("too many failed sign-ins; try again in %(minutes)s min",
                                         minutes=math.ceil(wait / 60)),
                         {"retry_after": wait})


def _lifts_at(session: Session, who, limit: int, since: datetime, window: timedelta,
              clearable: bool = False) -> datetime | None:
    """When the refusal ends: the moment the limit-th newest failure leaves the window (None: not
    refused). ``clearable``: only failures newer than the newest ``throttle_cleared`` count — read
    in the same query: the newest ``limit`` rows of either kind, failures counted down to a clear."""
    events = ("signin_failed", "throttle_cleared") if clearable else ("signin_failed",)
    rows = session.execute(
        select(AccessLogEntry.at, AccessLogEntry.event).where(who, AccessLogEntry.event.in_(events),
                                                              AccessLogEntry.at > since)
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc()).limit(limit)
    ).all()
    times = [at for at, _ in itertools.takewhile(lambda row: row.event == "signin_failed", rows)]
    return times[limit - 1] + window if len(times) >= limit else None


def clear(session: Session, address: str, actor: str, config: Config) -> AccessLogEntry:
    """Let sign-ins from ``address`` through again now: its failures so far stop counting against
    the address (each username's own count stays). The access log's ``throttle_cleared`` entry is
    returned: the address as recorded, and in ``details`` how many failures within the window no
    longer count."""
    try:
        address = str(ipaddress.ip_address(address))
    except ValueError:
        raise invalid(f"{address!r} is not an IP address (as the access log records it)",
                      [{"field": "address"}]) from None
    since = utcnow() - timedelta(minutes=config.signin_throttle_minutes)
    rows = session.execute(
        select(AccessLogEntry.event).where(AccessLogEntry.address == address,
                                           AccessLogEntry.event.in_(("signin_failed", "throttle_cleared")),
                                           AccessLogEntry.at > since)
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
    ).scalars().all()
    forgiven = sum(1 for _ in itertools.takewhile(lambda event: event == "signin_failed", rows))
    return access_log.record(session, "throttle_cleared", actor, address=address, via="cli",
                             what="fleet throttle clear", details={"failures": forgiven})
