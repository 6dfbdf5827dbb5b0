"""The warehouse's pages, on the ``provisioning_web`` blueprint, one module per area: deliveries
(a manifest uploaded, the live reconciliation, closing, the report), shipments (their devices and
arrival, the packing list) and stocktakes (started, counted, closed). Scanning itself is the scan
station's (``/station?mode=…``): these pages link to it. Templates are ``provisioning/templates/<area>/``.
Registered by ``fleet.app``, the one place fleet imports provisioning."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("provisioning_web", __name__, template_folder="../templates", static_folder=None)

from provisioning.web import deliveries, shipments, stocktakes  # noqa: E402,F401  (each adds its routes to bp)
