"""What every model stands on: the declarative ``Base`` with its constraint naming convention, the
column types (UTC datetimes on both databases, JSON that is JSONB on PostgreSQL) and the domain's
clock (``utcnow``, ``clock``, ``months_before``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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
