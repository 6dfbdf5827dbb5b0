"""Asset tags ``PREFIX-NNNNNN-C`` and their check character.

The check character is a weighted sum modulo 31 over ``PREFIX`` + ``NNNNNN`` (values 0-9 for
digits, 10-35 for letters; the character at position i weighs i + 1), written in a 31-symbol
alphabet without the look-alikes I, L, O, S and U. Because 31 is prime, the weights are distinct
and non-zero, and two characters of the same kind differ by less than 31, every single mistyped
character and every swap of two adjacent characters changes the sum (tests/test_asset_tags.py
checks both over a sample; a letter typed for a digit already breaks the format).
"""

from __future__ import annotations

import re

from fleet.errors import invalid

CHECK_ALPHABET = "0123456789ABCDEFGHJKMNPQRTVWXYZ"
MODULUS = len(CHECK_ALPHABET)  # 31, a prime
_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
DIGITS = 6
MAX_NUMBER = 10**DIGITS - 1
PREFIX_RE = re.compile(r"^[A-Z]{2,8}$")
TAG_RE = re.compile(r"([A-Z]{2,8})-([0-9]{6})-([0-9A-Z])")
_AS_TYPED = re.compile(r"[A-Za-z]{2,8}-[0-9]{6}-[0-9A-Za-z]")  # checked before upper-casing: 'ı' is no I


def _check(body: str) -> str:
    total = sum((i + 1) * _VALUE[ch] for i, ch in enumerate(body))
    return CHECK_ALPHABET[total % MODULUS]


def check_character(prefix: str, number: int) -> str:
    """The check character of ``PREFIX`` + the six-digit ``number``."""
    return _check(f"{prefix}{number:06d}")


def is_valid_body(text: str) -> bool:
    """True when ``text`` (prefix, digits and check character, no dashes) is a consistent tag."""
    if len(text) < 2 or any(ch not in _VALUE for ch in text):
        return False
    return _check(text[:-1]) == text[-1]


def format_tag(prefix: str, number: int) -> str:
    if not 1 <= number <= MAX_NUMBER:
        raise ValueError(f"asset tag number {number} outside 1..{MAX_NUMBER}")
    return f"{prefix}-{number:06d}-{check_character(prefix, number)}"


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
            f"{text!r} is not an asset tag (expected PREFIX-NNNNNN-C, e.g. DIB-000123-X)",
            {"field": "asset_tag"},
        )
    prefix, digits, check = m.groups()
    if not is_valid_body(prefix + digits + check):
        raise invalid(
            f"asset tag {tag} has a wrong check character: a character is mistyped or two are swapped",
            {"field": "asset_tag", "reason": "check_character"},
        )
    return tag


def allocate_tag(session, prefix: str) -> str:
    """The next tag from the database's sequence; never the same number twice, never reused.

    PostgreSQL: ``nextval('asset_tag_seq')``. SQLite has no sequences: an AUTOINCREMENT key
    never hands out a number twice (sqlite_sequence keeps the highest), and the row is deleted.
    """
    from sqlalchemy import text

    if session.get_bind().dialect.name == "postgresql":
        number = session.execute(text("SELECT nextval('asset_tag_seq')")).scalar_one()
    else:
        number = session.execute(text("INSERT INTO asset_tag_numbers DEFAULT VALUES RETURNING id")).scalar_one()
        session.execute(text("DELETE FROM asset_tag_numbers WHERE id = :id"), {"id": number})
    return format_tag(prefix, number)
