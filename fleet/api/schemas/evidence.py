"""(being built) The evidence API's schemas."""

from __future__ import annotations
