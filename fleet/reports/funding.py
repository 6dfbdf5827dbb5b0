"""(being built) The funding report."""

from __future__ import annotations
