"""(being built) The reports API's schemas."""

from __future__ import annotations
