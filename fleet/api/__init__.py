"""The JSON API under ``/api/v1``: the blueprint and its handlers.

Handlers are thin: they authenticate through ``endpoint`` (``fleet.http``), call a domain
function, commit, and render JSON (``fleet.api.render``). Every handler declares the permission
it needs; ``fleet.access.policy`` decides. A caller is a bearer token, or else a browser session
(``fleet.access.sessions``), whose writes need the ``X-CSRF-Token`` header. Use of pupils' personal
data, and exports (``export=True``), are recorded in the access log before the answer is made.
The plumbing (principal, ``endpoint``, bodies, errors, the schema checks) lives in ``fleet.http``, shared
with ``provisioning.api``. Each handler declares its query, body and answers with the models of
``fleet.api.schemas``; ``fleet.api.openapi`` serves the OpenAPI document built from them
(``/api/v1/openapi.json``) and its reference page (``/api/docs``).
"""

from __future__ import annotations

from flask import Blueprint

from fleet.http import install_error_handlers

bp = Blueprint("api", __name__, url_prefix="/api/v1")

install_error_handlers(bp)

from fleet.api import (  # noqa: E402,F401  (the routes)
    access,
    catalog,
    connectivity,
    connectivity_settings,
    devices,
    evidence,
    labels,
    loans,
    measurements,
    openapi,
    outbox,
    pupils,
    reports,
    roster,
    scan,
)

docs = openapi.docs  # /api/docs, registered beside bp
