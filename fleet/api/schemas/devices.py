"""Devices, their events, lifecycle actions, bulk actions, scans and refused scans."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from fleet import lifecycle
from fleet.api.schemas.common import Id, Model, PageQuery, Timestamp, cursor
from fleet.devices import MAX_BATCH
from fleet.http.routing import MAX_ID

STATUSES = Literal[tuple(lifecycle.STATUSES)]  # type: ignore[valid-type]
DeviceCursor = cursor(MAX_ID)  # devices.id is a 32-bit integer on PostgreSQL
# The lifecycle's actions a caller applies directly (the others come with a loan, a delivery, …).
DIRECT_ACTIONS = Literal[tuple(a for a, rule in lifecycle.ACTIONS.items() if rule.owner is None)]  # type: ignore


class DeviceIn(Model):
    serial: str = Field(min_length=1, max_length=100, description="as the manufacturer prints it")
    manufacturer: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=100)
    contract: str | None = Field(None, description="the supply contract's number")


class DeviceBatchIn(Model):
    devices: list[DeviceIn] = Field(min_length=1, description=f"at most {MAX_BATCH}; all registered, or none")


class Device(Model):
    serial: str
    asset_tag: str | None
    status: STATUSES
    manufacturer: str
    model: str
    school: str | None = Field(description="the school's registration number")
    contract: str | None
    loan: dict[str, Any] | None = Field(description="the active loan, to those who lend at its pupil's school")
    created_at: Timestamp
    updated_at: Timestamp


class DeviceList(Model):
    items: list[Device]
    count: int


class DeviceQuery(PageQuery):
    after: DeviceCursor | None = None
    status: STATUSES | None = None
    school: str | None = Field(None, description="a school's registration number")


class Event(Model):
    seq: int
    action: str
    from_status: str | None
    to_status: str | None
    at: Timestamp
    actor: str
    data: dict[str, Any] | None
    hash: str


class Outcome(Model):
    """The answer to a lifecycle action (``already``: it had been applied before, nothing changed)."""

    device: Device
    applied: bool
    already: bool
    event: Event | None


class ActionParams(Model):
    """The action's parameters (see the lifecycle's table), and ``nonce``, a scanning station's retry key."""

    model_config = ConfigDict(extra="allow")
    nonce: str | None = Field(None, min_length=1, max_length=100)


class BulkIn(Model):
    action: DIRECT_ACTIONS
    devices: list[str] = Field(min_length=1, max_length=2_000, description="serials, asset tags or URLs")
    params: dict[str, Any] = Field(default_factory=dict)


class BulkItem(Model):
    index: int
    ref: str
    result: Literal["applied", "already", "error"]
    device: Device | None = None
    code: str | None = None
    message: str | None = None


class BulkCounts(Model):
    applied: int
    already: int
    error: int


class BulkAnswer(Model):
    items: list[BulkItem]
    counts: BulkCounts


class ScanIn(Model):
    """Whatever the scanner typed, optionally with an action and its parameters (``bind``: ``serial``)."""

    model_config = ConfigDict(extra="allow")
    code: str = Field(description="a URL, an asset tag or a serial")
    action: str | None = None
    nonce: str | None = Field(None, min_length=1, max_length=100)


class RefusedScanQuery(PageQuery):
    delivery: Id | None = None
    shipment: Id | None = None
    stocktake: Id | None = None


class SeenDevice(Model):
    serial: str
    asset_tag: str | None


class RefusedError(Model):
    code: str
    message: str


class RefusedScan(Model):
    id: int
    at: Timestamp
    actor: str
    action: str
    code: str | None
    error: RefusedError
    device: SeenDevice | None = Field(description="only when the caller may see it")
    delivery: int | None
    shipment: int | None
    stocktake: int | None
    nonce: str | None
