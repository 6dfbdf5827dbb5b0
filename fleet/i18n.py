"""Translations: the message catalogs (``fleet/translations/{lv,en}/LC_MESSAGES/messages.po``), the
locale each answer is given in, and ``Text`` — a message kept untranslated until it is shown.

- **Pages** are in the visitor's chosen language: the ``lang`` cookie (set by the switch on every page,
  ``fleet.web.language``), else the browser's ``Accept-Language`` (lv or en), else Latvian.
- **The API** answers error messages in English unless ``Accept-Language`` prefers Latvian
  (``api_locale``): English is what machine clients expect.
- **E-mail** to a guardian is in the agreement's language, outside any request (``translations``).

The catalogs are compiled from the ``.po`` files in memory the first time a locale is used in a
process (no ``.mo`` files: nothing to build, nothing to go stale; docs/decisions/0006-flask-babel.md).
In code, ``gettext``/``_`` (Flask-Babel's) translates now, in the request's locale; ``_l`` and ``_lp``
(context) make a ``Text`` for module-level names and for errors that are rendered later, in
whatever language the reader has. Templates use ``_()``.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask, has_request_context, request
from flask_babel import Babel, Domain, get_locale, gettext  # gettext (and _): the one pages and views use
from werkzeug.datastructures import LanguageAccept

LOCALES = ("lv", "en")
DEFAULT_LOCALE = "lv"  # pages
API_LOCALE = "en"  # API error messages unless Accept-Language asks for Latvian
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
DIRECTORY = Path(__file__).parent / "translations"
DOMAIN = "messages"
# pybabel's keywords beyond its defaults (babel.cfg says how to pass them; the catalog test uses these)
EXTRACT_KEYWORDS = {"_l": None, "_lp": ((1, "c"), 2)}

_ = gettext
__all__ = ["LOCALES", "Text", "_", "_l", "_lp", "api_locale", "current_locale", "gettext", "init_app", "plural_samples",
           "translations"]


@cache
def translations(locale: str) -> Translations:
    """The catalog of ``locale`` (one of ``LOCALES``), compiled from its ``.po`` once per process."""
    if locale not in LOCALES:
        raise ValueError(f"no catalog for locale {locale!r}")
    catalog = read_catalog(locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def read_catalog(locale: str):
    """The ``.po`` catalog of ``locale``: ``messages.po``, plus any other ``.po`` beside it (a piece of
    work may bring its messages in a file of their own, and retire old ones as obsolete ``#~`` entries;
    ``scripts/update-catalogs`` folds them in). Plural messages keep every form, in the order of
    ``messages.po``'s Plural-Forms rule (a fragment states the same rule in its header)."""
    folder = DIRECTORY / locale / "LC_MESSAGES"
    with open(folder / f"{DOMAIN}.po", "rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    for extra in sorted(folder.glob("*.po")):
        if extra.name != f"{DOMAIN}.po":
            with open(extra, "rb") as po:
                fragment = read_po(po, locale=locale)
            for message in fragment.obsolete.values():
                catalog.delete(message.id, message.context)
            for message in fragment:
                if message.id:
                    catalog[message.id] = message  # (keyed by id — a plural's singular — and context)
    return catalog


def plural_samples(locale: str | None = None) -> list[int]:
    """A count for each plural form of the locale's catalog, in the catalog's order (lv: 0, 1, 2 for
    "skenējumu", "skenējums", "skenējumi"; en: 1, 0). ``[t.ngettext(s, p, n) for n in plural_samples()]``
    lists every form of a message, for a script that picks one by the same rule (``static/station.js``)."""
    catalog = translations(locale or current_locale())
    first: dict[int, int] = {}
    for n in range(200):
        first.setdefault(catalog.plural(n), n)
    return [first[form] for form in sorted(first)]


class Text:
    """A message id (with an optional gettext context) and named parameters, translated when shown:
    ``str()`` gives it in the current request's locale (English outside a request), ``in_(locale)``
    in a given one. Parameters that are ``Text`` themselves are translated along with it."""

    __slots__ = ("context", "msgid", "params")

    def __init__(self, msgid: str, context: str | None = None, params: dict[str, Any] | None = None):
        self.msgid, self.context, self.params = msgid, context, params or {}

    def in_(self, locale: str | Translations) -> str:
        t = translations(locale) if isinstance(locale, str) else locale
        text = t.pgettext(self.context, self.msgid) if self.context else t.gettext(self.msgid)
        if not self.params:
            return text
        return text % {k: v.in_(t) if isinstance(v, Text) else v for k, v in self.params.items()}

    def __str__(self) -> str:
        return self.in_(current_locale())

    def __html__(self) -> str:  # Jinja escapes it like any string
        from markupsafe import escape
        return str(escape(str(self)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.msgid, self.context, self.params) == (
            other.msgid, other.context, other.params)

    def __hash__(self) -> int:
        return hash((self.msgid, self.context))

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, {self.context!r}, {self.params!r})"


class Joined(Text):
    """Several messages shown as one, each in the reader's language (a refusal's reasons)."""

    __slots__ = ("parts", "separator")

    def __init__(self, parts: list[Text | str], separator: str = "; "):
        super().__init__("")
        self.parts, self.separator = list(parts), separator

    def in_(self, locale: str | Translations) -> str:
        return self.separator.join(p.in_(locale) if isinstance(p, Text) else str(p) for p in self.parts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Joined) and (self.parts, self.separator) == (other.parts, other.separator)

    def __hash__(self) -> int:
        return hash(tuple(map(str, self.parts)))


class Figure(Text):
    """A number inside a message, written as its reader writes numbers: ``33,3`` in Latvian, ``33.3`` in English
    (``text`` as Python prints it, with a decimal point)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        super().__init__("")
        self.text = text

    def in_(self, locale: str | Translations) -> str:
        language = locale if isinstance(locale, str) else locale.info().get("language", "")
        return self.text.replace(".", ",") if language == "lv" else self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Figure) and self.text == other.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Figure({self.text!r})"


def _l(msgid: str, **params: Any) -> Text:
    """A message to translate when shown (extracted like ``_``)."""
    return Text(msgid, None, params)


def _lp(context: str, msgid: str, **params: Any) -> Text:
    """``_l`` with a gettext context, for short words that mean different things (a status, an action)."""
    return Text(msgid, context, params)


def current_locale() -> str:
    """The locale of this request's page (``select_locale``), forced ones included; English outside a request."""
    if not has_request_context():
        return API_LOCALE
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LOCALES else DEFAULT_LOCALE


def _accepted(default: str) -> str:
    """The best of Accept-Language among ``LOCALES``; on a tie (``*``) the default."""
    accept: LanguageAccept = request.accept_languages
    preferred = (default, *(locale for locale in LOCALES if locale != default))
    return accept.best_match(preferred, default=default) if accept else default


def select_locale() -> str:
    """A page's locale: ``?lang=`` (remembered from then on, ``_remember``), else the remembered choice
    (the ``lang`` cookie), else Accept-Language, else Latvian."""
    asked = request.args.get(COOKIE)
    if asked in LOCALES:
        return asked
    chosen = request.cookies.get(COOKIE)
    if chosen in LOCALES:
        return chosen
    return _accepted(DEFAULT_LOCALE)


def api_locale() -> str:
    """The API's error messages: Latvian only when Accept-Language prefers it to English."""
    return _accepted(API_LOCALE) if has_request_context() else API_LOCALE


class CatalogDomain(Domain):
    """Flask-Babel's domain with catalogs from ``translations`` (compiled from the .po) instead of .mo files."""

    def get_translations(self):
        return translations(current_locale())


def init_app(app: Flask) -> None:
    """Flask-Babel with the locale selector; templates get ``_()``, ``page_locale`` and ``LOCALES``."""
    babel = Babel()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = CatalogDomain()  # (a cached_property of Babel: set once, read by every gettext)
    app.jinja_env.globals.update(page_locale=current_locale, LOCALES=LOCALES)
    app.after_request(_vary)
    app.after_request(_remember)


def _remember(response):
    """A page opened with ``?lang=lv`` or ``?lang=en`` keeps that language: the choice goes in the cookie
    the switch sets (``fleet.web.language``)."""
    asked = request.args.get(COOKIE)
    if asked in LOCALES and asked != request.cookies.get(COOKIE) and not request.path.startswith("/api/"):
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response


def _vary(response):
    """A page or an error answer depends on Accept-Language (and on the ``lang`` cookie): caches must know."""
    if response.mimetype == "text/html" or response.status_code >= 400:
        response.vary.add("Accept-Language")
        if response.mimetype == "text/html":
            response.vary.add("Cookie")
    return response
