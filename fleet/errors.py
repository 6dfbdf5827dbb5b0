"""The coded errors every layer raises, and the HTTP status each code maps to.

A message is English text for the log and for machine clients (``FleetError.message``). Raised
with ``_l("… %(name)s …", name=value)`` (``fleet.i18n``) it is a catalog message with named
parameters, and whoever shows it picks the language: ``localized("lv")``, or the page's locale.
So may a message in ``details`` be (a field's reason, a file's bad line): ``to_json(locale)`` and
``localized_details(locale)`` give them as text, and a page printing one shows it in its language."""

from __future__ import annotations

from typing import Any

from fleet import display_names
from fleet.i18n import API_LOCALE, Text, _l

STATUS = {
    "invalid_input": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "duplicate": 409,
    "invalid_transition": 409,
    "conflict": 409,
    "gone": 410,
    "too_large": 413,
    "throttled": 429,
    "internal_error": 500,
    "unavailable": 503,
}


class FleetError(Exception):
    """A refusal with a machine-readable code; raising it means nothing was changed."""

    def __init__(self, code: str, message: str | Text, details: Any = None):
        if code not in STATUS:
            raise ValueError(f"unknown error code {code!r}")
        self.text = message if isinstance(message, Text) else None
        self.message = message.in_(API_LOCALE) if isinstance(message, Text) else message
        super().__init__(self.message)
        self.code = code
        self.details = details

    @property
    def status(self) -> int:
        return STATUS[self.code]

    def localized(self, locale: str | None = None) -> str:
        """The message in ``locale`` (default: the current page's); a plain-string message as raised."""
        if self.text is None:
            return self.message
        return self.text.in_(locale) if locale else str(self.text)

    def localized_details(self, locale: str | None = None) -> Any:
        """``details`` with every message (``Text``) in it as text in ``locale`` (default: the current page's)."""
        return _in(self.details, locale)

    def to_json(self, locale: str = API_LOCALE) -> dict:
        return {"error": {"code": self.code, "message": self.localized(locale), "details": _in(self.details, locale)}}

    def __repr__(self) -> str:
        return f"FleetError({self.code!r}, {self.message!r}, {self.details!r})"


def _in(value: Any, locale: str | None) -> Any:
    """``value`` (details: dicts, lists, text) with each ``Text`` in it translated."""
    if isinstance(value, Text):
        return value.in_(locale) if locale else str(value)
    if isinstance(value, dict):
        return {k: _in(v, locale) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_in(v, locale) for v in value]
    return value


def invalid(message: str | Text, details: Any = None) -> FleetError:
    """``invalid_input``; its details are always a list of fields (one dict becomes a list of one, with the
    message as its reason)."""
    if isinstance(details, dict):
        details = [{"message": message, **details}]
    return FleetError("invalid_input", message, details)


def not_found(what: str, ref: str) -> FleetError:
    """``what`` is a code of ``display_names.THING`` (device, school, …), shown in the reader's language."""
    return FleetError("not_found", _l("%(what)s %(ref)s not found", what=display_names.text("thing", what),
                                      ref=repr(ref)), {"ref": ref})
