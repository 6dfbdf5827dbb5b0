"""The API's schemas: request bodies, query strings and answers as pydantic models, one module per area
(``catalog``, ``devices``, ``labels``, ``access``; ``lending``, ``provisioning``), built from ``common``
(the base models, the one timestamp form, the one page and cursor, the error format).

Handlers declare them on ``endpoint()`` (``fleet.http``); ``fleet.api.openapi`` turns them into the
OpenAPI document. The answers themselves are built by ``fleet.api.render``: plain dicts these models
describe (and which every API test checks against them)."""

from fleet.api.schemas.common import (
    Cursor,
    Error,
    Id,
    Limit,
    Listing,
    Model,
    Page,
    PageQuery,
    Query,
    Timestamp,
    WholeNumber,
    page,
    utc_z,
    whole_number,
)

__all__ = ["Cursor", "Error", "Id", "Limit", "Listing", "Model", "Page", "PageQuery", "Query", "Timestamp",
           "WholeNumber", "page", "utc_z", "whole_number"]
