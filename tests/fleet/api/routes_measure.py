"""The speed test's API rows of the role table (``test_access.py``): the transfers and recording need
``connectivity:measure`` (or a measurement key, tested in test_measurement_endpoints.py), the list
``connectivity:read``; another school's IT is answered ``not_found`` for the world's school."""

from __future__ import annotations

from tests.fleet.api.route_table import CONNECTIVITY_READ, MEASURE, Route

MEASUREMENT = {"school": "{school}", "download_mbps": 48.5, "upload_mbps": 12.0, "latency_ms": 9.5, "jitter_ms": 1.2,
               "link": "cable"}

ROUTES = [
    Route("GET", "/api/v1/connectivity/probe", "connectivity/probe", None, 200, MEASURE),
    Route("GET", "/api/v1/connectivity/download", "connectivity/download?bytes=1000", None, 200, MEASURE),
    Route("POST", "/api/v1/connectivity/upload", "connectivity/upload", {"x": "y"}, 200, MEASURE),
    Route("POST", "/api/v1/connectivity/measurements", "connectivity/measurements", MEASUREMENT, 201, MEASURE,
          elsewhere=404),
    Route("GET", "/api/v1/connectivity/measurements", "connectivity/measurements?school={school}", None, 200,
          CONNECTIVITY_READ, elsewhere=404),
    Route("POST", "/api/v1/connectivity/links", "connectivity/links", {"school": "{school}", "days": 7}, 200, MEASURE,
          elsewhere=404),
]
