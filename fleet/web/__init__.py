"""Pages outside the API, one module per area, all on the ``web`` blueprint (provisioning's pages —
deliveries, shipments, stocktakes — are ``provisioning.web``'s). Every staff page wears
``pages.page`` (sign-in, the policy's permission, the bar of the role):

- ``pages``: ``page()``, the navigation each role gets, local time for templates
- ``signin``: signing in and out (``fleet.access.staff_login`` decides; the session is ``fleet.access.sessions``')
- ``home``: the start page by role (``fleet.home``), and the health check
- ``station``: the scan station ``/station`` (``fleet.scan_station``: its modes), ``camera``: its CSP for the wasm
- ``devices``, ``device_page``: the device list and its CSV; a device's page and its actions
- ``finder``: ``/d/<tag>`` — the device page for staff who may see it, else the public finder page
- ``labels``, ``label_batches``: printing labels on a sheet or a thermal printer; pre-printed batches
- ``pupils``: ``/pupils``, a school's pupils by class, added, changed, imported from the school register
- ``desk``: ``/desk/…``, lending: a class's hand-out, the guardians' signing at the desk, the agreements, returns
- ``dashboard``: ``/dashboard``, the programme's figures for managers and auditors (``fleet.reports``)
- ``connectivity``: ``/connectivity/…``, the connectivity survey, the speed test, the plan's settings
- ``admin``: ``/admin/…``, one module per section
- ``errors``: refusals and Werkzeug's errors as a page in the visitor's language
- ``language``: the language switch every page carries (``fleet.i18n``)

Every form carries a CSRF token (``fleet.access.csrf``); templates are ``fleet/templates/<area>/``.
"""

from __future__ import annotations

from fleet.web import (  # noqa: F401  (each adds its routes to bp)
    admin,
    connectivity,
    dashboard,
    desk,
    device_page,
    devices,
    errors,
    finder,
    home,
    label_batches,
    labels,
    language,
    pupils,
    signin,
    station,
)
from fleet.web.blueprint import bp

__all__ = ["bp", "errors"]
