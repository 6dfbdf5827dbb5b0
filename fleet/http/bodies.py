"""The request's JSON body, and small answers shared by the JSON handlers."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from fleet.errors import invalid
from fleet.i18n import _l


def body() -> Any:
    data = json_or_none()
    if data is None:
        raise invalid(_l("the request body must be JSON (Content-Type: application/json)"))
    return data


def json_or_none() -> Any:
    """The request's JSON, or None when there is none or it does not parse.

    Refuses JSON nested too deeply to parse (the parser's RecursionError would be a 500) and
    text holding NUL characters, which PostgreSQL cannot store (a 500 there, stored on SQLite).
    """
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise invalid(_l("the JSON body is nested too deeply")) from None
    if _holds_nul(data):
        raise invalid(_l("the JSON body holds a NUL character (\\u0000), which no field accepts"))
    return data


def _holds_nul(data: Any) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def checked_nonce(value: Any) -> str | None:
    """A scanning station's retry key: absent, or a string of 1-100 characters."""
    if value is not None and (not isinstance(value, str) or not 1 <= len(value) <= 100):
        raise invalid(_l("nonce must be a string of 1-100 characters"), [{"field": "nonce"}])
    return value


def created(payload: dict) -> tuple[Response, int]:
    return jsonify(payload), 201
