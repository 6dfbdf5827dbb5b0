"""(being built) The milestones report."""

from __future__ import annotations
