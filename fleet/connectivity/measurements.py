"""The speed-test protocol and recording a measurement.

The protocol (the page's script and ``scripts/measure`` run the same, against Fleet's own endpoints under
``/api/v1/connectivity``): latency by ``PROBES`` small sequential requests (the median; jitter the mean absolute
difference of consecutive ones), then download and upload, each ``STREAMS`` parallel transfers for about
``SECONDS`` seconds (a finished transfer is started again), Mbit/s = bits moved / seconds of the phase. What is
measured is the path from the device to the Fleet server, not the internet at large.

``record`` checks a measurement field by field (every bad field in ``details``: ``field``, ``reason``,
``message``) and stores it; ``recent`` reads a school's latest ones.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import asset_tags
from fleet.errors import FleetError, invalid
from fleet.i18n import Joined, _l
from fleet.models import Device, School
from fleet.models.base import utcnow
from fleet.models.connectivity import LINKS, MEASUREMENT_SOURCES, Measurement

PROBES = 10  # sequential latency probes
STREAMS = 4  # parallel transfers in each direction
SECONDS = 3.0  # of each transfer phase
CHUNK_BYTES = 64 * 1024  # a download's pieces as the server writes them
DOWNLOAD_BYTES = 8 * 1024 * 1024  # one download request's size as the clients ask it
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024  # the most one download request gets
UPLOAD_BYTES = 2 * 1024 * 1024  # one upload request's body as the clients send it
MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # the most one upload request may send
MAX_MBPS = 100_000.0  # 100 Gbit/s: a rate above it is a broken measurement
MAX_MS = 60_000.0  # a minute: a latency above it is a broken one
MAX_FUTURE = timedelta(minutes=5)  # a clock a little ahead is forgiven
MAX_PAST = timedelta(days=366)  # a measurement kept on a laptop for a year is too old to tell anything
DEFAULT_RECENT = 20


def _problem(field: str, reason: str, message) -> dict[str, Any]:
    return {"field": field, "reason": reason, "message": message}


def _rate(field: str, value: Any, cap: float, unit: str, required: bool = True) -> tuple[float | None, dict | None]:
    """A number ≥ 0 and at most ``cap`` (a bool or a string is no number)."""
    if value is None:
        return None, (_problem(field, "required", _l("%(field)s is required", field=field)) if required else None)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None, _problem(field, "not_a_number", _l("%(field)s must be a number", field=field))
    if value < 0 or value > cap:
        return None, _problem(field, "out_of_range", _l("%(field)s must be between 0 and %(cap)s %(unit)s",
                                                        field=field, cap=format(cap, "g"), unit=unit))
    return float(value), None


def _device(session: Session, school_id: int, tag: Any) -> tuple[Device | None, dict | None]:
    """The programme laptop an asset tag names, at this school; else the field's problem."""
    if tag is None or (isinstance(tag, str) and not tag.strip()):
        return None, None
    if not isinstance(tag, str):
        return None, _problem("asset_tag", "not_a_tag", _l("the asset tag must be text, e.g. DIB-000123-8"))
    try:
        canonical = asset_tags.parse_tag(tag)
    except FleetError as e:
        return None, _problem("asset_tag", (e.details or [{}])[0].get("reason", "not_a_tag"), e.text or e.message)
    device = session.scalar(select(Device).where(Device.asset_tag == canonical))
    if device is None or device.school_id != school_id:  # another school's laptop: the same words as none
        return None, _problem("asset_tag", "not_at_school",
                              _l("%(tag)s is not a programme laptop of this school", tag=canonical))
    return device, None


def _when(taken_at: Any, now: datetime) -> tuple[datetime | None, dict | None]:
    if taken_at is None:
        return now, None
    if not isinstance(taken_at, datetime):
        return None, _problem("taken_at", "not_a_time", _l("taken_at must be a time"))
    aware = taken_at if taken_at.tzinfo else taken_at.replace(tzinfo=UTC)
    if aware > now + MAX_FUTURE or aware < now - MAX_PAST:
        return None, _problem("taken_at", "out_of_range",
                              _l("taken_at must be within the last year and not in the future"))
    return aware, None


def record(session: Session, school_id: int, download_mbps: Any, upload_mbps: Any, latency_ms: Any, jitter_ms: Any,
           link: Any, source: str, recorded_by: str, asset_tag: Any = None, taken_at: Any = None) -> Measurement:
    """Check and store one measurement of ``school_id`` (flushed, not committed). ``invalid_input`` with every
    bad field in ``details``: a rate negative or above ``MAX_MBPS``, a latency above ``MAX_MS``, ``link`` not
    ``wifi`` or ``cable``, an asset tag that is no programme laptop of this school, a time in the future."""
    if session.get(School, school_id) is None:
        raise FleetError("not_found", _l("school %(school)s not found", school=repr(school_id)), {"ref": school_id})
    if source not in MEASUREMENT_SOURCES:
        raise ValueError(f"source must be one of {MEASUREMENT_SOURCES}, not {source!r}")
    checked: dict[str, Any] = {}
    problems = []
    for field, value, cap, unit, required in (
        ("download_mbps", download_mbps, MAX_MBPS, "Mbit/s", True),
        ("upload_mbps", upload_mbps, MAX_MBPS, "Mbit/s", True),
        ("latency_ms", latency_ms, MAX_MS, "ms", True),
        ("jitter_ms", jitter_ms, MAX_MS, "ms", False),
    ):
        checked[field], problem = _rate(field, value, cap, unit, required)
        problems += [problem] if problem else []
    if link not in LINKS:
        problems.append(_problem("link", "unknown_choice", _l("link must be wifi or cable")))
    device, problem = _device(session, school_id, asset_tag)
    problems += [problem] if problem else []
    when, problem = _when(taken_at, utcnow())
    problems += [problem] if problem else []
    if problems:
        raise invalid(Joined([p["message"] for p in problems]), problems)  # each reason, in the reader's language
    measurement = Measurement(school_id=school_id, taken_at=when, link=link, source=source,
                              device_id=device.id if device else None, recorded_by=recorded_by[:100], **checked)
    session.add(measurement)
    session.flush()
    return measurement


def recent(session: Session, school_id: int, limit: int = DEFAULT_RECENT) -> list[Measurement]:
    """The school's latest measurements, newest first."""
    return list(session.scalars(select(Measurement).where(Measurement.school_id == school_id)
                                .order_by(Measurement.taken_at.desc(), Measurement.id.desc()).limit(limit)))
