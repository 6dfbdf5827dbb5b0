"""Error pages outside the API in the visitor's language: a refusal (``FleetError``, rendered by
``fleet.http.error_page``) and Werkzeug's own errors (unknown URL, wrong method, too large)."""

from __future__ import annotations

from flask import g, render_template
from werkzeug.exceptions import HTTPException

from fleet.errors import STATUS, FleetError
from fleet.i18n import _l
from fleet.web.pages import signed_in

HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You may not open this page."),
    404: _l("There is no page at this address."),
    405: _l("This page cannot be used that way."),
    410: _l("This page is no longer available."),
    413: _l("What was sent is too large."),
    429: _l("Too many requests; try again later."),
    500: _l("Something went wrong on our side; nothing was changed. Try again, and tell the administrator if it "
            "happens again."),
}
CODES = {status: code for code, status in reversed(STATUS.items())}  # the first code of each status


def http_error_page(e: HTTPException):
    """Werkzeug's HTTP error as Fleet's error page; errors without a page of their own stay Werkzeug's."""
    message = HTTP_MESSAGES.get(e.code)
    if message is None:
        return e
    error = FleetError(CODES.get(e.code, "invalid_input"), message)
    if e.code < 500:
        _with_navigation()  # (not after a failure: the database may be what failed)
    allow = {"Allow": ", ".join(e.valid_methods)} if getattr(e, "valid_methods", None) else {}  # a 405 says which
    return render_template("errors/error.html", error=error), e.code, allow


def refusal_page(e: FleetError):
    """A refusal a page raised and did not catch (the API's blueprints answer it as JSON)."""
    _with_navigation()
    return render_template("errors/error.html", error=e), e.status


def _with_navigation() -> None:
    """An error page keeps the bar of a signed-in member of staff: the way back is one click."""
    if "principal" not in g:
        g.principal = signed_in()
