"""The tables, as typed SQLAlchemy models. The schema itself is built by the Alembic migrations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

FUNDING_SOURCES = ("rrf", "state_budget", "react_eu", "municipal")
ROLES = ("admin", "warehouse", "school_it", "ministry", "founder_manager", "auditor")
USER_SOURCES = ("local", "directory")  # a local account (password or tokens only), or one the directory vouches for


def utcnow() -> datetime:
    """Now, in UTC: every timestamp the domain writes (events, loans, agreements) comes from here."""
    source = _CLOCK.get()
    return datetime.now(UTC) if source is None else source()


_CLOCK: ContextVar[Callable[[], datetime] | None] = ContextVar("fleet_clock", default=None)


@contextmanager
def clock(source: Callable[[], datetime]) -> Iterator[None]:
    """Inside the block ``utcnow`` answers ``source()``: the demo data lives its history in the
    programme's years (each event is still hashed with the time it records). Never while serving."""
    token = _CLOCK.set(source)
    try:
        yield
    finally:
        _CLOCK.reset(token)


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` less ``months`` average months (365.25 / 12 days each): the retention cut-offs."""
    return moment - timedelta(days=round(months * 365.25 / 12))


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

user_founders = Table(  # a founder_manager's municipalities: it sees their schools
    "user_founders",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("founder_id", ForeignKey("founders.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(10), default="local", server_default="local")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A directory user the directory no longer gives a usable role: its role is kept for the record,
    # but it acts as nobody (no token, no session) until the directory gives it a role again.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    schools: Mapped[list[School]] = relationship(secondary=user_schools, lazy="selectin")
    founders: Mapped[list[Founder]] = relationship(secondary=user_founders, lazy="selectin")


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


class EligibilityGroup(Base):
    """A target group of the programme (configuration data, seeded by the migrations)."""

    __tablename__ = "eligibility_groups"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_lv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    needs_basis: Mapped[bool] = mapped_column(Boolean, default=False)  # "other": the reason must be written down


class Pupil(Base):
    """A pupil of one school: the minimum the agreement needs. Personal data of a minor: shown to the
    pupil's school and admins only; ``anonymised_at`` set by ``fleet privacy purge``."""

    __tablename__ = "pupils"
    __table_args__ = (UniqueConstraint("school_id", "register_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    register_id: Mapped[str] = mapped_column(String(40))  # the school register's (e-klase, Mykoob) id
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    grade: Mapped[str] = mapped_column(String(10), index=True)
    guardian_name: Mapped[str] = mapped_column(String(200))
    guardian_email: Mapped[str | None] = mapped_column(String(200))
    guardian_phone: Mapped[str | None] = mapped_column(String(40))
    eligibility: Mapped[str | None] = mapped_column(ForeignKey("eligibility_groups.code"))
    eligibility_basis: Mapped[str | None] = mapped_column(String(500))
    eligibility_valid_until: Mapped[date | None] = mapped_column(Date)
    personal_code: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School] = relationship(lazy="joined")


class Document(Base):
    """A stored document (agreement, signed copy, paper scan, return act), addressed by its SHA-256.
    Kept in the database so that every app server shares it and a backup holds the evidence."""

    __tablename__ = "documents"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


LOAN_STATUSES = ("active", "returned", "lost", "stolen", "replaced")


class Loan(Base):
    """A device lent to a pupil. The partial unique indexes allow one active loan per device and
    one per pupil, so concurrent hand-overs cannot both win."""

    __tablename__ = "loans"
    __table_args__ = (
        Index("uq_loans_active_device", "device_id", unique=True, sqlite_where=text("status = 'active'"),
              postgresql_where=text("status = 'active'")),
        Index("uq_loans_active_pupil", "pupil_id", unique=True, sqlite_where=text("status = 'active'"),
              postgresql_where=text("status = 'active'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    accessories: Mapped[list] = mapped_column(JSONType, default=list)
    condition: Mapped[str] = mapped_column(String(200))
    handed_over_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handed_over_by: Mapped[str] = mapped_column(String(100))
    eligible: Mapped[bool] = mapped_column(Boolean, default=False)  # the pupil's group was valid on that day
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(100))
    return_condition: Mapped[str | None] = mapped_column(String(20))
    accessories_returned: Mapped[list | None] = mapped_column(JSONType)
    accessories_missing: Mapped[list | None] = mapped_column(JSONType)
    notes: Mapped[str | None] = mapped_column(String(1000))
    return_act_sha256: Mapped[str | None] = mapped_column(String(64))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id"))

    device: Mapped[Device] = relationship(lazy="joined")
    pupil: Mapped[Pupil] = relationship(lazy="joined")


AGREEMENT_STATUSES = ("awaiting_signature", "signed", "void")


class Agreement(Base):
    """A loan's agreement: the original PDF's hash, then the signed copy's; the signing link is
    stored only as a hash, single-use and expiring."""

    __tablename__ = "agreements"
    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), unique=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    language: Mapped[str] = mapped_column(String(2))
    template_version: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    original_sha256: Mapped[str] = mapped_column(String(64))
    signed_sha256: Mapped[str | None] = mapped_column(String(64))
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(10))  # link, desk, paper
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snapshot: Mapped[dict] = mapped_column(JSONType, default=dict)  # what was rendered: re-rendered to sign
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    loan: Mapped[Loan] = relationship(lazy="joined")


class AgreementTemplate(Base):
    """A founder's agreement text, versioned; the newest version per founder and language is used.
    No row: the print shop's default."""

    __tablename__ = "agreement_templates"
    __table_args__ = (UniqueConstraint("founder_id", "language", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    founder_id: Mapped[int] = mapped_column(ForeignKey("founders.id"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    version: Mapped[str] = mapped_column(String(40))
    body: Mapped[dict] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class WebSession(Base):
    """A browser's sign-in: the cookie carries a random id, only its SHA-256 is stored, so that
    signing out (or an admin) ends it on the server. Expires at ``expires_at``, or when idle."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


ACCESS_EVENTS = ("signin", "signin_failed", "signin_refused", "signout", "personal_data", "export",
                 "throttle_cleared")


class AccessLogEntry(Base):
    """Who did what, when: sign-ins (and failed ones, which the sign-in throttle counts), use of
    personal data, exports. Never the data itself: ``what`` names the route, ``details`` a reason."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_actor_at", "actor", "at"),
        Index("ix_access_log_address_at", "address", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    event: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))  # the user, or the name a failed sign-in gave
    address: Mapped[str | None] = mapped_column(String(45))
    via: Mapped[str | None] = mapped_column(String(10))  # form, session, token
    what: Mapped[str | None] = mapped_column(String(200))  # e.g. "GET /api/v1/pupils/<int:pupil_id>"
    details: Mapped[dict | None] = mapped_column(JSONType)


class RefusedScan(Base):
    """A scan that was refused (``fleet.refused_scans``): who, when, where, the code as scanned and
    the error. Not a device's history (a refused scan did not happen to the device), and never
    personal data: the action's name and the code, nothing else of the request."""

    __tablename__ = "refused_scans"
    __table_args__ = (Index("ix_refused_scans_actor_id", "actor", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))  # receive, arrive, audited, or /scan's action (lookup: none)
    code: Mapped[str | None] = mapped_column(String(500))  # as scanned, truncated; none when it was no text
    error: Mapped[str] = mapped_column(String(32))  # the error code
    message: Mapped[str] = mapped_column(String(200))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))  # when the scanner may see it
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"), index=True)
    stocktake_id: Mapped[int | None] = mapped_column(ForeignKey("stocktakes.id"), index=True)
    nonce: Mapped[str | None] = mapped_column(String(100), unique=True)  # a station's retry is kept once


class OutboxMessage(Base):
    """An e-mail waiting for ``fleet worker`` (``fleet.outbox``), written in the same transaction as
    the loan or signature it is about. The recipient and body are personal data (the body of a
    signing e-mail holds the link, whose token is otherwise stored only as a hash): kept only until
    the message is sent or given up (then cleared), and the rows go with ``fleet privacy purge``. The attachment is
    the document's hash in the document store, not a second copy."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_due_at", "state", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # sign_link, signed_copy
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))  # what it is about
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued, sending, sent, dead
    recipient: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(100))
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(100))  # the exception's type and SMTP code, no content
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # sent, or given up (dead)
