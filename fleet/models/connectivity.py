"""The schools' connectivity survey (the programme's third milestone): survey rounds with a deadline and the
plan's budget, each school's answers (every save a new version: the history is kept), the speed measurements
taken from inside the schools, and the plan's configuration (thresholds of the analysis, the price table).

No pupil appears here: a school's answers hold counts (pupils, staff, devices at the busiest lesson) and a
measurement names the school, the link (Wi-Fi or cable) and, for a programme laptop, the device."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fleet.models.base import Base, JSONType, UTCDateTime, utcnow

ANSWER_STATUSES = ("draft", "submitted")
ANSWER_SOURCES = ("form", "import")
LINKS = ("wifi", "cable")
MEASUREMENT_SOURCES = ("browser", "script")


class SurveyRound(Base):
    """A round of the survey (``2024``): when it opens, its deadline (answers are refused after it), and the
    budget the ministry sets for the improvement plan (None: not set yet)."""

    __tablename__ = "survey_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)  # the last day answers are taken, Riga time
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # EUR, for the plan
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyAnswer(Base):
    """One version of one school's answers in one round. Every save (a draft or the submission, from the form
    or an import) adds a version; the latest is the school's answer and the earlier ones its history.
    ``answers``: the questionnaire's keys (``fleet.connectivity.questionnaire``) to JSON values."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("round_id", "school_id", "version"),
                      Index("ix_survey_answers_school", "school_id", "round_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # ANSWER_STATUSES
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType)
    source: Mapped[str] = mapped_column(String(12), default="form")  # ANSWER_SOURCES
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_by: Mapped[str] = mapped_column(String(100))  # the user's name (or "import: <file>")


class Measurement(Base):
    """One speed measurement of the path from a device inside a school to the Fleet server: download and upload
    throughput (Mbit/s), latency and its jitter (ms), whether the device was on Wi-Fi or cable (asked), the
    programme laptop it ran on (when it was one), and what took it (the browser's page or ``scripts/measure``)."""

    __tablename__ = "connectivity_measurements"
    __table_args__ = (Index("ix_connectivity_measurements_school", "school_id", "taken_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    download_mbps: Mapped[float] = mapped_column(Float)
    upload_mbps: Mapped[float] = mapped_column(Float)
    latency_ms: Mapped[float] = mapped_column(Float)
    jitter_ms: Mapped[float | None] = mapped_column(Float)
    link: Mapped[str] = mapped_column(String(8))  # LINKS
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    source: Mapped[str] = mapped_column(String(12))  # MEASUREMENT_SOURCES
    recorded_by: Mapped[str] = mapped_column(String(100))  # a user's name, or "key" for a measurement link


class ConnectivityPrice(Base):
    """A line of the plan's price table: a measure (``uplink_upgrade``, ``backup_line``, ``access_point``,
    ``switch``, ``cabling``), what its price is per (``school``, ``access_point``, ``switch``, ``classroom``)
    and the price in EUR. Seeded with estimates; the ministry sets them."""

    __tablename__ = "connectivity_prices"
    measure: Mapped[str] = mapped_column(String(30), primary_key=True)
    unit: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConnectivityThreshold(Base):
    """A threshold of the analysis (``compliance_ratio`` 0.8, ``per_pupil_mbps`` 1 …): key and value. Seeded
    with the defaults of ``fleet.connectivity.analysis.Thresholds``; the ministry sets them."""

    __tablename__ = "connectivity_thresholds"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
