"""Who owns and pays: founders (municipalities), their schools, and supply contracts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fleet.models.base import Base, UTCDateTime, utcnow

FUNDING_SOURCES = ("rrf", "state_budget", "react_eu", "municipal")


class Founder(Base):
    """A school founder, usually a municipality; devices stay on its books."""

    __tablename__ = "founders"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    registration_number: Mapped[str | None] = mapped_column(String(20))  # printed on agreements as the party's
    address: Mapped[str | None] = mapped_column(String(300))


class School(Base):
    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_number: Mapped[str] = mapped_column(String(10), unique=True)  # VIIS
    name: Mapped[str] = mapped_column(String(200))
    founder_id: Mapped[int] = mapped_column(ForeignKey("founders.id"))
    address: Mapped[str | None] = mapped_column(String(300))  # shown to whoever finds a lost laptop
    phone: Mapped[str | None] = mapped_column(String(40))
    founder: Mapped[Founder] = relationship()  # loaded where it is shown (schools list, device page)


class Contract(Base):
    """A supply contract: who delivers, who pays (the funding source) and at what unit price."""

    __tablename__ = "contracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    supplier: Mapped[str] = mapped_column(String(200))
    funding_source: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    quantity: Mapped[int | None] = mapped_column(Integer)  # devices contracted (the funding report's "committed")
    signed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
