"""A small fleet for the health, pipeline and lists tests, lived at chosen times (``fleet.models.clock``):

- founder FA with schools A1, A2; founder FB with school B1; the warehouse.
- warehouse: 2 in_warehouse, 1 imaged, 1 labelled (all received 2 days before NOW), 1 expected.
- A1: 3 at_school (since 2026-01-05), 1 lost, 1 in_repair (since 2026-10-10), 1 on_loan (loan_a1, handed
  over 2026-05-10, unsigned: overdue for return, agreement over 90 days).
- A2: 1 stolen, 1 in_transit (shipped 2026-11-18), 1 on_loan (loan_a2, 2026-11-15, unsigned: under 7 days).
- B1: 2 at_school (2026-11-01), 1 on_loan (loan_b1, 2026-10-01, unsigned: 30-90 days).

Every pupil is called ``Unikālvārds`` with a guardian ``Aizbildnis Unikālvārds``: no report may show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from fleet.access.policy import Principal, Scope
from fleet.lending import loans
from fleet.models import Device, Founder, Loan, School, clock
from fleet.reports import Reach, rollup
from tests.factories import DeviceFactory, FounderFactory, PupilFactory, SchoolFactory

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SECRET = "Unikālvārds"
ADMIN = Scope.of(Principal(0, "test", "admin"))
EVERY_SCHOOL = Reach(all_schools=True)


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


@dataclass
class World:
    fa: Founder
    fb: Founder
    a1: School
    a2: School
    b1: School
    loans: dict[str, Loan] = field(default_factory=dict)
    devices: dict[str, list[Device]] = field(default_factory=dict)

    def manager_of(self, *founders: Founder) -> Reach:
        ids = {s.id for s in (self.a1, self.a2, self.b1) if s.founder_id in {f.id for f in founders}}
        return Reach(False, frozenset(ids))


def devices(n: int, status: str, when: datetime, school: School | None = None) -> list[Device]:
    with clock(lambda: when):
        return [DeviceFactory(status=status, school=school) for _ in range(n)]


def lend(session, school: School, when: datetime) -> Loan:
    device = devices(1, "at_school", when, school)[0]
    pupil = PupilFactory(school=school, given_name=SECRET, family_name=SECRET, guardian_name=f"Aizbildnis {SECRET}",
                         guardian_phone="+37120000000")
    with clock(lambda: when):
        handed = loans.hand_over(session, ADMIN, loans.HandOver(device.serial, pupil.id), "https://fleet.example.lv")
    session.commit()
    return handed.loan


def build(session) -> World:
    fa, fb = FounderFactory(code="FA"), FounderFactory(code="FB")
    w = World(fa, fb, SchoolFactory(founder=fa), SchoolFactory(founder=fa), SchoolFactory(founder=fb))
    recent = at(2026, 11, 18)
    w.devices["warehouse"] = (devices(2, "in_warehouse", recent) + devices(1, "imaged", recent)
                              + devices(1, "labelled", recent) + devices(1, "expected", recent))
    w.devices["a1_at_school"] = devices(3, "at_school", at(2026, 1, 5), w.a1)
    w.devices["a1_lost"] = devices(1, "lost", at(2026, 3, 1), w.a1)
    w.devices["a1_repair"] = devices(1, "in_repair", at(2026, 10, 10), w.a1)
    w.loans["a1"] = lend(session, w.a1, at(2026, 5, 10))
    w.devices["a2_stolen"] = devices(1, "stolen", at(2026, 9, 1), w.a2)
    w.devices["a2_transit"] = devices(1, "in_transit", recent, w.a2)
    w.loans["a2"] = lend(session, w.a2, at(2026, 11, 15))
    w.devices["b1_at_school"] = devices(2, "at_school", at(2026, 11, 1), w.b1)
    w.loans["b1"] = lend(session, w.b1, at(2026, 10, 1))
    refresh(session)
    return w


def refresh(session) -> None:
    rollup.refresh(session, NOW)
    session.commit()
