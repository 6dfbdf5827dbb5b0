"""Manufacturer serial numbers: validated as typed, then normalised (trimmed, upper-cased).

The characters are checked before the case is folded: upper-casing makes 'FF' of 'ﬀ', 'I' of
'ı' and 'S' of 'ſ', and two different inputs must never silently become the same serial.
"""

from __future__ import annotations

import re

from fleet.errors import invalid
from fleet.i18n import _l

_AS_TYPED = re.compile(r"[A-Za-z0-9-]{4,40}")  # ASCII letters in either case, digits, '-'


def looks_like_serial(text: str) -> bool:
    """Whether ``text`` (already trimmed) is a serial in either case."""
    return _AS_TYPED.fullmatch(text) is not None


def normalize_serial(raw: object, field: str = "serial") -> str:
    """The canonical form of a serial, or ``invalid_input`` saying what is wrong with it."""
    if not isinstance(raw, str):
        raise invalid(_l("%(field)s must be a string", field=field), {"field": field})
    text = raw.strip()
    if not looks_like_serial(text):
        if not 4 <= len(text) <= 40:
            reason = _l("must be 4-40 characters long, has %(length)s", length=len(text))
        else:
            bad = sorted({ch for ch in text if not (ch.isascii() and (ch.isalnum() or ch == "-"))})
            found = " ".join(repr(c) for c in bad)
            reason = _l("may hold only letters A-Z, digits and '-', found %(found)s", found=found)
        raise invalid(_l("serial %(serial)s %(reason)s", serial=repr(raw), reason=reason),
                      {"field": field, "value": raw})
    return text.upper()
