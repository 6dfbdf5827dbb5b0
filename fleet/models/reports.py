"""What the programme reports on and proves: its targets, the funding sources with their budgets,
the serials other funds paid for (the double-funding check), the roll-ups the worker refreshes for
the reports at a national scale, and the auditor's evidence packs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fleet.models.base import Base, UTCDateTime, utcnow


class ProgrammeTarget(Base):
    """A target of the programme: devices provided to the target group, cumulatively, by ``due_on``
    (seeded: 13,310 by 2022-12-31, 26,620 by 2023-12-31). Configuration data."""

    __tablename__ = "programme_targets"
    id: Mapped[int] = mapped_column(primary_key=True)
    due_on: Mapped[date] = mapped_column(Date, unique=True)
    target: Mapped[int] = mapped_column(Integer)
    wording_lv: Mapped[str] = mapped_column(Text)  # the target's wording, as the plan states it
    wording_en: Mapped[str] = mapped_column(Text)


class FundingSource(Base):
    """Who pays: the codes of ``contracts.funding_source`` with their names, the budget the programme
    has from each (None: not the programme's money), and whether devices bought from it may count
    toward the programme's targets (``programme``)."""

    __tablename__ = "funding_sources"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_lv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    programme: Mapped[bool] = mapped_column(Boolean, default=False)


class OtherFundSerial(Base):
    """A serial another fund or measure paid for (REACT-EU's 25,687 laptops, cohesion measure
    4.2.1.5 …), imported from that fund's register: a programme device with the same serial is
    double funding, never counted, and listed by the funding report's exceptions."""

    __tablename__ = "other_fund_serials"
    __table_args__ = (Index("ix_other_fund_serials_serial", "serial"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40))  # normalised as fleet.serials does
    source: Mapped[str] = mapped_column(String(20))  # a funding source's code
    reference: Mapped[str] = mapped_column(String(200))  # the register or contract it came from
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))


class RollupCount(Base):
    """One figure of a report, pre-computed by ``fleet worker`` (``fleet.reports.rollup``): ``metric``
    (devices_by_status, provided_daily …) for one school (None: the warehouse, no school) and one key
    (a status, a day, an age band …). Reports add these up over the schools a reader may see, so a
    report reads hundreds of rows, not a million devices."""

    __tablename__ = "rollup_counts"
    __table_args__ = (Index("ix_rollup_counts_metric_school_id", "metric", "school_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(40))
    school_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: replaced wholesale by the refresh
    key: Mapped[str] = mapped_column(String(60), default="")
    value: Mapped[int] = mapped_column(BigInteger)


class RollupCounted(Base):
    """A device counted toward the targets (``fleet.reports.counting``), as of the last refresh: the
    day it was provided (the later of its hand-over and its agreement's signature, Riga time), where
    and from which money. The milestone chart and the double-funding check read this, not the loans."""

    __tablename__ = "rollup_counted"
    __table_args__ = (Index("ix_rollup_counted_founder_id_provided_on", "founder_id", "provided_on"),)
    device_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    school_id: Mapped[int] = mapped_column(Integer, index=True)
    founder_id: Mapped[int] = mapped_column(Integer)
    contract_id: Mapped[int | None] = mapped_column(Integer)
    funding_source: Mapped[str | None] = mapped_column(String(20))
    provided_on: Mapped[date] = mapped_column(Date)
    loan_id: Mapped[int] = mapped_column(Integer)
    eligibility: Mapped[str | None] = mapped_column(String(40))
    # why it does not count (None: it counts): other_source, no_contract, other_fund
    withheld: Mapped[str | None] = mapped_column(String(20))


class RollupRun(Base):
    """One refresh of the roll-ups: when it finished and how long it took (the pages say how fresh
    their figures are)."""

    __tablename__ = "rollup_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    took_ms: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer)


EVIDENCE_STATUSES = ("queued", "running", "done", "failed")


class EvidencePack(Base):
    """An auditor's evidence pack (``fleet.evidence``): asked for through the API, written by
    ``fleet worker`` into ``FLEET_EVIDENCE_DIR`` as a ZIP, then downloaded. ``sample_seed`` is
    recorded so that the same sample can be drawn again."""

    __tablename__ = "evidence_packs"
    __table_args__ = (Index("ix_evidence_packs_status_id", "status", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    target_date: Mapped[date] = mapped_column(Date)  # the cut-off: a target's date (or any day)
    founder_id: Mapped[int | None] = mapped_column(ForeignKey("founders.id"))
    agreements: Mapped[bool] = mapped_column(Boolean, default=True)  # False: the signed agreements are left out
    sample_size: Mapped[int | None] = mapped_column(Integer)  # None: every counted device's agreement
    sample_seed: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    counted: Mapped[int | None] = mapped_column(Integer)  # devices in the pack (known once running)
    written: Mapped[int] = mapped_column(Integer, default=0)  # devices written so far (progress)
    size: Mapped[int | None] = mapped_column(BigInteger)  # the ZIP's bytes, once done
    sha256: Mapped[str | None] = mapped_column(String(64))  # the ZIP's SHA-256, once done
    error: Mapped[str | None] = mapped_column(String(300))  # why it failed (no personal data)
