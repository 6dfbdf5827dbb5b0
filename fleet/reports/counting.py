"""The counting rule of the programme's targets, live: which devices count as provided to the target
group by a day, and which are withheld from the count and why.

A device counts from the day both hold: its **first** hand-over went to a pupil who was in an eligible
group that day, and that loan's agreement is signed — the later of the two days, Riga time. It counts
once, however often it is lent again. It is **withheld** (listed by the funding report's exceptions,
never counted) when its contract's funding source is not one of the programme's (``other_source``),
when it has no contract (``no_contract``), or when another fund's register holds its serial
(``other_fund``: double funding).

The roll-ups (``fleet.reports.rollup``) store this per device for the reports; the evidence pack
computes it live at its cut-off.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from fleet.i18n import _l
from fleet.models import Agreement, Contract, Device, FundingSource, Loan, OtherFundSerial, Pupil, School

RIGA = ZoneInfo("Europe/Riga")
WITHHELD = ("other_source", "no_contract", "other_fund")

RULE = _l("A device counts toward the targets from the day both hold: its first hand-over went to a pupil in an "
          "eligible group on that day, and the agreement of that loan is signed (the later of the two days, Riga "
          "time). A device counts once, however often it is lent again. A device bought from a source other than "
          "the programme's, with no contract, or whose serial another fund's register holds, is withheld from the "
          "count and listed as an exception.")


@dataclass(frozen=True)
class Counted:
    device_id: int
    serial: str
    loan_id: int
    agreement_id: int
    school_id: int
    founder_id: int
    contract_id: int | None
    funding_source: str | None
    provided_on: date
    eligibility: str | None
    withheld: str | None  # None: it counts


def riga_day(at: datetime) -> date:
    return at.astimezone(RIGA).date()


def end_of(day: date) -> datetime:
    """The first instant after ``day`` in Riga, in UTC: what happened before it happened by ``day``."""
    return datetime.combine(day + timedelta(days=1), time(), RIGA).astimezone(UTC)


def today() -> date:
    return datetime.now(RIGA).date()


def programme_sources(session: Session) -> frozenset[str]:
    return frozenset(session.scalars(select(FundingSource.code).where(FundingSource.programme.is_(True))))


def counted(session: Session, until: date | None = None, founder_id: int | None = None,
            school_ids: frozenset[int] | None = None, batch: int = 5_000) -> Iterator[Counted]:
    """Every device meeting the rule by the end of ``until`` (None: by now), counted or withheld, in device
    order, streamed ``batch`` rows at a time. ``founder_id``/``school_ids`` narrow it to those schools."""
    first = select(Loan.device_id, func.min(Loan.id).label("loan_id")).group_by(Loan.device_id).subquery()
    other_fund = select(OtherFundSerial.id).where(OtherFundSerial.serial == Device.serial).exists()
    query = (select(Device.id, Device.serial, Loan.id, Agreement.id, Loan.school_id, School.founder_id,
                    Device.contract_id, Contract.funding_source, Loan.handed_over_at, Agreement.signed_at,
                    Pupil.eligibility, other_fund)
             .select_from(first)
             .join(Loan, Loan.id == first.c.loan_id)
             .join(Agreement, and_(Agreement.loan_id == Loan.id, Agreement.status == "signed"))
             .join(Device, Device.id == Loan.device_id)
             .join(School, School.id == Loan.school_id)
             .join(Pupil, Pupil.id == Loan.pupil_id)
             .outerjoin(Contract, Contract.id == Device.contract_id)
             .where(Loan.eligible.is_(True))
             .order_by(Device.id))
    if until is not None:
        end = end_of(until)
        query = query.where(Loan.handed_over_at < end, Agreement.signed_at < end)
    if founder_id is not None:
        query = query.where(School.founder_id == founder_id)
    if school_ids is not None:
        query = query.where(Loan.school_id.in_(sorted(school_ids) or [-1]))
    programme = programme_sources(session)
    for row in session.execute(query.execution_options(yield_per=batch)):
        (device_id, serial, loan_id, agreement_id, school_id, founder, contract_id, source, handed_over_at,
         signed_at, eligibility, in_other_fund) = row
        withheld = ("other_fund" if in_other_fund else "no_contract" if contract_id is None
                    else None if source in programme else "other_source")
        yield Counted(device_id, serial, loan_id, agreement_id, school_id, founder, contract_id, source,
                      riga_day(max(handed_over_at, signed_at)), eligibility, withheld)
