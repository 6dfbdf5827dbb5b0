"""The connectivity plan's settings (``fleet.connectivity.settings``): the analysis's thresholds and the price
table, read by anyone who reads the survey, set by the ministry and admins."""

from __future__ import annotations
