"""(being built) The evidence API."""

from __future__ import annotations
