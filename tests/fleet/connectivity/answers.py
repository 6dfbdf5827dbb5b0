"""A complete, valid set of a school's survey answers (``GOOD``) and ``answers(**changes)``, the set with some
answers changed (``None`` leaves one out), for the tests of the survey, its pages, the API and the analysis."""

from __future__ import annotations

from typing import Any

GOOD: dict[str, Any] = {
    "uplink_technology": "fibre",
    "provider": "Tet",
    "contracted_down_mbps": 300,
    "contracted_up_mbps": 100,
    "monthly_cost_eur": 85.5,
    "backup_line": True,
    "backup_technology": "mobile",
    "outages_last_year": 2,
    "switches": 6,
    "switch_uplink_mbps": "1000",
    "access_points": 24,
    "wifi_standard": "wifi6",
    "classrooms": 30,
    "classrooms_covered": 28,
    "cabling_year": 2015,
    "maintained_by": "founder",
    "school_level": "secondary",
    "pupils": 420,
    "staff": 55,
    "peak_devices": 350,
    "problems": "Wi-Fi drops in the gym during tests",
}


def answers(**changes: Any) -> dict[str, Any]:
    """``GOOD`` with ``changes`` applied; a change to ``None`` removes that answer."""
    out = {**GOOD, **changes}
    return {k: v for k, v in out.items() if v is not None}
