"""The demo's connectivity survey, so the survey's pages, the report and the dashboard's panel have something to
show: a round open until six weeks from today with the plan's budget, and one school of each diagnosis —

- Purvciems: fibre delivering what was contracted on cable, its old Wi-Fi slow → ``inside_network``;
- Rīga 64: a DSL line delivering a third of the contracted speed, on cable too → ``uplink``;
- Grobiņa: fast outside the busiest lessons, a third of it during them → ``congestion``;
- Valmiera: a draft of the answers and no measurement yet → ``no_data``.

The measurements are of the last ten days, two a day (the busiest lesson and late afternoon, Riga time).
Through the domain's use cases, as the rest of the demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.access.policy import Scope
from fleet.connectivity import measurements, survey
from fleet.demo import data
from fleet.models import School

ROUND = "2026"
ROUND_TITLE = "Skolu interneta pieslēgumu apsekojums 2026"
BUDGET = Decimal("30000.00")
COMMON = {"outages_last_year": 2, "maintained_by": "founder", "school_level": "secondary", "backup_line": False}
ANSWERS = {
    data.PURVCIEMS: {**COMMON, "uplink_technology": "fibre", "provider": "Tet", "contracted_down_mbps": 500,
                     "contracted_up_mbps": 100, "monthly_cost_eur": 180, "switches": 6, "switch_uplink_mbps": "1000",
                     "access_points": 12, "wifi_standard": "wifi4", "classrooms": 40, "classrooms_covered": 25,
                     "cabling_year": 2004, "pupils": 820, "staff": 90, "peak_devices": 300,
                     "problems": "Augšējos stāvos Wi-Fi pazūd, kad divas klases reizē atver datorus."},
    data.RIGA64: {**COMMON, "uplink_technology": "dsl", "provider": "Tet", "contracted_down_mbps": 100,
                  "contracted_up_mbps": 20, "monthly_cost_eur": 65, "switches": 4, "switch_uplink_mbps": "1000",
                  "access_points": 32, "wifi_standard": "wifi5", "classrooms": 32, "classrooms_covered": 32,
                  "cabling_year": 2016, "pupils": 610, "staff": 70, "peak_devices": 220},
    data.GROBINA: {**COMMON, "uplink_technology": "fibre", "provider": "Dienvidkurzemes tīkli",
                   "contracted_down_mbps": 1000, "contracted_up_mbps": 200, "monthly_cost_eur": 240,
                   "backup_line": True, "backup_technology": "mobile", "switches": 3, "switch_uplink_mbps": "100",
                   "access_points": 14, "wifi_standard": "wifi5", "classrooms": 22, "classrooms_covered": 20,
                   "cabling_year": 2012, "pupils": 430, "staff": 55, "peak_devices": 180},
}
DRAFTS = {data.VALMIERA: {"uplink_technology": "radio", "provider": "Valmieras optiskais tīkls", "pupils": 540}}
# (school, link, download at the busiest lesson, upload, latency; then late afternoon) in Mbit/s and ms
SPEEDS = [
    (data.PURVCIEMS, "cable", (455.0, 92.0, 6.0), (470.0, 95.0, 5.0)),
    (data.PURVCIEMS, "wifi", (38.0, 21.0, 24.0), (61.0, 30.0, 15.0)),
    (data.RIGA64, "cable", (31.0, 6.5, 38.0), (36.0, 7.0, 31.0)),
    (data.GROBINA, "cable", (290.0, 160.0, 44.0), (930.0, 190.0, 7.0)),
]


def survey_story(session: Session, scope: Scope, today: datetime | None = None) -> int:
    """The round, the answers and the measurements; the measurements made."""
    now = today or datetime.now(UTC)
    survey_round = survey.open_round(session, ROUND, ROUND_TITLE, (now - timedelta(days=30)).date(),
                                     (now + timedelta(days=45)).date(), BUDGET)
    schools = {s.registration_number: s for s in session.scalars(select(School))}
    for reg, answers in ANSWERS.items():
        survey.save(session, scope, survey_round, schools[reg].id, answers, submit=True)
    for reg, answers in DRAFTS.items():
        survey.save(session, scope, survey_round, schools[reg].id, answers, submit=False)
    made = 0
    for days_ago in range(1, 11):
        day = (now - timedelta(days=days_ago)).replace(minute=0, second=0, microsecond=0)
        for reg, link, busiest, afternoon in SPEEDS:
            for hour, (down, up, latency) in ((8, busiest), (15, afternoon)):  # 10:00 and 17:00 in Riga (winter)
                wobble = 1 + ((days_ago * 7 + hour) % 5 - 2) / 100  # ±2%: measurements never repeat exactly
                measurements.record(session, schools[reg].id, down * wobble, up * wobble, latency, latency / 10, link,
                                    "script", "demo", taken_at=day.replace(hour=hour))
                made += 1
    session.flush()
    return made
