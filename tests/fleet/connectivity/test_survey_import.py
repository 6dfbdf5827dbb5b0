"""A founder's file of survey answers (``fleet.connectivity.survey_import``): CSV and XLSX, every bad line listed
with its number and nothing saved, a school of another founder refused, the caps."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from fleet.access.policy import Principal
from fleet.connectivity import survey, survey_import
from fleet.errors import FleetError
from fleet.models import SurveyAnswer
from tests.factories import FounderFactory, SchoolFactory
from tests.fleet.connectivity.answers import GOOD, answers

DAY = date(2026, 3, 10)
KEYS = list(GOOD)


@pytest.fixture
def round_(session):
    made = survey.open_round(session, "2026", "Survey 2026", date(2026, 3, 1), date(2026, 3, 31), None)
    session.commit()
    return made


@pytest.fixture
def founder_schools():
    founder = FounderFactory()
    return founder, [SchoolFactory(founder=founder) for _ in range(3)]


def manager(*schools):
    return Principal(7, "dace.manager", "founder_manager", frozenset(s.id for s in schools)).scope


def csv_of(rows: list[dict], sep=";", bom=False) -> bytes:
    def cell(v):
        return {True: "jā", False: "nē"}.get(v, "" if v is None else str(v)) if isinstance(v, bool | None) else str(v)
    lines = [sep.join(["school", *KEYS])] + [sep.join([r["school"], *(cell(r.get(k)) for k in KEYS)]) for r in rows]
    return (b"\xef\xbb\xbf" if bom else b"") + "\r\n".join(lines).encode()


def xlsx_of(rows: list[dict], header=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header or ["school", *KEYS])
    for r in rows:
        sheet.append([r["school"], *(r.get(k) for k in KEYS)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(call) -> FleetError:
    with pytest.raises(FleetError) as e:
        call()
    return e.value


@pytest.mark.parametrize("sep,bom", [(";", True), (",", False)])
def test_a_founders_csv_saves_each_schools_submission(session, round_, founder_schools, sep, bom):
    _, schools = founder_schools
    rows = [{"school": s.registration_number, **answers(pupils=100 + i)} for i, s in enumerate(schools)]
    done = survey_import.import_answers(session, manager(*schools), round_, csv_of(rows, sep, bom),
                                        "/tmp/Dienvidkurzeme aptauja.csv", today=DAY)
    session.commit()
    assert [(s.id, a.version, a.status, a.source) for s, a in done.answers] == [
        (s.id, 1, "submitted", "import") for s in schools]
    first = done.answers[0][1]
    assert first.saved_by == "dace.manager (import: Dienvidkurzeme aptauja.csv)"
    assert first.answers == answers(pupils=100)
    again = survey_import.import_answers(session, manager(*schools), round_, csv_of(rows, sep, bom), "x.csv",
                                         today=DAY)
    assert [a.version for _, a in again.answers] == [1, 1, 1]  # the same submission: no new version


def test_an_xlsx_with_labels_for_headers(session, round_, founder_schools):
    _, schools = founder_schools
    header = ["Skola", *(("Skolēni" if k == "pupils" else "Contracted download speed" if k == "contracted_down_mbps"
                          else k) for k in KEYS)]
    rows = [{"school": s.registration_number, **answers(switch_uplink_mbps=1000)} for s in schools[:2]]
    done = survey_import.import_answers(session, manager(*schools), round_, xlsx_of(rows, header), "a.xlsx",
                                        today=DAY)
    assert [a.answers["switch_uplink_mbps"] for _, a in done.answers] == ["1000", "1000"]
    assert done.answers[0][1].answers["pupils"] == GOOD["pupils"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_bad_line_reported_nothing_saved(session, round_, founder_schools, kind):
    _, schools = founder_schools
    foreign = SchoolFactory()
    rows = [
        {"school": schools[0].registration_number, **GOOD},                                     # line 2: good
        {"school": schools[1].registration_number, **answers(pupils="many", classrooms_covered=40)},  # line 3
        {"school": foreign.registration_number, **GOOD},                                         # line 4
        {"school": schools[0].registration_number, **GOOD},                                     # line 5: twice
        {"school": "", **answers(staff=None)},                                                   # line 6
        {"school": schools[2].registration_number, **answers(uplink_technology="pigeon")},        # line 7
    ]
    data = csv_of(rows) if kind == "csv" else xlsx_of(rows)
    error = refused(lambda: survey_import.import_answers(session, manager(*schools), round_, data, "f", today=DAY))
    assert error.code == "invalid_input"
    assert [(d["line"], d["field"], d["reason"]) for d in error.details] == [
        (3, "classrooms_covered", "inconsistent"), (3, "pupils", "not_a_number"),
        (4, "school", "not_found"), (5, "school", "duplicate"),
        (6, "school", "required"), (6, "staff", "required"),
        (7, "uplink_technology", "unknown_choice")]
    assert all(d["message"] for d in error.details)
    assert session.query(SurveyAnswer).count() == 0


def test_the_header_and_the_empty_file(session, round_, founder_schools):
    _, schools = founder_schools
    scope = manager(*schools)
    bad = refused(lambda: survey_import.import_answers(session, scope, round_, b"reg;pupils;colour\n1;2;3\n", "f",
                                                       today=DAY))
    assert [(d["line"], d["field"], d["reason"]) for d in bad.details] == [
        (1, "reg", "unknown_question"), (1, "colour", "unknown_question"), (1, "school", "required")]
    assert refused(lambda: survey_import.import_answers(session, scope, round_, b"", "f", today=DAY)).code == \
        "invalid_input"
    only_header = refused(lambda: survey_import.import_answers(session, scope, round_, b"school;pupils\n", "f",
                                                               today=DAY))
    assert only_header.details[0]["line"] == 2


def test_the_caps_and_the_deadline(session, round_, founder_schools, monkeypatch):
    _, schools = founder_schools
    scope = manager(*schools)
    data = csv_of([{"school": schools[0].registration_number, **GOOD}])
    late = refused(lambda: survey_import.import_answers(session, scope, round_, data, "f", today=date(2026, 4, 1)))
    assert late.code == "conflict"
    monkeypatch.setattr(survey_import, "MAX_ROWS", 1)
    two = csv_of([{"school": s.registration_number, **GOOD} for s in schools[:2]])
    assert refused(lambda: survey_import.import_answers(session, scope, round_, two, "f", today=DAY)).code == \
        "too_large"
    monkeypatch.setattr(survey_import, "MAX_BYTES", 100)
    assert refused(lambda: survey_import.import_answers(session, scope, round_, data, "f", today=DAY)).code == \
        "too_large"
    assert session.query(SurveyAnswer).count() == 0
