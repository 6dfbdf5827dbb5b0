"""The pieces every area's schemas are built from: the base models, the one timestamp form (UTC with
``Z``), whole numbers and ids as a query string gives them, the one page shape with its cursor, and the
error format (``fleet.errors``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from fleet import paging
from fleet.errors import STATUS
from fleet.i18n import _l


class Model(BaseModel):
    """A request body or an answer: unknown fields are refused (in a body) and never answered, and JSON's
    types are taken as they are ("7" is no number, 1 no true)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    """A query string: unknown parameters are ignored, as a browser's or a proxy's may be added."""

    model_config = ConfigDict(extra="ignore")


def utc_z(value: datetime | None) -> str | None:
    """A timestamp as JSON gives it everywhere: ISO 8601 in UTC with ``Z`` (a naive one is UTC)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat() + "Z"


def _timestamp(value: Any) -> Any:
    if isinstance(value, str):
        if not value.endswith("Z"):
            raise ValueError(_l("a timestamp is UTC, written with Z"))
        try:
            return datetime.fromisoformat(value)  # Python 3.11 reads the Z
        except ValueError:
            raise ValueError(_l("must be a date and time in ISO 8601, UTC with Z")) from None
    return value


Timestamp = Annotated[
    datetime, BeforeValidator(_timestamp), PlainSerializer(utc_z, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": "Z$", "examples": ["2026-12-04T09:30:00Z"]}),
]


def _whole_number(value: Any) -> Any:
    """ASCII digits only: ``str.isdigit`` also takes '²', ``int`` takes ' 7', '+7' and '7_0'."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError(_l("must be a whole number"))
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


def whole_number(low: int, high: int, description: str | None = None) -> Any:
    """A whole number from ``low`` to ``high``, refused as "must be a whole number low-high"."""
    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | str) or isinstance(value, str) and not (
                value.isascii() and value.isdigit()) or not low <= int(value) <= high:
            raise ValueError(_l("must be a whole number %(low)s-%(high)s", low=low, high=high))
        return int(value)
    return Annotated[int, Field(ge=low, le=high, description=description), BeforeValidator(check)]


Id = whole_number(1, 2**31 - 1, "an id")


def cursor(maximum: int = paging.MAX_ROW_ID) -> Any:
    """``?after=``: a cursor this service gave out, naming a row id up to ``maximum`` (a list over a
    32-bit id column passes its own)."""
    def check(value: Any) -> Any:
        found = paging.cursor_id(value, maximum) if isinstance(value, str) else None
        if found is None:
            raise ValueError(_l("must be the cursor of a previous page (its next)"))
        return found
    return Annotated[int, BeforeValidator(check), WithJsonSchema({
        "type": "string", "pattern": "^[A-Za-z0-9_-]+$", "description": "the `next` of the previous page",
    })]


Cursor = cursor()
Limit = whole_number(1, paging.MAX_LIMIT, "items per page")


class PageQuery(Query):
    """``?limit=&after=``: one page of a list, newest first (devices: in registration order)."""

    limit: Limit = paging.DEFAULT_LIMIT
    after: Cursor | None = None


T = TypeVar("T")


class Page(Model, Generic[T]):
    """One page of a list; ``next`` is the cursor of the next page (``?after=``), null on the last."""

    items: list[T]
    next: str | None = Field(description="the cursor of the next page; null on the last page")


class Listing(Model, Generic[T]):
    """A short list given whole (``next`` is always null)."""

    items: list[T]
    next: None = None


def page(items: list, last_id: int | None) -> dict:
    """A page's JSON: its items and the cursor after row ``last_id``."""
    return {"items": items, "next": paging.encode_cursor(last_id)}


class ErrorBody(BaseModel):
    code: Literal[tuple(sorted({*STATUS, "internal_error"}))] = Field(  # type: ignore[valid-type]
        description="machine-readable; " + ", ".join(f"{c} ({s})" for c, s in STATUS.items()))
    message: str
    details: Any = Field(None, description="invalid_input: a list of {field, message, …}; else an object or null")


class Error(BaseModel):
    """Every refusal: nothing was changed."""

    error: ErrorBody
