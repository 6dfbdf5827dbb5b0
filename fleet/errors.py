"""The coded errors every layer raises, and the HTTP status each code maps to."""

from __future__ import annotations

from typing import Any

STATUS = {
    "invalid_input": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "duplicate": 409,
    "invalid_transition": 409,
    "conflict": 409,
    "too_large": 413,
    "throttled": 429,
    "unavailable": 503,
}


class FleetError(Exception):
    """A refusal with a machine-readable code; raising it means nothing was changed."""

    def __init__(self, code: str, message: str, details: Any = None):
        if code not in STATUS:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    @property
    def status(self) -> int:
        return STATUS[self.code]

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}

    def __repr__(self) -> str:
        return f"FleetError({self.code!r}, {self.message!r}, {self.details!r})"


def invalid(message: str, details: Any = None) -> FleetError:
    """``invalid_input``; its details are always a list of fields (one dict becomes a list of one)."""
    if isinstance(details, dict):
        details = [{"message": message, **details}]
    return FleetError("invalid_input", message, details)


def not_found(what: str, ref: str) -> FleetError:
    return FleetError("not_found", f"{what} {ref!r} not found", {"ref": ref})
