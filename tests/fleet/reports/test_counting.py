"""The counting rule (``fleet.reports.counting``) as the roll-ups store it: a device counts from the later of its
first hand-over and that agreement's signature, Riga time, once, only for an eligible pupil with a signed agreement;
devices bought outside the programme, with no contract or on another fund's register are withheld, with the reason.

``provide`` (used by the other reports' tests too) lends a device through the loans' use case at a set time and
signs its agreement through the agreements' use case at another."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from fleet.access.policy import Principal, Scope
from fleet.lending import agreements, loans
from fleet.models import FundingSource, OtherFundSerial, ProgrammeTarget, RollupCounted, clock
from fleet.reports import Reach, counting, rollup
from tests.factories import ContractFactory, DeviceFactory, PupilFactory, SchoolFactory

EVERYONE = Scope.of(Principal(0, "factory", "admin"))
EVERY_SCHOOL = Reach(all_schools=True)
URL = "https://fleet.example.lv"
MIGRATION = Path(__file__).parents[3] / "fleet" / "migrations" / "versions" / "0016_reports.py"


def seed_programme(session) -> None:
    """The targets and funding sources as migration 0016 seeds them (PostgreSQL's reset between tests empties
    them; a test that changes them leaves the next one the seeds)."""
    spec = importlib.util.spec_from_file_location("migration_0016", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    session.execute(delete(ProgrammeTarget))
    session.execute(delete(FundingSource))
    session.add_all(ProgrammeTarget(due_on=d, target=t, wording_lv=lv, wording_en=en) for d, t, lv, en in
                    migration.TARGETS)
    session.add_all(FundingSource(code=c, name_lv=lv, name_en=en, budget=b, programme=p) for c, lv, en, b, p in
                    migration.SOURCES)
    session.commit()


@pytest.fixture(autouse=True)
def seeded(session):
    seed_programme(session)


def riga(text: str) -> datetime:
    """A Riga wall-clock time ("2022-12-31 23:30") as the UTC instant the clock gives."""
    return datetime.fromisoformat(text).replace(tzinfo=counting.RIGA).astimezone(UTC)


def provide(session, school, handed: str = "2022-10-03 10:00", signed: str | None = "2022-10-03 18:00",
            contract="programme", eligible: bool = True, device=None, pupil=None):
    """Lend a device (a new one at ``school`` unless given) to a pupil at ``handed`` (Riga time) and sign the
    agreement at ``signed`` (None: left unsigned). ``contract``: "programme" (a new RRF contract), None or one."""
    if device is None:
        contract = ContractFactory() if contract == "programme" else contract
        device = DeviceFactory(status="at_school", school=school, contract=contract)
    pupil = pupil or PupilFactory(school=school, eligibility="large_family" if eligible else None)
    with clock(lambda: riga(handed)):
        done = loans.hand_over(session, EVERYONE, loans.HandOver(device.serial, pupil.id), URL)
    if signed is not None:
        with clock(lambda: riga(signed)):
            agreements.sign(session, done.agreement, "link", "Anna Ņikitina", kind="typed", typed_name="Anna Ņikitina",
                            is_guardian=True, consent=True)
    session.commit()
    return done


def refreshed(session) -> dict[int, RollupCounted]:
    rollup.refresh(session)
    session.commit()
    return {r.device_id: r for r in session.scalars(select(RollupCounted))}


def test_a_device_counts_on_the_later_day_riga_time(session):
    school = SchoolFactory()
    late_evening = provide(session, school, "2022-12-31 23:30", "2022-12-31 23:45")  # 21:30 UTC: still 2022
    next_year = provide(session, school, "2022-12-30 09:00", "2023-01-01 00:10")  # signed after midnight in Riga
    signed_first = provide(session, school, "2022-11-02 09:00", "2022-11-01 08:00")  # (a clock set back) later day
    rows = refreshed(session)
    assert rows[late_evening.loan.device_id].provided_on == date(2022, 12, 31)
    assert rows[next_year.loan.device_id].provided_on == date(2023, 1, 1)
    assert rows[signed_first.loan.device_id].provided_on == date(2022, 11, 2)
    assert rollup.sums(session, "provided_daily", EVERY_SCHOOL) == {"2022-12-31": 1, "2023-01-01": 1,
                                                                     "2022-11-02": 1}


def test_only_a_first_signed_hand_over_to_an_eligible_pupil_counts_once(session):
    school = SchoolFactory()
    first = provide(session, school, "2022-09-05 10:00", "2022-09-06 10:00")
    unsigned = provide(session, school, signed=None)
    not_eligible = provide(session, school, eligible=False)
    rows = refreshed(session)
    assert set(rows) == {first.loan.device_id}
    assert unsigned.loan.device_id not in rows and not_eligible.loan.device_id not in rows
    assert rollup.sums(session, "waiting_for_signature", EVERY_SCHOOL) == {"": 1}  # the eligible, unsigned one


def lend_again(session, handed, when: str, eligible: bool = True):
    """Return the loan, wipe the laptop and lend it to another pupil (signed the same day)."""
    from fleet import lifecycle
    from fleet.lending import returns

    with clock(lambda: riga(when)):
        returns.return_loan(session, handed.loan, {"condition": "good", "accessories_returned": []}, "test")
        lifecycle.apply(session, handed.loan.device, "wipe", {}, "test", via="loans")
    session.commit()
    return provide(session, handed.loan.device.school, when, when, device=handed.loan.device,
                   eligible=eligible)


def test_a_device_lent_again_counts_once_from_its_first_loan(session):
    school = SchoolFactory()
    first = provide(session, school, "2022-09-05 10:00", "2022-09-05 12:00")
    lend_again(session, first, "2023-06-01 10:00")
    # first lent to a pupil outside the target group: a later eligible loan does not make it count
    outside = lend_again(session, provide(session, school, eligible=False), "2023-02-01 10:00")
    rows = refreshed(session)
    assert [r.provided_on for r in rows.values()] == [date(2022, 9, 5)]
    assert outside.loan.device_id not in rows
    assert rollup.sums(session, "provided_daily", EVERY_SCHOOL) == {"2022-09-05": 1}


def test_withheld_devices_say_why_and_are_not_provided(session):
    school = SchoolFactory()
    react = provide(session, school, contract=ContractFactory(funding_source="react_eu"))
    none = provide(session, school, contract=None)
    doubled = provide(session, school)
    session.add(OtherFundSerial(serial=doubled.loan.device.serial, source="react_eu", reference="REACT-EU 2021/7",
                                imported_by="test"))
    session.commit()
    counted = provide(session, school)
    rows = refreshed(session)
    assert rows[react.loan.device_id].withheld == "other_source"
    assert rows[none.loan.device_id].withheld == "no_contract"
    assert rows[doubled.loan.device_id].withheld == "other_fund"
    assert rows[counted.loan.device_id].withheld is None
    assert rollup.sums(session, "withheld", EVERY_SCHOOL) == {"other_source": 1, "no_contract": 1, "other_fund": 1}
    assert rollup.sums(session, "provided_daily", EVERY_SCHOOL) == {"2022-10-03": 1}
