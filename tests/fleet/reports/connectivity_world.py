"""A small connectivity world for the report's and the facts' tests: two founders, four schools, a submitted
round with a budget and, on 2024-03-15 (a Friday), measurements that give each school a known diagnosis:

- ``fine``: primary, 500/100 Mbit/s for 300 pupils, cable 450/95 and Wi-Fi 400 → ``ok``;
- ``wifi``: the same answers, cable 450/95, Wi-Fi 50 → ``inside_network``;
- ``slow``: (the other founder) the same answers, cable 100/20 → ``uplink`` (20% of the contract);
- ``silent``: answers (250 pupils), no measurement → ``no_data``.

Every school lacks a backup line; 24 access points for 30 classrooms (all covered). With the seeded prices the
plan is: ``fine`` a backup line (600), ``silent`` the same (600), ``slow`` a faster line and a backup
(2400 + 600), ``wifi`` a backup and 6 access points (600 + 6 × 450); by pupils per euro: fine (300/600), silent
(250/600), slow (300/3000), wifi (300/3300).

``fine`` also has a later *draft* (contracted 10 Mbit/s) that must not count. Every measurement is taken at 18:00
Riga time on a weekday or weekend day before ``AS_OF`` (outside the busiest lessons); one older than 30 days and
one after ``AS_OF`` are never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from fleet.models import Measurement, School, SurveyAnswer, SurveyRound
from fleet.reports import counting
from tests.factories import FounderFactory, SchoolFactory

AS_OF = date(2024, 3, 15)
ANSWERS: dict[str, Any] = {
    "uplink_technology": "fibre", "provider": "Tet", "contracted_down_mbps": 500, "contracted_up_mbps": 100,
    "monthly_cost_eur": 85.5, "backup_line": False, "outages_last_year": 2, "switches": 6,
    "switch_uplink_mbps": "1000", "access_points": 24, "wifi_standard": "wifi6", "classrooms": 30,
    "classrooms_covered": 30, "cabling_year": 2015, "maintained_by": "founder", "school_level": "primary",
    "pupils": 300, "staff": 40, "peak_devices": 250}


def at(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=counting.RIGA).astimezone(UTC)


def measure(session, school: School, down: float, up: float, link: str, days_ago: int, latency: float = 12.0):
    session.add(Measurement(school_id=school.id, taken_at=at(AS_OF - timedelta(days=days_ago)), download_mbps=down,
                            upload_mbps=up, latency_ms=latency, jitter_ms=2.0, link=link, source="script",
                            recorded_by="test"))


def answer(session, survey_round: SurveyRound, school: School, answers: dict, version: int = 1,
           status: str = "submitted") -> None:
    session.add(SurveyAnswer(round_id=survey_round.id, school_id=school.id, version=version, status=status,
                             answers=answers, source="form", saved_by="test"))


@dataclass
class World:
    round: SurveyRound
    founders: list
    schools: dict[str, School]


def build(session, budget: Decimal | None = Decimal("20000.00"), code: str = "2024") -> World:
    founders = [FounderFactory(), FounderFactory()]
    schools = {"fine": SchoolFactory(founder=founders[0]), "wifi": SchoolFactory(founder=founders[0]),
               "slow": SchoolFactory(founder=founders[1]), "silent": SchoolFactory(founder=founders[1])}
    survey_round = SurveyRound(code=code, title="Savienojamības aptauja 2024", opens_on=date(2024, 1, 8),
                               deadline=date(2024, 2, 29), budget=budget)
    session.add(survey_round)
    session.flush()
    for name, school in schools.items():
        answer(session, survey_round, school, {**ANSWERS, "pupils": 250} if name == "silent" else ANSWERS)
    answer(session, survey_round, schools["fine"], {**ANSWERS, "contracted_down_mbps": 10}, 2, "draft")
    for days in (1, 2, 3):
        measure(session, schools["fine"], 450, 95, "cable", days)
        measure(session, schools["fine"], 400, 90, "wifi", days)
        measure(session, schools["wifi"], 450, 95, "cable", days)
        measure(session, schools["wifi"], 50, 40, "wifi", days)
        measure(session, schools["slow"], 100, 20, "cable", days)
    measure(session, schools["fine"], 5, 1, "cable", 40)  # older than 30 days: not read
    measure(session, schools["fine"], 5, 1, "cable", -2)  # after AS_OF: not read
    session.commit()
    return World(survey_round, founders, schools)
