"""(being built) The health report."""

from __future__ import annotations
