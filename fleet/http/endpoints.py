"""``endpoint()``: what every JSON handler wears — authentication, permission, access log, the refused
scans kept, and its declared input and answers (``fleet.http.schema``); ``public()`` for the few
routes under ``/api`` that anyone may read (the OpenAPI document and its reference page)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, g
from pydantic import BaseModel

from fleet import db, refused_scans
from fleet.access import policy
from fleet.errors import FleetError
from fleet.http import schema
from fleet.http.bodies import json_or_none
from fleet.http.principal import authenticate, record_access

SCAN_BODY = "body"  # ``endpoint(scan=SCAN_BODY)``: the scan's action is the body's ``action`` (``/scan``)


def endpoint(permission: str, export: bool = False, scan: str | None = None, *, body: Any = None,
             query: type[BaseModel] | None = None, answers: dict[int, Any] | None = None,
             path: dict[str, Any] | None = None, documents: bool = False) -> Callable:
    """Authenticate the caller and require ``permission``; the principal is in ``g.principal``.
    ``export``: the answer is an export (a file of many records), recorded in the access log.
    ``documents``: the route serves a loan's documents, and the handler decides which one and its
    permission (``fleet.http.require_document``), which records the use once granted: a refused
    request is no use of personal data.
    ``scan``: the route takes one scan ``{code, nonce?}`` with this action (or ``SCAN_BODY``), at
    the place its URL names (``delivery_id``, ``shipment_id``, ``stocktake_id``); a refusal
    (``FleetError``) is kept by ``fleet.refused_scans``. An accepted scan runs nothing more.

    ``body`` (a pydantic model, or ``schema.Raw`` for a body the handler reads itself), ``query`` (a
    model), ``answers`` (status → model, ``schema.File`` or ``schema.ERROR``) and ``path`` (a path
    parameter's type, e.g. a ``Literal``) describe the operation in the OpenAPI document; a model body
    or query is validated first and handed to the handler as its ``body``/``query`` argument. A handler
    may return a model (or ``(model, status)``). In tests (or with ``FLEET_CHECK_ANSWERS`` set in the
    Flask config) each JSON answer is checked against ``answers``."""
    logged = "export" if export else "personal_data" if policy.is_personal(permission) and not documents else None
    operation = schema.Operation(permission, body, query, dict(answers or {}), scan is not None, dict(path or {}))
    parsed_body = body if isinstance(body, type) and issubclass(body, BaseModel) else None

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def run(*args, **kwargs):
            g.principal = authenticate()
            policy.require(g.principal, permission)
            if logged:
                record_access(logged)
            try:
                if query is not None:
                    kwargs["query"] = schema.parse_query(query)
                if parsed_body is not None:
                    kwargs["body"] = schema.parse_body(parsed_body)
                answer = schema.as_response(view(*args, **kwargs))
            except FleetError as e:
                if scan is not None:
                    _keep_refused_scan(e, scan, kwargs)
                raise
            if operation.answers and current_app.config.get("FLEET_CHECK_ANSWERS", current_app.testing):
                answer = current_app.make_response(answer)
                schema.check_answer(operation, answer)
            return answer

        run.permission = permission
        run.operation = operation
        return run

    return wrap


def public(view: Callable) -> Callable:
    """A route under ``/api`` that needs no sign-in (it says nothing about any record): it has no
    ``permission``, and says so with ``public``."""
    view.public = True
    return view


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
