"""Lending to pupils: eligibility groups, pupils, loans, their agreements and agreement templates,
and the document store's rows (agreements, signed copies, paper scans, return acts)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fleet.models.base import Base, JSONType, UTCDateTime, utcnow
from fleet.models.catalog import School
from fleet.models.devices import Device


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
    __table_args__ = (Index("ix_agreements_status_created_at", "status", "created_at"),)  # unsigned, by age
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
    # False: someone other than the guardian on record signed (their relationship is given); the
    # roster flags it for the school to check. None: not signed yet, or signed before this was asked.
    signer_is_guardian: Mapped[bool | None] = mapped_column(Boolean)
    signer_relationship: Mapped[str | None] = mapped_column(String(100))
    signature_kind: Mapped[str | None] = mapped_column(String(10))  # drawn, typed (link and desk); None: paper
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last reminder queued for the guardian
    reminders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
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
