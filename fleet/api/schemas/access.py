"""The access log and the outbox, as admins (and auditors) list them."""

from __future__ import annotations

from typing import Any, Literal

from fleet.api.schemas.common import Limit, Model, PageQuery, Timestamp
from fleet.models import ACCESS_EVENTS
from fleet.outbox import STATES


class AccessLogQuery(PageQuery):
    limit: Limit = 100
    event: Literal[ACCESS_EVENTS] | None = None  # type: ignore[valid-type]
    actor: str | None = None


class AccessLogEntry(Model):
    id: int
    at: Timestamp
    event: Literal[ACCESS_EVENTS]  # type: ignore[valid-type]
    actor: str
    address: str | None
    via: str | None
    what: str | None
    details: dict[str, Any] | None


class OutboxQuery(PageQuery):
    limit: Limit = 100
    state: Literal[STATES] | None = None  # type: ignore[valid-type]


class OutboxMessage(Model):
    """What an admin needs to act; never the recipient or the content."""

    id: int
    kind: str
    agreement: int | None
    state: Literal[STATES]  # type: ignore[valid-type]
    attempts: int
    last_error: str | None
    created_at: Timestamp
    due_at: Timestamp | None
    finished_at: Timestamp | None
