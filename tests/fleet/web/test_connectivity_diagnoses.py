"""``/connectivity/diagnoses``: each school's diagnosis with its evidence, the ranked plan and its totals, for
whoever reads the survey — school IT its own school only, a founder manager its founders' schools, the ministry
every school — with the report's downloads; and the page in Chromium at a phone and a desktop (axe-core)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fleet.connectivity import measurements, survey
from fleet.models import SurveyRound
from tests.factories import SchoolFactory, current_session
from tests.fleet.connectivity.answers import answers
from tests.page_routes import client_as
from tests.pages import check_page


@pytest.fixture
def world(app):
    """Two schools of one founder — one slow at the provider (uplink), one with no measurement (no data) — and a
    school of another founder; a round with a budget."""
    session = current_session()
    slow = SchoolFactory(name="Rīgas 64. vidusskola")
    quiet = SchoolFactory(name="Rīgas Purvciema vidusskola", founder=slow.founder)
    other = SchoolFactory(name="Valmieras Pārgaujas ģimnāzija")
    survey_round = SurveyRound(code="2027", title="Aptauja 2027", opens_on=date(2026, 1, 5),
                               deadline=date(2099, 6, 30), budget=10_000)
    session.add(survey_round)
    session.flush()
    from fleet.access.policy import Principal, Scope

    everyone = Scope.of(Principal(0, "test", "admin"))
    for school in (slow, quiet, other):
        survey.save(session, everyone, survey_round, school.id, answers(contracted_down_mbps=100,
                                                                        contracted_up_mbps=30), submit=True)
    now = datetime.now(UTC)
    for n in range(3):
        measurements.record(session, slow.id, 20.0, 5.0, 30.0, 3.0, "cable", "script", "test",
                            taken_at=now - timedelta(hours=n + 1))
        measurements.record(session, other.id, 95.0, 29.0, 8.0, 1.0, "cable", "script", "test",
                            taken_at=now - timedelta(hours=n + 1))
    session.commit()
    return {"slow": slow, "quiet": quiet, "other": other}


def test_a_founder_manager_sees_its_schools_diagnoses_and_plan(app, world):
    slow, quiet, other = world["slow"], world["quiet"], world["other"]
    client = client_as(app, "founder_manager", school=slow)  # tied to slow's founder
    page = client.get("/connectivity/diagnoses?round=2027&lang=en")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert slow.name in body and quiet.name in body and other.name not in body
    assert "The connection (provider)" in body and "No data" in body  # the diagnoses in words
    assert 'id="t-plan"' in body and 'id="t-schools"' in body and "/api/v1/reports/connectivity.pdf?round=2027" in body
    assert client.get(f"/connectivity/diagnoses?founder={other.founder.code}").status_code == 404


def test_school_it_sees_its_own_school_only(app, world):
    slow, other = world["slow"], world["other"]
    client = client_as(app, "school_it", school=other)
    body = client.get("/connectivity/diagnoses?lang=en").get_data(as_text=True)
    assert other.name in body and slow.name not in body


def test_the_page_passes_the_checks(world, staff):
    for viewport, lang in (("phone", "lv"), ("desktop", "en")):
        page = staff("ministry", viewport=viewport, lang=lang)
        page.goto(page.base + "/connectivity/diagnoses?round=2027")
        assert page.locator("#t-schools tbody tr").count() == 3
        check_page(page)
