"""The tables, as typed SQLAlchemy models. The schema itself is built by the Alembic migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

FUNDING_SOURCES = ("rrf", "state_budget", "react_eu", "municipal")
ROLES = ("admin", "warehouse", "school_it", "ministry")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both databases (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use fleet.models.utcnow()")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Founder(Base):
    """A school founder, usually a municipality; devices stay on its books."""

    __tablename__ = "founders"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class School(Base):
    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_number: Mapped[str] = mapped_column(String(10), unique=True)  # VIIS
    name: Mapped[str] = mapped_column(String(200))
    founder_id: Mapped[int] = mapped_column(ForeignKey("founders.id"))
    founder: Mapped[Founder] = relationship()  # loaded where it is shown (schools list, device page)


class Contract(Base):
    """A supply contract: who delivers, who pays (the funding source) and at what unit price."""

    __tablename__ = "contracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    supplier: Mapped[str] = mapped_column(String(200))
    funding_source: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    signed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Device(Base):
    """One laptop, known by its serial. ``status`` is written only by ``fleet.lifecycle``.

    ``history_head``/``history_length`` anchor the event chain: with them ``fleet verify`` sees
    a deleted last event, which the chain alone could not show.
    """

    __tablename__ = "devices"
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

    school: Mapped[School | None] = relationship(lazy="joined")
    contract: Mapped[Contract | None] = relationship(lazy="joined")


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


user_schools = Table(
    "user_schools",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    schools: Mapped[list[School]] = relationship(secondary=user_schools, lazy="selectin")


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored. It acts with its user's role and schools."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


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
