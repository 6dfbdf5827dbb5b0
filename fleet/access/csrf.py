"""CSRF protection: every form, and every write to the API made with a browser session.

How to use it (nothing else to do — the check itself runs for every request):

- **A form** (a page of ``fleet.web``, the guardian's signing page ``/sign/{token}``, any new one):
  put ``{{ csrf_field() }}`` inside the ``<form method="post">``. It renders a hidden
  ``csrf_token`` input. Every POST, PUT, PATCH and DELETE outside ``/api/`` is refused without
  it (403 ``forbidden``, the page says why), before the view runs — so a view never sees a
  forged post. It works without an account: the token lives in the visitor's session cookie,
  created when the form is rendered (a guardian opening a signing link gets one too).
- **JavaScript** using the API with the browser's session cookie: read the token from
  ``<meta name="csrf-token" content="{{ csrf_token() }}">`` and send it as the
  ``X-CSRF-Token`` header on writes. ``fleet.http.endpoint`` checks it (``require_header``);
  requests with ``Authorization: Bearer`` need no CSRF token (a browser never adds that header).
- **In Python**: ``csrf.token()`` is the current token, ``csrf.valid(value)`` compares in
  constant time, ``csrf.rotate()`` replaces it (done at sign-in and sign-out, with the session).
- A view that must accept posts from elsewhere (none today) is marked ``@csrf.exempt``.

The token is 256 random bits kept in Flask's signed session cookie (HttpOnly, SameSite=Lax).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

from flask import Flask, current_app, request, session

from fleet.errors import FleetError
from fleet.http.errors import error_page
from fleet.i18n import _l

FIELD = "csrf_token"  # the form field
KEY = "csrf"  # where the session keeps it
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token() -> str:
    if KEY not in session:
        session[KEY] = secrets.token_urlsafe(32)
    return session[KEY]


def rotate() -> str:
    session.pop(KEY, None)
    return token()


def valid(candidate: str | None) -> bool:
    expected = session.get(KEY)
    return bool(expected and candidate) and hmac.compare_digest(str(expected).encode(), str(candidate).encode())


def exempt(view: Callable) -> Callable:
    view.csrf_exempt = True
    return view


def require_header() -> None:
    """A write to the API made with a browser session needs the session's token in X-CSRF-Token."""
    if request.method not in SAFE_METHODS and not valid(request.headers.get(HEADER)):
        raise FleetError("forbidden", _l("a write with a browser session needs the %(header)s header (the page's "
                                         "csrf-token)", header=HEADER),
                         {"csrf": HEADER})


def _protect_forms():
    if request.method in SAFE_METHODS or request.path.startswith("/api/") or request.endpoint is None:
        return None  # (no endpoint: the URL matches nothing, and the answer is 404 or 405 anyway)
    if getattr(current_app.view_functions.get(request.endpoint), "csrf_exempt", False):
        return None
    if not valid(request.form.get(FIELD)):
        return error_page(FleetError("forbidden", _l("the form's security token is missing or has expired: "
                                                     "reload the page and send the form again"), {"csrf": FIELD}))
    return None


def init_app(app: Flask) -> None:
    """Check every form post, and offer ``csrf_field()`` and ``csrf_token()`` to templates."""
    from markupsafe import Markup, escape

    app.before_request(_protect_forms)
    app.jinja_env.globals["csrf_token"] = token
    app.jinja_env.globals["csrf_field"] = lambda: Markup(
        f'<input type="hidden" name="{FIELD}" value="{escape(token())}">')
