"""The JSON API under ``/api/v1``: the blueprint, authentication per endpoint, and errors.

Handlers are thin: they authenticate through ``endpoint``, call a domain function, commit, and
render JSON. Every handler declares the permission it needs; ``fleet.policy`` decides. A caller
is a bearer token, or else a browser session (``fleet.sessions``), whose writes need the
``X-CSRF-Token`` header. Use of pupils' personal data, and exports (``export=True``), are
recorded in the access log before the answer is made.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, session
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from fleet import access_log, csrf, db, policy, refused_scans, sessions
from fleet.app import personal_data
from fleet.auth import authenticate_bearer
from fleet.errors import FleetError, invalid
from fleet.policy import Principal

bp = Blueprint("api", __name__, url_prefix="/api/v1")


SCAN_BODY = "body"  # ``endpoint(scan=SCAN_BODY)``: the scan's action is the body's ``action`` (``/scan``)


def endpoint(permission: str, export: bool = False, scan: str | None = None) -> Callable:
    """Authenticate the caller and require ``permission``; the principal is in ``g.principal``.
    ``export``: the answer is an export (a file of many records), recorded in the access log.
    ``scan``: the route takes one scan ``{code, nonce?}`` with this action (or ``SCAN_BODY``), at
    the place its URL names (``delivery_id``, ``shipment_id``, ``stocktake_id``); a refusal
    (``FleetError``) is kept by ``fleet.refused_scans``. An accepted scan runs nothing more."""
    logged = "export" if export else "personal_data" if policy.is_personal(permission) else None

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def run(*args, **kwargs):
            g.principal = authenticate()
            policy.require(g.principal, permission)
            if logged:
                record_access(logged)
            if scan is None:
                return view(*args, **kwargs)
            try:
                return view(*args, **kwargs)
            except FleetError as e:
                _keep_refused_scan(e, scan, kwargs)
                raise

        run.permission = permission
        return run

    return wrap


def _keep_refused_scan(error: FleetError, scan: str, kwargs: dict) -> None:
    """The refused scan's row: of the body only the action's name, the code and the nonce."""
    try:
        data = json_or_none()
    except FleetError:  # nested too deeply, or a NUL: no code to keep
        data = None
    data = data if isinstance(data, dict) else {}
    action = refused_scans.action_name(data.get("action")) if scan == SCAN_BODY else scan
    place = {k: v for k, v in kwargs.items() if k in refused_scans.PLACES}
    refused_scans.keep(db.session(), error, g.principal, action, data.get("code"), data.get("nonce"), place)


def authenticate() -> Principal:
    """The caller: an ``Authorization`` header's token, or else the browser's session."""
    header = request.headers.get("Authorization")
    sid = session.get("sid") if header is None else None
    if sid is None:
        g.auth_via = "token"
        return authenticate_bearer(db.session(), header)
    principal = sessions.principal(db.session(), sid, current_app.config["FLEET"])
    g.auth_via = "session"
    csrf.require_header()
    return principal


def record_access(event: str) -> None:
    """Record who uses personal data or exports, committed before the answer is made (a handler
    may also call it, e.g. for an export chosen by a query parameter). An answer whose use of
    personal data is recorded is also kept by no cache (``fleet.app.personal_data``)."""
    if event == "personal_data":
        personal_data()
    s = db.session()
    s.commit()  # the authentication's reads end here: the record goes in a transaction of its own
    access_log.record(s, event, g.principal.name, address=request.remote_addr, via=g.auth_via,
                      what=f"{request.method} {request.path}")
    s.commit()


def body() -> Any:
    data = json_or_none()
    if data is None:
        raise invalid("the request body must be JSON (Content-Type: application/json)")
    return data


def json_or_none() -> Any:
    """The request's JSON, or None when there is none or it does not parse.

    Refuses JSON nested too deeply to parse (the parser's RecursionError would be a 500) and
    text holding NUL characters, which PostgreSQL cannot store (a 500 there, stored on SQLite).
    """
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise invalid("the JSON body is nested too deeply") from None
    if _holds_nul(data):
        raise invalid("the JSON body holds a NUL character (\\u0000), which no field accepts")
    return data


def _holds_nul(data: Any) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def checked_nonce(value: Any) -> str | None:
    """A scanning station's retry key: absent, or a string of 1-100 characters."""
    if value is not None and (not isinstance(value, str) or not 1 <= len(value) <= 100):
        raise invalid("nonce must be a string of 1-100 characters", [{"field": "nonce"}])
    return value


def created(payload: dict) -> tuple[Response, int]:
    return jsonify(payload), 201


def _fleet_error(e: FleetError):
    response = jsonify(e.to_json())
    if e.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="fleet"'  # RFC 9110: a 401 must say how
    return response, e.status


def _integrity(e: IntegrityError):
    """A constraint that a concurrent request won: a unique one is ``duplicate``."""
    db.session().rollback()
    unique = getattr(e.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(e.orig)
    err = FleetError(
        "duplicate" if unique else "conflict",
        "the change conflicts with one made at the same moment; nothing was changed",
    )
    return jsonify(err.to_json()), err.status


def _data_error(e: DataError):
    """A value PostgreSQL refuses (a NUL in a URL parameter, out of range): the client's input."""
    db.session().rollback()
    err = FleetError("invalid_input", "a value in the request cannot be stored or compared; nothing was changed")
    return jsonify(err.to_json()), err.status


def _operational(e: OperationalError):
    db.session().rollback()
    err = FleetError("unavailable", "the database is busy or unreachable; try again")
    return jsonify(err.to_json()), err.status


def install_error_handlers(blueprint: Blueprint) -> None:
    """The API's error format for a blueprint's routes (this one's, and provisioning's)."""
    for exc, handler in ((FleetError, _fleet_error), (IntegrityError, _integrity), (DataError, _data_error),
                         (OperationalError, _operational)):
        blueprint.register_error_handler(exc, handler)


install_error_handlers(bp)


def http_error_json(e: HTTPException):
    """Werkzeug's own errors (unknown URL, wrong method, body too large) in the API's format."""
    code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(e.code)
    code = code or ("invalid_input" if e.code < 500 else "internal_error")
    message = {413: "the request body is too large"}.get(e.code, e.description)
    response = jsonify({"error": {"code": code, "message": message, "details": None}})
    if e.code == 405 and getattr(e, "valid_methods", None):
        response.headers["Allow"] = ", ".join(e.valid_methods)  # RFC 9110: a 405 must list them
    return response, e.code


from fleet.api import access, catalog, devices, labels, loans, outbox, pupils, scan  # noqa: E402,F401  (register the routes)
