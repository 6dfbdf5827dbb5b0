"""The language switch on every page: a form posting ``lang`` (and the page to return to) to
``/language``, which remembers the choice in the ``lang`` cookie for a year and goes back.

It is a form post, so the CSRF check (``fleet.access.csrf``) covers it like every other; it returns
only to a path on this site (never to another host: no open redirect)."""

from __future__ import annotations

from flask import redirect, request

from fleet import i18n
from fleet.errors import FleetError
from fleet.i18n import _l
from fleet.web.blueprint import bp


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else the home page."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or any(
            c in target for c in "\r\n\\"):
        return "/"
    return target.rstrip("?") or "/"


@bp.post("/language")
def language():
    chosen = request.form.get("lang")
    if chosen not in i18n.LOCALES:
        raise FleetError("invalid_input", _l("Choose one of the languages: %(languages)s.",
                                             languages=", ".join(i18n.LOCALES)))
    response = redirect(safe_next(request.form.get("next")), 303)
    response.set_cookie(i18n.COOKIE, chosen, max_age=i18n.COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response
