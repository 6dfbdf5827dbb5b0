"""The warehouse's API under ``/api/v1``, one module per area. Registered by ``create_app``."""

from __future__ import annotations

from flask import Blueprint

from fleet.http import install_error_handlers

bp = Blueprint("provisioning", __name__, url_prefix="/api/v1")
install_error_handlers(bp)

from provisioning.api import deliveries, imaging, shipments, stocktakes  # noqa: E402,F401  (register the routes)
