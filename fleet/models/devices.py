"""The device and its history: one laptop known by its serial, and the append-only, hash-chained
events that are its history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from fleet.models.base import Base, JSONType, UTCDateTime, utcnow
from fleet.models.catalog import Contract, School


class Device(Base):
    """One laptop, known by its serial. ``status`` is written only by ``fleet.lifecycle``.

    ``history_head``/``history_length`` anchor the event chain: with them ``fleet verify`` sees
    a deleted last event, which the chain alone could not show.
    """

    __tablename__ = "devices"
    __table_args__ = (Index("ix_devices_updated_at", "updated_at"),)  # the reports' "not seen for N days"
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    asset_tag: Mapped[str | None] = mapped_column(String(20), unique=True)
    manufacturer: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    history_head: Mapped[str] = mapped_column(String(64), default="")
    history_length: Mapped[int] = mapped_column(Integer, default=0)

    # What the API shows of a device's school and contract is read with the device, in the same
    # statement (a scan reads no School or Contract object); the objects load when code uses them.
    school_registration: Mapped[str | None] = column_property(
        select(School.registration_number).where(School.id == school_id).correlate_except(School).scalar_subquery()
    )
    contract_number: Mapped[str | None] = column_property(
        select(Contract.number).where(Contract.id == contract_id).correlate_except(Contract).scalar_subquery()
    )
    school: Mapped[School | None] = relationship()
    contract: Mapped[Contract | None] = relationship()


class Event(Base):
    """One line of a device's history; append-only and hash-chained (``fleet.history``)."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("device_id", "seq", name="uq_events_device_seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    nonce: Mapped[str | None] = mapped_column(String(100), unique=True)
    hash: Mapped[str] = mapped_column(String(64))

    device: Mapped[Device] = relationship()
