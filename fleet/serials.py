"""Manufacturer serial numbers: normalised (trimmed, upper-cased) and validated."""

from __future__ import annotations

import re

from fleet.errors import invalid

SERIAL_RE = re.compile(r"^[A-Z0-9-]{4,40}$")


def normalize_serial(raw: object, field: str = "serial") -> str:
    """The canonical form of a serial, or ``invalid_input`` saying what is wrong with it."""
    if not isinstance(raw, str):
        raise invalid(f"{field} must be a string", {"field": field})
    serial = raw.strip().upper()
    if not SERIAL_RE.match(serial):
        if not 4 <= len(serial) <= 40:
            reason = f"must be 4-40 characters long, has {len(serial)}"
        else:
            bad = sorted({ch for ch in serial if not (ch.isascii() and (ch.isalnum() or ch == "-"))})
            reason = "may hold only letters A-Z, digits and '-', found " + " ".join(repr(c) for c in bad)
        raise invalid(f"serial {raw!r} {reason}", {"field": field, "value": raw})
    return serial
