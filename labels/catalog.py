"""The print shop's own message catalogs: ``labels/translations/{lv,en}/LC_MESSAGES/labels.po`` (English
message ids), read with Babel — labels knows no Flask, so not Flask-Babel.

Each ``.po`` is compiled in memory the first time its language is used in a process (as fleet's catalogs are,
fleet/i18n.py): no ``.mo`` file is built or committed, so none can go stale. ``N_`` marks a message where it is
defined (it returns the message id: the text is looked up when a document is printed); ``NP_`` does the same
with a context, for a message whose English is the same as another's but whose Latvian is not.

After editing the messages in the source, ``scripts/update-label-catalogs`` merges them into both catalogs
(pybabel extract with ``-F labels/babel.cfg -k N_ -k NP_:1c,2``, then pybabel update) and lists what is left to
translate; tests/labels/test_catalog.py fails until then.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("lv", "en")
DIRECTORY = Path(__file__).parent / "translations"
DOMAIN = "labels"


def N_(message: str) -> str:
    """Marks `message` for the catalogs; translated where it is printed."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Marks `message` with a `context` for the catalogs; translated where it is printed (``text``)."""
    return context, message


def po_path(language: str) -> Path:
    return DIRECTORY / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> Translations:
    """The catalog of `language` (one of ``LANGUAGES``), compiled from its ``.po`` once per process."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    with open(po_path(language), "rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def text(message: str | tuple[str, str], language: str) -> str:
    """`message` (an ``N_`` or ``NP_`` one) in `language`."""
    catalog = translations(language)
    if isinstance(message, tuple):
        return catalog.pgettext(*message)
    return catalog.gettext(message)


def bilingual(message: str | tuple[str, str], separator: str = " / ") -> str:
    """"Latvian / English", as provisioning's lists print their words."""
    return separator.join(text(message, language) for language in LANGUAGES)
