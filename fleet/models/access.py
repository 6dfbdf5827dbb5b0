"""Who may act: users with their role, schools and founders, API tokens, browser sessions, and
the access log (sign-ins, use of personal data, exports)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fleet.models.base import Base, JSONType, UTCDateTime, utcnow
from fleet.models.catalog import Founder, School

ROLES = ("admin", "warehouse", "school_it", "ministry", "founder_manager", "auditor")
USER_SOURCES = ("local", "directory")  # a local account (password or tokens only), or one the directory vouches for


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


# an administrator's changes to who may do what (fleet.access.access_log.account_changed)
ACCOUNT_EVENTS = ("user_added", "user_changed", "password_set", "sessions_ended", "token_created", "token_revoked")
ACCESS_EVENTS = ("signin", "signin_failed", "signin_refused", "signout", "personal_data", "export",
                 "throttle_cleared", *ACCOUNT_EVENTS)


class AccessLogEntry(Base):
    """Who did what, when: sign-ins (and failed ones, which the sign-in throttle counts), use of
    personal data, exports, administrators' changes to accounts. Never the data itself (nor a password
    or a token): ``what`` names the route, ``details`` a reason or the account changed."""

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
