"""Provisioning's request and answer models, on fleet.api.schemas' base: deliveries, imaging,
shipments and stocktakes — what the warehouse and the schools send, and how each record and its
reconciliation are answered."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from fleet.api.schemas.common import Id, Model, Query, Timestamp, whole_number
from fleet.api.schemas.devices import Event, Outcome
from provisioning import shipments

Code = Field(min_length=1, max_length=200, description="a serial, an asset tag, or a scanned label's URL")
Nonce = Field(None, min_length=1, max_length=100, description="a scanning station's retry key")
School = Field(min_length=1, max_length=20, description="a school's registration number")

# --- the scans at a place --------------------------------------------------------------------------


class ScanIn(Model):
    code: str = Code
    nonce: str | None = Nonce


class CountScanIn(Model):
    code: str = Code
    nonce: str | None = Nonce


class ShipScanIn(Model):
    """One scan at the packing station: the device goes to ``school`` on the station's open shipment."""

    code: str = Code
    school: str = School
    shipment: Id | None = Field(None, description="the station's open shipment to that school; none: start one")
    nonce: str | None = Nonce


class ShipScanned(Outcome):
    """A packing-station scan: the shipment the device is on (none: shipped earlier without one)."""

    shipment: int | None


class PlacedOutcome(Outcome):
    """A scan at a delivery or a shipment: ``unexpected`` when the device is not on its list."""

    unexpected: bool


class Counts(Model):
    expected: int
    found: int
    missing: int
    unexpected: int
    repeated: int
    received: int | None = Field(None, description="deliveries: found and unexpected")


# --- deliveries ------------------------------------------------------------------------------------


class ManifestItem(Model):
    serial: str = Field(min_length=1, max_length=100)
    manufacturer: str | None = Field(None, max_length=100)
    model: str | None = Field(None, max_length=100)
    macs: list[str] | str | None = None
    po_line: str | None = None


class DeliveryIn(Model):
    contract: str = Field(min_length=1, max_length=64, description="the supply contract's number")
    manifest: list[ManifestItem] = Field(min_length=1)


class DeliveryMade(Model):
    id: int
    contract: str
    expected: int


class Delivery(Model):
    id: int
    contract: str
    created_at: Timestamp
    created_by: str
    closed_at: Timestamp | None
    closed_by: str | None
    counts: Counts
    missing: list[str]
    unexpected: list[str]
    repeated: dict[str, int] = Field(description="serial → times scanned, for those scanned more than once")


class DeliveryDetail(Delivery):
    refused: int = Field(description="scans refused at this delivery (GET /scans/refused?delivery=…)")


# --- imaging ---------------------------------------------------------------------------------------


class HardwareIn(Model):
    manufacturer: str | None = Field(None, max_length=100)
    model: str | None = Field(None, max_length=100)
    macs: list[str] = Field(default_factory=list)


class ImagingIn(Model):
    serial: str = Field(min_length=1, max_length=40)
    image: str = Field(min_length=1, max_length=100)
    station: str = Field(min_length=1, max_length=100)
    result: str = Field(pattern="^(success|failure)$")
    error: str | None = Field(None, max_length=1000)
    hardware: HardwareIn | None = None
    nonce: str | None = Nonce


class ImagingRun(Model):
    id: int
    at: Timestamp
    station: str
    image: str
    succeeded: bool
    hardware: dict[str, Any]
    mismatches: list[dict[str, Any]]


class ImagingResult(Model):
    """The run, and what it did to the device (none when its nonce was seen: the first run's answer)."""

    applied: bool
    already: bool
    device: Any = None
    event: Event | None = None
    run: ImagingRun


class Mismatch(ImagingRun):
    serial: str
    asset_tag: str | None


# --- shipments -------------------------------------------------------------------------------------


class ShipmentIn(Model):
    school: str = School
    devices: list[str] = Field(min_length=1, max_length=shipments.MAX_DEVICES,
                               description="serials or asset tags: every one is sent, or none")
    from_school: str | None = Field(None, min_length=1, max_length=20,
                                    description="a transfer from this school; none: from the warehouse")


class Shipment(Model):
    id: int
    school: str
    from_school: str | None
    created_at: Timestamp
    created_by: str
    counts: Counts
    missing: list[str]
    unexpected: list[str]
    repeated: dict[str, int]


class ShipmentDetail(Shipment):
    refused: int


class PackingQuery(Query):
    box_size: whole_number(1, 500, "each box of this many devices on its own page") | None = None  # type: ignore[valid-type]


# --- stocktakes ------------------------------------------------------------------------------------


class StocktakeIn(Model):
    school: str | None = Field(None, min_length=1, max_length=20, description="none: the warehouse")


class LastEvent(Model):
    action: str
    at: Timestamp
    actor: str


class Missing(Model):
    serial: str
    asset_tag: str | None
    status: str
    last_event: LastEvent


class Unexpected(Model):
    serial: str
    asset_tag: str | None
    status: str
    school: str | None


class Stocktake(Model):
    id: int
    school: str | None
    created_at: Timestamp
    created_by: str
    closed_at: Timestamp | None
    closed_by: str | None
    counts: Counts
    found: list[str]
    missing: list[Missing]
    unexpected: list[Unexpected]
    repeated: dict[str, int]


class StocktakeDetail(Stocktake):
    refused: int
