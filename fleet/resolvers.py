"""What a scanned or typed code means: a chain of small resolvers, the first match wins.

A handheld scanner types whatever the label holds — the QR code's URL, the asset tag, or the
Code128 serial — and a person may type any of them by hand. Each resolver looks at the raw text
alone and returns a ``Match`` (the column and value that name the device, and what to say when
none is there) or ``None`` when the text is not its kind. ``resolve`` runs the match in one
query, with ``lock=True`` as the lifecycle's row lock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import lifecycle
from fleet.access.policy import Scope
from fleet.asset_tags import looks_like_tag, parse_tag
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.models import Device
from fleet.serials import looks_like_serial

MAX_CODE_LENGTH = 500
_URL_PATH_RE = re.compile(r"/d/([^/?#]+)/?$", re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    column: str  # "serial" or "asset_tag"
    value: str
    missing: FleetError | None = None  # said when no device matches; default not_found


def by_url(code: str) -> Match | None:
    """``https://fleet.example/d/DIB-000123-8`` (any host and case: phones and scanners differ).

    Text that cannot be split as a URL (``http://[``, a host with fullwidth slashes that NFKC
    would make real ones) is not a URL: the other resolvers look at it, and none will match.
    """
    if "://" not in code:
        return None
    try:
        path = urlsplit(code).path
    except ValueError:
        return None
    m = _URL_PATH_RE.search(path)
    if not m:
        raise invalid(f"{code!r} is not a Fleet device URL (…/d/ASSET-TAG)", {"field": "code"})
    return Match("asset_tag", parse_tag(unquote(m.group(1))))


def by_asset_tag(code: str) -> Match | None:
    if not looks_like_tag(code):
        return None
    try:
        return Match("asset_tag", parse_tag(code))
    except FleetError as wrong_check:
        # A serial may look like a tag (registration refuses only valid tags); else it is a typo.
        return Match("serial", code.upper(), missing=wrong_check)


def by_serial(code: str) -> Match | None:
    return Match("serial", code.upper()) if looks_like_serial(code) else None


RESOLVERS: tuple[Callable[[str], Match | None], ...] = (by_url, by_asset_tag, by_serial)


def match(code: object) -> Match:
    """What the code names, or ``invalid_input`` when it cannot name a device at all."""
    if not isinstance(code, str) or not code.strip():
        raise invalid(_l("a code (URL, asset tag or serial) is required"), {"field": "code"})
    code = code.strip()
    if len(code) > MAX_CODE_LENGTH:
        raise invalid(f"the code is longer than {MAX_CODE_LENGTH} characters", {"field": "code"})
    for resolver in RESOLVERS:
        found = resolver(code)
        if found is not None:
            return found
    raise FleetError("not_found", _l("no device matches %(code)s", code=repr(code)), {"ref": code})


def resolve(session: Session, code: object, scope: Scope | None = None, lock: bool = False) -> Device:
    """The device a code names (locked for the lifecycle when ``lock``).

    A device outside ``scope`` is answered exactly like one that does not exist (no scope: any device).
    """
    m = match(code)
    if lock:
        device = lifecycle.lock_device(session, m.column, m.value)
    else:
        device = session.scalar(select(Device).where(getattr(Device, m.column) == m.value))
    if device is None or (scope is not None and not scope.sees_device(device)):
        raise not_found(code, m)
    return device


def not_found(code: object, m: Match | None = None) -> FleetError:
    """The refusal of a code that names no device (or one the caller may not see: the same words)."""
    m = m or match(code)
    return m.missing or FleetError("not_found", _l("no device matches %(code)s", code=repr(code.strip())),
                                   {"ref": code.strip()})
