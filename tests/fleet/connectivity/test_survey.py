"""The survey's domain (``fleet.connectivity.survey``): rounds, drafts and the submission checked field by field,
versions and the history, the deadline, the caller's scope, two saves at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest

from fleet.access.policy import Principal
from fleet.connectivity import survey
from fleet.errors import FleetError
from fleet.models import SurveyAnswer
from tests.factories import DeviceFactory, FounderFactory, SchoolFactory
from tests.fleet.connectivity.answers import GOOD, answers

DAY = date(2026, 3, 10)


def scope(role="school_it", *schools, name="it.person"):
    return Principal(1, name, role, frozenset(s.id for s in schools)).scope


@pytest.fixture
def round_(session):
    made = survey.open_round(session, "2026", "Survey 2026", date(2026, 3, 1), date(2026, 3, 31), None)
    session.commit()
    return made


def refused(call) -> FleetError:
    with pytest.raises(FleetError) as e:
        call()
    return e.value


def fields(error: FleetError) -> dict[str, str]:
    return {d["field"]: d["reason"] for d in error.details}


def test_rounds_open_change_and_order(session):
    old = survey.open_round(session, "2025", "Survey 2025", date(2025, 3, 1), date(2025, 3, 31), Decimal("1000"))
    new = survey.open_round(session, "2026", " Survey 2026 ", date(2026, 3, 1), date(2026, 3, 31), None)
    assert [r.code for r in survey.rounds(session)] == ["2026", "2025"]
    assert survey.latest_round(session) is new and new.title == "Survey 2026"
    assert survey.round_by_code(session, "2025") is old
    assert refused(lambda: survey.round_by_code(session, "1999")).code == "not_found"
    assert refused(lambda: survey.open_round(session, "2025", "x", DAY, DAY, None)).code == "duplicate"
    bad = refused(lambda: survey.open_round(session, "2027", "x", DAY, date(2026, 3, 9), None))
    assert (bad.code, [d["field"] for d in bad.details]) == ("invalid_input", ["deadline"])
    assert bad.message == "the deadline (2026-03-09) is before the round opens (2026-03-10)"
    negative = refused(lambda: survey.open_round(session, "2027", "x", DAY, DAY, Decimal("-1")))
    assert [d["field"] for d in negative.details] == ["budget"]
    assert refused(lambda: survey.open_round(session, "a b", "x", DAY, DAY, None)).code == "invalid_input"
    changed = survey.change_round(session, "2026", deadline=date(2026, 4, 30), budget=Decimal("250000.5"),
                                  title="Aptauja 2026")
    assert (changed.deadline, changed.budget, changed.title) == (date(2026, 4, 30), Decimal("250000.50"),
                                                                  "Aptauja 2026")
    assert survey.change_round(session, "2026", clear_budget=True).budget is None
    assert refused(lambda: survey.change_round(session, "2026", deadline=date(2026, 2, 1))).code == "invalid_input"
    assert survey.latest_round(session) is not None


def test_no_round_yet(session):
    assert survey.latest_round(session) is None and survey.rounds(session) == []


def test_a_draft_then_the_submission_each_a_version(session, round_):
    school = SchoolFactory()
    it = scope("school_it", school)
    assert survey.current(session, it, round_, school.id) is None
    draft = survey.save(session, it, round_, school.id, {"pupils": "420", "provider": " Tet "}, submit=False,
                        today=DAY)
    assert (draft.version, draft.status, draft.answers, draft.saved_by, draft.source) == (
        1, "draft", {"pupils": 420, "provider": "Tet"}, "it.person", "form")
    again = survey.save(session, it, round_, school.id, {"pupils": 420, "provider": "Tet"}, submit=False, today=DAY)
    assert again is draft  # the same answers, the same status: no new version
    submitted = survey.save(session, it, round_, school.id, GOOD, submit=True, today=DAY)
    assert (submitted.version, submitted.status) == (2, "submitted")
    changed = survey.save(session, it, round_, school.id, answers(pupils=430), submit=True, today=DAY)
    back_to_draft = survey.save(session, it, round_, school.id, answers(pupils=430), submit=False, today=DAY)
    session.commit()
    assert (changed.version, back_to_draft.version, back_to_draft.status) == (3, 4, "draft")
    assert [a.version for a in survey.history(session, it, round_, school.id)] == [4, 3, 2, 1]
    assert survey.current(session, it, round_, school.id).version == 4


def test_every_bad_answer_refused_field_by_field(session, round_):
    school = SchoolFactory()
    bad = {"uplink_technology": "pigeon", "contracted_down_mbps": "fast", "switches": 2.5, "pupils": 0,
           "backup_line": "maybe", "provider": "x" * 101, "colour": "blue", "classrooms": 10}
    error = refused(lambda: survey.save(session, scope("admin"), round_, school.id, bad, submit=False, today=DAY))
    assert error.code == "invalid_input"
    assert fields(error) == {"colour": "unknown_question", "uplink_technology": "unknown_choice",
                             "provider": "too_long", "contracted_down_mbps": "not_a_number",
                             "backup_line": "not_yes_no", "switches": "not_whole", "pupils": "out_of_range"}
    assert all(d["message"] for d in error.details)
    assert session.query(SurveyAnswer).count() == 0


def test_the_submission_needs_every_answer_and_agreeing_ones(session, round_):
    school = SchoolFactory()
    it = scope("school_it", school)
    missing = refused(lambda: survey.save(session, it, round_, school.id, answers(pupils=None, staff=None),
                                          submit=True, today=DAY))
    assert fields(missing) == {"pupils": "required", "staff": "required"}
    crossed = refused(lambda: survey.save(
        session, it, round_, school.id, answers(classrooms=10, classrooms_covered=12, cabling_year=2030),
        submit=True, today=DAY))
    assert fields(crossed) == {"classrooms_covered": "inconsistent", "cabling_year": "inconsistent"}
    no_backup = refused(lambda: survey.save(session, it, round_, school.id, answers(backup_line=False),
                                            submit=True, today=DAY))
    assert fields(no_backup) == {"backup_technology": "inconsistent"}
    needed = refused(lambda: survey.save(session, it, round_, school.id, answers(backup_technology=None),
                                         submit=True, today=DAY))
    assert fields(needed) == {"backup_technology": "required"}
    assert survey.save(session, it, round_, school.id, answers(pupils=None), submit=False, today=DAY).status == "draft"
    assert survey.save(session, it, round_, school.id, answers(backup_line=False, backup_technology=None),
                       submit=True, today=DAY).version == 2


def test_the_deadline_and_the_opening_day(session, round_):
    school = SchoolFactory()
    it = scope("school_it", school)
    assert survey.save(session, it, round_, school.id, GOOD, submit=True, today=date(2026, 3, 31)).version == 1
    late = refused(lambda: survey.save(session, it, round_, school.id, answers(pupils=1), submit=True,
                                       today=date(2026, 4, 1)))
    early = refused(lambda: survey.save(session, it, round_, school.id, answers(pupils=1), submit=True,
                                        today=date(2026, 2, 28)))
    assert (late.code, early.code) == ("conflict", "conflict")
    assert late.details == {"deadline": "2026-03-31"}
    assert [a.version for a in survey.history(session, it, round_, school.id)] == [1]


def test_scope_another_school_is_not_found(session, round_):
    founder = FounderFactory()
    mine, sibling, foreign = SchoolFactory(founder=founder), SchoolFactory(founder=founder), SchoolFactory()
    it = scope("school_it", mine)
    manager = scope("founder_manager", mine, sibling, name="manager")
    for call in (lambda: survey.save(session, it, round_, foreign.id, GOOD, submit=True, today=DAY),
                 lambda: survey.save(session, it, round_, sibling.id, {"colour": 1}, submit=True, today=DAY),
                 lambda: survey.current(session, it, round_, sibling.id),
                 lambda: survey.history(session, manager, round_, foreign.id),
                 lambda: survey.save(session, scope("admin"), round_, 10**9, GOOD, submit=True, today=DAY)):
        error = refused(call)
        assert error.code == "not_found"
    assert refused(lambda: survey.current(session, it, round_, sibling.id)).details == {
        "ref": sibling.registration_number}
    saved = survey.save(session, manager, round_, sibling.id, GOOD, submit=True, today=DAY)
    assert (saved.saved_by, saved.school_id) == ("manager", sibling.id)
    assert survey.save(session, scope("admin", name="admin"), round_, foreign.id, GOOD, submit=False,
                       today=DAY).version == 1


def test_latest_by_school_and_laptops(session, round_):
    a, b, c = SchoolFactory(), SchoolFactory(), SchoolFactory()
    admin = scope("admin")
    survey.save(session, admin, round_, a.id, {"pupils": 1}, submit=False, today=DAY)
    survey.save(session, admin, round_, a.id, GOOD, submit=True, today=DAY)
    survey.save(session, admin, round_, b.id, {"pupils": 2}, submit=False, today=DAY)
    for status, school in (("at_school", a), ("on_loan", a), ("in_repair", a), ("at_school", b)):
        DeviceFactory(status=status, school=school)
    session.commit()
    latest = survey.latest_by_school(session, round_, None)
    assert {k: (v.version, v.status) for k, v in latest.items()} == {a.id: (2, "submitted"), b.id: (1, "draft")}
    assert set(survey.latest_by_school(session, round_, frozenset({b.id, c.id}))) == {b.id}
    assert survey.latest_by_school(session, round_, frozenset()) == {}
    assert survey.laptops_at(session, None) == {a.id: 2, b.id: 1}
    assert survey.laptops_at(session, frozenset({b.id, c.id})) == {b.id: 1}


def test_two_saves_at_once_get_distinct_versions_or_a_clean_conflict(app, session, round_):
    school = SchoolFactory()
    session.commit()
    it = scope("school_it", school)
    barrier = threading.Barrier(4)

    def save(pupils):
        with app.extensions["fleet.sessionmaker"]() as s:
            barrier.wait()
            try:
                saved = survey.save(s, it, survey.round_by_code(s, "2026"), school.id, answers(pupils=pupils),
                                    submit=True, today=DAY)
                s.commit()
                return saved.version
            except FleetError as e:
                return e.code

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(save, [100, 200, 300, 400]))
    versions = sorted(r for r in results if isinstance(r, int))
    assert versions == list(range(1, len(versions) + 1)) and versions
    assert all(r == "conflict" for r in results if not isinstance(r, int))
    session.expire_all()
    assert sorted(a.version for a in session.query(SurveyAnswer)) == versions
