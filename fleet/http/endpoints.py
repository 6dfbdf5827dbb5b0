"""``endpoint()``: what every JSON handler wears — authentication, permission, access log, and
the refused scans kept."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import g

from fleet import db, refused_scans
from fleet.access import policy
from fleet.errors import FleetError
from fleet.http.bodies import json_or_none
from fleet.http.principal import authenticate, record_access

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
