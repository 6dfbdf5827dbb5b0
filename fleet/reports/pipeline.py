"""(being built) The pipeline report."""

from __future__ import annotations
