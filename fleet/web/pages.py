"""``page()``: what every staff page wears — the signed-in principal (else the sign-in form, which
comes back here), the permission the page needs (``fleet.access.policy``, the one place that says
who may do what), the access log for pages showing pupils' data — and the navigation each role gets.

A page of any blueprint (``fleet.web``'s, ``provisioning.web``'s) is a thin view: it reads its
input, calls a domain use case, and renders a template that extends ``layout.html``. A refusal
(``FleetError``) it does not catch becomes the error page in the reader's language (``fleet.app``),
never a 500; a form that failed re-renders with the refusal (``refusal`` in the template).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import current_app, g, redirect, request, session, url_for

from fleet import db
from fleet.access import policy, sessions
from fleet.errors import FleetError
from fleet.http.principal import record_access
from fleet.i18n import Text, _l

SIGNED_IN = "signed_in"  # ``page()`` without a permission: any signed-in member of staff


def page(permission: str | None = None) -> Callable:
    """A staff page needing ``permission`` (None: only a signed-in member of staff). The principal is
    ``g.principal``; a visitor without a session goes to the sign-in form and comes back after it."""

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def run(*args, **kwargs):
            principal = signed_in()
            if principal is None:
                return to_sign_in()
            g.principal, g.auth_via = principal, "session"
            if permission is not None:
                policy.require(principal, permission)
                if policy.is_personal(permission):
                    record_access("personal_data")
            return view(*args, **kwargs)

        run.permission = permission or SIGNED_IN
        return run

    return wrap


def signed_in() -> policy.Principal | None:
    """The member of staff this browser's session belongs to, or None."""
    sid = session.get("sid")
    if sid is None:
        return None
    try:
        return sessions.principal(db.session(), sid, current_app.config["FLEET"])
    except FleetError:
        return None


def to_sign_in():
    """To the sign-in form, which comes back to this page (its path and query) afterwards."""
    back = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return redirect(f"{url_for('web.login_form')}?{urlencode({'next': back})}", 303)


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Text
    permission: str | None  # None: everyone signed in
    area: str = ""  # the bar marks this item on every page whose endpoint name starts with it (a record's page too)


# The navigation, in the order the bar shows it; each role sees the items its permissions allow (an
# endpoint not registered yet — a page another area adds — is left out).
NAVIGATION = (
    NavItem("web.home", _l("Home"), None),
    NavItem("web.dashboard", _l("Dashboard"), "reports:read", "web.dashboard"),
    NavItem("web.station", _l("Scan station"), "devices:read", "web.station"),
    NavItem("web.devices", _l("Devices"), "devices:read", "web.device"),
    NavItem("provisioning_web.deliveries", _l("Deliveries"), "deliveries:read", "provisioning_web.deliver"),
    NavItem("provisioning_web.shipments", _l("Shipments"), "shipments:read", "provisioning_web.shipment"),
    NavItem("provisioning_web.stocktakes", _l("Stocktakes"), "stocktakes", "provisioning_web.stocktake"),
    NavItem("web.pupils", _l("Pupils"), "pupils:read", "web.pupil"),
    NavItem("web.desk", _l("Desk"), "loans:write", "web.desk"),
    NavItem("web.connectivity", _l("Connectivity"), "connectivity:read", "web.connectivity"),
    NavItem("web.labels", _l("Labels"), "labels:print", "web.label"),
    NavItem("web.admin", _l("Administration"), "administration", "web.admin"),
)


def navigation(principal: policy.Principal) -> list[tuple[str, Text, bool]]:
    """(url, label, current) of each item of ``NAVIGATION`` this principal may open."""
    endpoints = current_app.view_functions
    here = request.endpoint or ""
    items = []
    for item in NAVIGATION:
        if item.endpoint not in endpoints or (item.permission and not policy.allows(principal, item.permission)):
            continue
        current = here == item.endpoint or bool(item.area) and here.startswith(item.area)
        items.append((url_for(item.endpoint), item.label, current))
    return items


def init_app(app) -> None:
    """Templates get ``navigation()``, ``principal`` (None on pages without a signed-in member of staff),
    ``may(permission)`` and ``url_if(endpoint, **values)``."""

    app.add_template_filter(local_time)
    app.add_template_filter(local_date)

    @app.context_processor
    def _staff():
        principal = g.get("principal")
        return {"principal": principal,
                "navigation": (lambda: navigation(principal)) if principal is not None else list,
                "url_if": url_if,
                "may": lambda permission: principal is not None and policy.allows(principal, permission)}


def url_if(endpoint: str, **values) -> str | None:
    """The URL of ``endpoint``, or None while no page of that name is registered (a link to a page of
    another area is shown once that page exists)."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


LOCAL = ZoneInfo("Europe/Riga")  # the time people in Latvian schools and the warehouse read


def local_time(at: datetime | None) -> str:
    """``at`` (UTC) as Latvian local time to the minute, ``2026-12-04 20:15`` (templates: ``| local_time``)."""
    return "" if at is None else _aware(at).astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def local_date(at: datetime | None) -> str:
    """``at`` (UTC) as the Latvian local date, ``2026-12-04`` (templates: ``| local_date``)."""
    return "" if at is None else _aware(at).astimezone(LOCAL).strftime("%Y-%m-%d")


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
