"""The way in and around: deliveries with their manifests and intake scans, shipments with their
arrival scans, stocktakes with their scans, and imaging runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fleet.models.base import Base, JSONType, UTCDateTime, utcnow
from fleet.models.catalog import Contract, School


class Delivery(Base):
    """A supplier's delivery against a contract: its manifest is the set of expected serials."""

    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[dict | None] = mapped_column(JSONType)  # the reconciliation, frozen at closing

    contract: Mapped[Contract] = relationship(lazy="joined")


class DeliveryItem(Base):
    """One manifest line. A serial stands on one manifest at most, ever."""

    __tablename__ = "delivery_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    manufacturer: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    macs: Mapped[list] = mapped_column(JSONType, default=list)
    po_line: Mapped[str] = mapped_column(String(100), default="")


class DeliveryScan(Base):
    """One intake scan against a delivery, repeats included (the reconciliation counts them)."""

    __tablename__ = "delivery_scans"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))


class Shipment(Base):
    """Devices sent to one school, from the warehouse (``from_school_id`` null: labelled devices,
    ``ship``) or from another school (a transfer); the receiving school scans them in on arrival."""

    __tablename__ = "shipments"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    from_school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))

    school: Mapped[School] = relationship(lazy="joined", foreign_keys=[school_id])
    from_school: Mapped[School | None] = relationship(lazy="joined", foreign_keys=[from_school_id])


shipment_items = Table(
    "shipment_items",
    Base.metadata,
    Column("shipment_id", ForeignKey("shipments.id"), primary_key=True),
    Column("device_id", ForeignKey("devices.id"), primary_key=True),
)


class ArrivalScan(Base):
    """One scan at a receiving school, kept whether or not the device was on the shipment."""

    __tablename__ = "arrival_scans"
    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))


class Stocktake(Base):
    """A count (inventarizācija) of one school, or of the warehouse when ``school_id`` is null.

    ``expected`` is the snapshot, taken at the start, of the serials that should be there.
    """

    __tablename__ = "stocktakes"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    expected: Mapped[list] = mapped_column(JSONType, default=list)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[dict | None] = mapped_column(JSONType)

    school: Mapped[School | None] = relationship(lazy="joined")


class StocktakeScan(Base):
    __tablename__ = "stocktake_scans"
    id: Mapped[int] = mapped_column(primary_key=True)
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktakes.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))


class ImagingRun(Base):
    """One run of an imaging station on a laptop: what it installed, and the hardware it saw.

    ``mismatches`` lists where the reported hardware differs from the delivery's manifest.
    """

    __tablename__ = "imaging_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    station: Mapped[str] = mapped_column(String(100))
    image: Mapped[str] = mapped_column(String(100))
    succeeded: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str] = mapped_column(String(1000), default="")
    hardware: Mapped[dict] = mapped_column(JSONType, default=dict)
    mismatches: Mapped[list] = mapped_column(JSONType, default=list)
    nonce: Mapped[str | None] = mapped_column(String(100), unique=True)
