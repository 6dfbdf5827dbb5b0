"""Measurement links for school laptops: a signed key naming one school and an expiry.

The key is signed with the app's secret (``itsdangerous``, salted for this use only): whoever holds the link
may measure for that school — the transfer endpoints and recording a measurement — and nothing else; it opens
no other page or record. A key that does not verify is ``unauthorized``; one past its expiry is ``gone``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from fleet.errors import FleetError
from fleet.i18n import _l

SALT = "fleet.connectivity.measure-key"
DEFAULT_DAYS = 30
MAX_DAYS = 366
HEADER = "X-Fleet-Measure-Key"  # the API's header; the page takes it as ``?key=``


def _serializer(secret: str | bytes | None = None) -> URLSafeSerializer:
    return URLSafeSerializer(secret or current_app.secret_key, salt=SALT)


def issue(school_id: int, days: int = DEFAULT_DAYS, now: float | None = None) -> tuple[str, int]:
    """(the key, its expiry in seconds since the epoch) for ``school_id``, valid ``days`` days (1 … 366)."""
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise FleetError("invalid_input", _l("days must be a whole number from 1 to %(max)s", max=MAX_DAYS),
                         [{"field": "days", "reason": "out_of_range"}])
    expires = int(now if now is not None else time.time()) + days * 86400
    return _serializer().dumps({"s": school_id, "e": expires}), expires


def school_of(key: str, now: float | None = None) -> int:
    """The school id a key names; ``unauthorized`` for a key that does not verify, ``gone`` for an expired one."""
    try:
        data = _serializer().loads(key) if isinstance(key, str) and 0 < len(key) <= 500 else None
    except BadSignature:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("e"), int):
        raise FleetError("unauthorized", _l("the measurement link is not valid: ask the school's IT for a new one"))
    if data["e"] < (now if now is not None else time.time()):
        raise FleetError("gone", _l("the measurement link has expired: ask the school's IT for a new one"),
                         {"expired": True})
    return data["s"]


@dataclass(frozen=True)
class Link:
    url: str  # the measurement page with the key (and a laptop's tag), at FLEET_PUBLIC_URL
    key: str
    expires: datetime


def link(school_id: int, days: int = DEFAULT_DAYS, tag: str | None = None) -> Link:
    """A new measurement link for ``school_id``: ``/connectivity/measure?key=…[&tag=…]`` at the public URL."""
    key, expires = issue(school_id, days)
    params = {"key": key, **({"tag": tag.strip()} if tag and tag.strip() else {})}
    url = f"{current_app.config['FLEET'].public_url}/connectivity/measure?{urlencode(params)}"
    return Link(url, key, datetime.fromtimestamp(expires, UTC))
