"""Errors as the caller reads them: JSON in the API's format under ``/api``, an HTML page elsewhere."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from fleet import db
from fleet.errors import FleetError
from fleet.i18n import _l, api_locale


def error_page(e: FleetError):
    """A refusal outside the API, as a page (``error.html``)."""
    return render_template("errors/error.html", error=e), e.status  # in the page's language


def _fleet_error(e: FleetError):
    response = jsonify(e.to_json(api_locale()))  # English, or Latvian when Accept-Language prefers it
    if e.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="fleet"'  # RFC 9110: a 401 must say how
    return response, e.status


def _integrity(e: IntegrityError):
    """A constraint that a concurrent request won: a unique one is ``duplicate``."""
    db.session().rollback()
    unique = getattr(e.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(e.orig)
    err = FleetError(
        "duplicate" if unique else "conflict",
        _l("the change conflicts with one made at the same moment; nothing was changed"),
    )
    return jsonify(err.to_json(api_locale())), err.status


def _data_error(e: DataError):
    """A value PostgreSQL refuses (a NUL in a URL parameter, out of range): the client's input."""
    db.session().rollback()
    err = FleetError("invalid_input", _l("a value in the request cannot be stored or compared; nothing was changed"))
    return jsonify(err.to_json(api_locale())), err.status


def _operational(e: OperationalError):
    db.session().rollback()
    err = FleetError("unavailable", _l("the database is busy or unreachable; try again"))
    return jsonify(err.to_json(api_locale())), err.status


def install_error_handlers(blueprint: Blueprint) -> None:
    """The API's error format for a blueprint's routes (``fleet.api``'s, and provisioning's)."""
    for exc, handler in ((FleetError, _fleet_error), (IntegrityError, _integrity), (DataError, _data_error),
                         (OperationalError, _operational)):
        blueprint.register_error_handler(exc, handler)


def http_error_json(e: HTTPException):
    """Werkzeug's own errors (unknown URL, wrong method, body too large) in the API's format."""
    code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(e.code)
    code = code or ("invalid_input" if e.code < 500 else "internal_error")
    message = {413: "the request body is too large"}.get(e.code, e.description)
    response = jsonify({"error": {"code": code, "message": message, "details": None}})
    if e.code == 405 and getattr(e, "valid_methods", None):
        response.headers["Allow"] = ", ".join(e.valid_methods)  # RFC 9110: a 405 must list them
    return response, e.code
