"""The JSON API under ``/api/v1``: the blueprint, authentication per endpoint, and errors.

Handlers are thin: they authenticate through ``endpoint``, call a domain function, commit, and
render JSON. Every handler declares the permission it needs; ``fleet.policy`` decides.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from fleet import db, policy
from fleet.auth import authenticate_bearer
from fleet.errors import FleetError, invalid

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def endpoint(permission: str) -> Callable:
    """Authenticate the caller and require ``permission``; the principal is in ``g.principal``."""

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def run(*args, **kwargs):
            g.principal = authenticate_bearer(db.session(), request.headers.get("Authorization"))
            policy.require(g.principal, permission)
            return view(*args, **kwargs)

        run.permission = permission
        return run

    return wrap


def body() -> Any:
    data = request.get_json(silent=True)
    if data is None:
        raise invalid("the request body must be JSON (Content-Type: application/json)")
    return data


def created(payload: dict) -> tuple[Response, int]:
    return jsonify(payload), 201


@bp.errorhandler(FleetError)
def _fleet_error(e: FleetError):
    return jsonify(e.to_json()), e.status


@bp.errorhandler(IntegrityError)
def _integrity(e: IntegrityError):
    db.session().rollback()
    err = FleetError("conflict", "the change conflicts with one made at the same moment; nothing was changed")
    return jsonify(err.to_json()), err.status


@bp.errorhandler(OperationalError)
def _operational(e: OperationalError):
    db.session().rollback()
    err = FleetError("unavailable", "the database is busy or unreachable; try again")
    return jsonify(err.to_json()), err.status


def http_error_json(e: HTTPException):
    """Werkzeug's own errors (unknown URL, wrong method, body too large) in the API's format."""
    code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(e.code, "invalid_input")
    message = {413: "the request body is too large"}.get(e.code, e.description)
    return jsonify({"error": {"code": code, "message": message, "details": None}}), e.code


from fleet.api import catalog, devices, scan  # noqa: E402,F401  (register the routes)
