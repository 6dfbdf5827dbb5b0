"""Answers that no cache may keep."""

from __future__ import annotations

from flask import g


def personal_data() -> None:
    """Say that the answer being made carries pupils' personal data: it goes out with
    ``Cache-Control: no-store`` (``fleet.app`` sets it), so no browser cache, proxy or back button
    keeps a copy. ``fleet.http.record_access`` calls it for every use of personal data the access
    log records (an endpoint whose permission is personal, a device showing its loan); the
    guardian's signing pages (``fleet.lending.guardian_signing``) call it for every request, and
    the access log's own listing (``fleet.api.access``) for its answers."""
    g.personal_data = True
