"""(being built) The reports API."""

from __future__ import annotations
