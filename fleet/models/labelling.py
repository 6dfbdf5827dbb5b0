"""Labels: printer calibration profiles, and pre-printed tag batches with their tags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fleet.models.base import Base, UTCDateTime, utcnow
from fleet.models.catalog import School


class Printer(Base):
    """A printer's calibration profile: how far it shifts what it prints (mm), and the stock it holds.
    ``school_id`` None: the warehouse's."""

    __tablename__ = "printers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    stock: Mapped[str | None] = mapped_column(String(40))
    offset_x: Mapped[float] = mapped_column(Float, default=0.0)
    offset_y: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    school: Mapped[School | None] = relationship(lazy="joined")


class LabelBatch(Base):
    """Labels printed ahead of the devices they will go on: their tags are allocated at printing."""

    __tablename__ = "label_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    stock: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PreprintedTag(Base):
    """One pre-printed label's tag; bound to a device by the label's first scan with its serial.
    The unique ``device_id`` lets one label go on one device only, also under concurrent scans."""

    __tablename__ = "preprinted_tags"
    tag: Mapped[str] = mapped_column(String(20), primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("label_batches.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), unique=True)
    bound_by: Mapped[str | None] = mapped_column(String(100))
