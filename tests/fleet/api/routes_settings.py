"""The connectivity plan's settings in the role table (``test_access.py``): the thresholds and the price table
are read with ``connectivity:read`` and set with ``connectivity:plan`` (the ministry and admins)."""

from __future__ import annotations

from tests.fleet.api.route_table import CONNECTIVITY_READ, PLAN, Route

ROUTES = [
    Route("GET", "/api/v1/connectivity/thresholds", "connectivity/thresholds", None, 200, CONNECTIVITY_READ),
    Route("PUT", "/api/v1/connectivity/thresholds/<key>", "connectivity/thresholds/compliance_ratio", {"value": 0.8},
          200, PLAN),
    Route("GET", "/api/v1/connectivity/prices", "connectivity/prices", None, 200, CONNECTIVITY_READ),
    Route("PUT", "/api/v1/connectivity/prices/<measure>", "connectivity/prices/access_point",
          {"unit_price": "450.00"}, 200, PLAN),
]
