"""The speed test's endpoints (``fleet.connectivity.measurements``): latency probes, download and upload
transfers to Fleet's own server, and measurements recorded for a school."""

from __future__ import annotations
