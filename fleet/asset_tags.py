"""Asset tags ``PREFIX-NNNNNN-C`` and their check character.

The number has at least six digits (zero-padded to six) and grows to seven and more past 999,999,
up to nine (``MAX_NUMBER``): a longer number never starts with 0, so every number has one tag, and the
longest tag (an eight-letter prefix, nine digits) is the 20 characters that the tag columns hold.
When the sequence passes ``MAX_NUMBER`` allocation is refused with ``conflict`` (the numbering is used
up: a state of the server, not a fault in the request), never a 500.

The check character is a weighted sum modulo 31 over ``PREFIX`` + the digits (values 0-9 for
digits, 10-35 for letters; the character at position i weighs i + 1), written in a 31-symbol
alphabet without the look-alikes I, L, O, S and U. Because 31 is prime, the weights are distinct
and non-zero (a body has at most 8 + 9 = 17 characters), and two characters of the same kind differ
by less than 31, every single mistyped character and every swap of two adjacent characters changes
the sum, at any length (tests/fleet/test_asset_tags.py checks both over a sample of six- to
nine-digit tags; a letter typed for a digit already breaks the format).
"""

from __future__ import annotations

import re

from fleet.errors import FleetError, invalid
from fleet.i18n import _l

CHECK_ALPHABET = "0123456789ABCDEFGHJKMNPQRTVWXYZ"
MODULUS = len(CHECK_ALPHABET)  # 31, a prime
_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
DIGITS = 6  # at least: zero-padded to six
MAX_DIGITS = 9
MAX_NUMBER = 10**MAX_DIGITS - 1
PREFIX_RE = re.compile(r"^[A-Z]{2,8}$")
_NUMBER = r"[0-9]{6}|[1-9][0-9]{6,8}"  # six digits, or seven to nine without a leading zero
TAG_RE = re.compile(rf"([A-Z]{{2,8}})-({_NUMBER})-([0-9A-Z])")
_AS_TYPED = re.compile(rf"[A-Za-z]{{2,8}}-(?:{_NUMBER})-[0-9A-Za-z]")  # checked before upper-casing: 'ı' is no I


def _check(body: str) -> str:
    total = sum((i + 1) * _VALUE[ch] for i, ch in enumerate(body))
    return CHECK_ALPHABET[total % MODULUS]


def check_character(prefix: str, number: int) -> str:
    """The check character of ``PREFIX`` + ``number`` (zero-padded to six digits)."""
    return _check(f"{prefix}{number:0{DIGITS}d}")


def is_valid_body(text: str) -> bool:
    """True when ``text`` (prefix, digits and check character, no dashes) is a consistent tag."""
    if len(text) < 2 or any(ch not in _VALUE for ch in text):
        return False
    return _check(text[:-1]) == text[-1]


def format_tag(prefix: str, number: int) -> str:
    if not 1 <= number <= MAX_NUMBER:
        raise ValueError(f"asset tag number {number} outside 1..{MAX_NUMBER}")
    return f"{prefix}-{number:0{DIGITS}d}-{check_character(prefix, number)}"


def validate_prefix(prefix: str) -> str:
    if not PREFIX_RE.match(prefix or ""):
        raise ValueError(f"FLEET_ASSET_TAG_PREFIX must be 2-8 capital letters A-Z, not {prefix!r}")
    return prefix


def looks_like_tag(text: str) -> bool:
    return _AS_TYPED.fullmatch(text.strip()) is not None


def parse_tag(text: str) -> str:
    """Normalise and validate an asset tag typed or scanned by a person; the canonical tag."""
    tag = text.strip().upper()
    m = TAG_RE.fullmatch(tag) if looks_like_tag(text) else None
    if not m:
        raise invalid(
            _l("%(code)s is not an asset tag (expected PREFIX-NNNNNN-C, e.g. DIB-000123-8; 6-9 digits)",
               code=repr(text)),
            {"field": "asset_tag"},
        )
    prefix, digits, check = m.groups()
    if not is_valid_body(prefix + digits + check):
        raise invalid(
            _l("asset tag %(tag)s has a wrong check character: a character is mistyped or two are swapped", tag=tag),
            {"field": "asset_tag", "reason": "check_character"},
        )
    return tag


def in_number_order(column) -> tuple:
    """``ORDER BY`` terms listing the tags of a prefix in number order: a longer number is the larger
    one, so DIB-999999-Z comes before DIB-1000000-R (as text it would come after)."""
    from sqlalchemy import func

    return func.length(column), column


def allocate_tag(session, prefix: str) -> str:
    """The next tag from the database's sequence; never the same number twice, never reused.

    PostgreSQL: ``nextval('asset_tag_seq')``. SQLite has no sequences: an AUTOINCREMENT key
    never hands out a number twice (sqlite_sequence keeps the highest), and the row is deleted.
    Past ``MAX_NUMBER``: ``conflict`` (the numbers are used up), and nothing is received or printed.
    """
    from sqlalchemy import text

    if session.get_bind().dialect.name == "postgresql":
        number = session.execute(text("SELECT nextval('asset_tag_seq')")).scalar_one()
    else:
        number = session.execute(text("INSERT INTO asset_tag_numbers DEFAULT VALUES RETURNING id")).scalar_one()
        session.execute(text("DELETE FROM asset_tag_numbers WHERE id = :id"), {"id": number})
    if number > MAX_NUMBER:
        raise FleetError("conflict", f"the asset tag numbers are used up: the sequence has passed {MAX_NUMBER:,}",
                         {"reason": "asset_tags_exhausted", "max": MAX_NUMBER})
    return format_tag(prefix, number)
