"""What a scanned or typed code means: a chain of small resolvers, the first match wins.

A handheld scanner types whatever the label holds — the QR code's URL, the asset tag, or the
Code128 serial — and a person may type any of them by hand. Each resolver takes the raw text
and returns a device, or ``None`` when the text is not its kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.asset_tags import looks_like_tag, parse_tag
from fleet.errors import FleetError, invalid
from fleet.models import Device
from fleet.serials import SERIAL_RE

MAX_CODE_LENGTH = 500
_URL_PATH_RE = re.compile(r"/d/([^/?#]+)/?$", re.IGNORECASE)

Resolver = Callable[[Session, str], "Device | None"]


def by_url(session: Session, code: str) -> Device | None:
    """``https://fleet.example/d/DIB-000123-8`` (any host and case: phones and scanners differ)."""
    if "://" not in code:
        return None
    m = _URL_PATH_RE.search(urlsplit(code).path)
    if not m:
        raise invalid(f"{code!r} is not a Fleet device URL (…/d/ASSET-TAG)", {"field": "code"})
    return session.scalar(select(Device).where(Device.asset_tag == parse_tag(unquote(m.group(1)))))


def by_asset_tag(session: Session, code: str) -> Device | None:
    if not looks_like_tag(code):
        return None
    try:
        tag = parse_tag(code)
    except FleetError:
        # A wrong check character: a serial may still look like a tag; else it is a typo.
        if by_serial(session, code) is None:
            raise
        return None
    return session.scalar(select(Device).where(Device.asset_tag == tag))


def by_serial(session: Session, code: str) -> Device | None:
    serial = code.strip().upper()
    if not SERIAL_RE.match(serial):
        return None
    return session.scalar(select(Device).where(Device.serial == serial))


RESOLVERS: tuple[Resolver, ...] = (by_url, by_asset_tag, by_serial)


def resolve(session: Session, code: object) -> Device:
    """The device a code names, or ``invalid_input`` / ``not_found``."""
    if not isinstance(code, str) or not code.strip():
        raise invalid("a code (URL, asset tag or serial) is required", {"field": "code"})
    code = code.strip()
    if len(code) > MAX_CODE_LENGTH:
        raise invalid(f"the code is longer than {MAX_CODE_LENGTH} characters", {"field": "code"})
    for resolver in RESOLVERS:
        device = resolver(session, code)
        if device is not None:
            return device
    raise FleetError("not_found", f"no device matches {code!r}", {"ref": code})
