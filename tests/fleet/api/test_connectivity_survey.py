"""The connectivity survey through the API: the questionnaire in the caller's language, rounds opened and changed,
a round filled in for several schools (drafts, submissions, versions, the history), bad answers refused field by
field with their codes, the deadline, each role's reach, and a founder's file imported."""

from __future__ import annotations

import io

from openpyxl import Workbook

from fleet.models import SurveyAnswer
from tests.conftest import error_code
from tests.factories import DeviceFactory, FounderFactory, SchoolFactory, UserFactory
from tests.fleet.connectivity.answers import GOOD, answers

OPEN = {"code": "2025", "title": "Aptauja 2025", "opens_on": "2024-01-08", "deadline": "2099-06-30"}
CLOSED = {"code": "2020", "title": "Aptauja 2020", "opens_on": "2020-01-06", "deadline": "2020-03-31"}


def put(api, path, json):
    return api.client.put(api._url(path), json=json, headers=api.headers)


def opened(api_as, body=OPEN):
    r = api_as("ministry").post("connectivity/rounds", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_the_questionnaire_in_the_callers_language(api):
    en = api.get("connectivity/questionnaire").get_json()["items"]
    lv = api.client.get(api._url("connectivity/questionnaire"), headers={**api.headers, "Accept-Language": "lv"})
    by_key = {q["key"]: q for q in en}
    assert list(by_key)[:2] == ["uplink_technology", "provider"]
    assert by_key["contracted_down_mbps"] == {
        "key": "contracted_down_mbps", "section": "uplink", "section_label": "The internet connection (uplink)",
        "label": "Contracted download speed", "kind": "number", "unit": "Mbit/s", "low": 0.1, "high": 100_000,
        "longest": None, "choices": [], "required": True, "needed_if": None, "hint": None}
    assert by_key["backup_technology"]["needed_if"] == "backup_line"
    assert {"code": "fibre", "label": "fibre"} in by_key["uplink_technology"]["choices"]
    assert lv.status_code == 200 and len(lv.get_json()["items"]) == len(en)


def test_rounds_opened_listed_and_changed(api_as):
    made = opened(api_as, {**OPEN, "budget": "250000.5"})
    assert made == {"code": "2025", "title": "Aptauja 2025", "opens_on": "2024-01-08", "deadline": "2099-06-30",
                    "budget": "250000.50", "open": True}
    opened(api_as, CLOSED)
    ministry = api_as("ministry")
    assert [r["code"] for r in api_as("auditor").get("connectivity/rounds").get_json()["items"]] == ["2025", "2020"]
    assert error_code(ministry.post("connectivity/rounds", json=OPEN)) == "duplicate"
    bad = ministry.post("connectivity/rounds", json={**OPEN, "code": "x", "deadline": "2023-01-01"})
    assert (bad.status_code, [d["field"] for d in bad.get_json()["error"]["details"]]) == (400, ["deadline"])
    changed = ministry.patch("connectivity/rounds/2025", json={"title": "Aptauja", "budget": None})
    assert (changed.get_json()["title"], changed.get_json()["budget"]) == ("Aptauja", None)
    assert ministry.patch("connectivity/rounds/2025", json={"budget": "10"}).get_json()["budget"] == "10.00"
    assert ministry.patch("connectivity/rounds/2025", json={"title": "x"}).get_json()["budget"] == "10.00"
    assert error_code(ministry.patch("connectivity/rounds/1999", json={})) == "not_found"
    assert api_as("school_it", school=SchoolFactory()).post("connectivity/rounds", json=OPEN).status_code == 403


def test_a_round_filled_in_for_several_schools(api_as, api, count):
    opened(api_as)
    founder = FounderFactory()
    a, b, c = (SchoolFactory(founder=founder, name=f"{n} skola") for n in "ABC")
    DeviceFactory(status="at_school", school=a)
    DeviceFactory(status="on_loan", school=a)
    it_a = api_as("school_it", school=a)
    path = f"connectivity/rounds/2025/schools/{a.registration_number}"
    assert it_a.get(path).get_json() | {"name": None} == {
        "round": "2025", "school": a.registration_number, "name": None, "status": "none", "version": None,
        "saved_at": None, "saved_by": None, "source": None, "answers": {}, "laptops": 2, "open": True}
    draft = put(it_a, path, {"answers": {"pupils": "420", "provider": "Tet"}, "submit": False}).get_json()
    assert (draft["status"], draft["version"], draft["answers"]) == ("draft", 1, {"pupils": 420, "provider": "Tet"})
    submitted = put(it_a, path, {"answers": GOOD, "submit": True})
    assert (submitted.status_code, submitted.get_json()["status"], submitted.get_json()["version"]) == (
        200, "submitted", 2)
    assert put(it_a, path, {"answers": GOOD, "submit": True}).get_json()["version"] == 2  # nothing changed
    manager = api_as(user=UserFactory(role="founder_manager", founders=[founder]))
    b_path = f"connectivity/rounds/2025/schools/{b.registration_number}"
    assert put(manager, b_path, {"answers": answers(pupils=90), "submit": True}).get_json()["version"] == 1
    assert put(api, b_path, {"answers": answers(pupils=95), "submit": True}).get_json()["version"] == 2
    history = it_a.get(path + "/history").get_json()["items"]
    assert [(h["version"], h["status"]) for h in history] == [(2, "submitted"), (1, "draft")]
    progress = {s["school"]: s for s in manager.get("connectivity/rounds/2025/schools").get_json()["items"]}
    assert {reg: (s["status"], s["version"], s["laptops"]) for reg, s in progress.items()} == {
        a.registration_number: ("submitted", 2, 2), b.registration_number: ("submitted", 2, 0),
        c.registration_number: ("none", None, 0)}
    assert progress[b.registration_number]["saved_by"] != progress[a.registration_number]["saved_by"]
    mine = it_a.get("connectivity/rounds/2025/schools").get_json()["items"]
    assert [s["school"] for s in mine] == [a.registration_number]
    by_founder = api_as("ministry").get(f"connectivity/rounds/2025/schools?founder={founder.code}").get_json()
    assert len(by_founder["items"]) == 3
    assert error_code(manager.get("connectivity/rounds/2025/schools?founder=NOPE")) == "not_found"
    assert count(SurveyAnswer) == 4


def test_bad_answers_refused_field_by_field(api_as, count):
    opened(api_as)
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    path = f"connectivity/rounds/2025/schools/{school.registration_number}"
    r = put(it, path, {"answers": answers(uplink_technology="pigeon", pupils=0, classrooms=10,
                                          classrooms_covered=12, staff=None, switches=2.5, colour="blue"),
                       "submit": True})
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    details = r.get_json()["error"]["details"]
    assert [(d["field"], d["reason"]) for d in details] == [
        ("colour", "unknown_question"), ("uplink_technology", "unknown_choice"), ("switches", "not_whole"),
        ("classrooms_covered", "inconsistent"), ("pupils", "out_of_range"), ("staff", "required")]
    assert all(d["message"] for d in details)
    lv = it.client.put(it._url(path), json={"answers": {"pupils": "daudz"}}, headers={**it.headers,
                                                                                    "Accept-Language": "lv"})
    assert lv.get_json()["error"]["details"][0]["reason"] == "not_a_number"
    assert put(it, path, {"answers": {"pupils": [1]}}).status_code == 400  # not an answer's type
    assert put(it, path, {"answers": GOOD, "extra": 1}).status_code == 400
    assert count(SurveyAnswer) == 0


def test_after_the_deadline_a_conflict(api_as, count):
    opened(api_as, CLOSED)
    school = SchoolFactory()
    it = api_as("school_it", school=school)
    r = put(it, f"connectivity/rounds/2020/schools/{school.registration_number}", {"answers": GOOD, "submit": True})
    assert (r.status_code, error_code(r)) == (409, "conflict")
    assert it.get(f"connectivity/rounds/2020/schools/{school.registration_number}").get_json()["open"] is False
    assert count(SurveyAnswer) == 0


def test_roles_reach(api_as):
    opened(api_as)
    founder = FounderFactory()
    mine, sibling, foreign = SchoolFactory(founder=founder), SchoolFactory(founder=founder), SchoolFactory()
    it = api_as("school_it", school=mine)
    manager = api_as(user=UserFactory(role="founder_manager", founders=[founder]))

    def path(s):
        return f"connectivity/rounds/2025/schools/{s.registration_number}"

    assert error_code(it.get(path(sibling))) == "not_found"
    assert error_code(put(it, path(sibling), {"answers": GOOD})) == "not_found"
    assert error_code(put(manager, path(foreign), {"answers": GOOD})) == "not_found"
    assert error_code(manager.get(path(foreign) + "/history")) == "not_found"
    assert put(manager, path(sibling), {"answers": GOOD}).status_code == 200
    for role in ("ministry", "auditor"):
        reader = api_as(role)
        assert reader.get(path(sibling)).get_json()["status"] == "draft"
        assert put(reader, path(sibling), {"answers": GOOD}).status_code == 403
    assert put(api_as("warehouse"), path(mine), {"answers": GOOD}).status_code == 403
    assert api_as("warehouse").get("connectivity/rounds").status_code == 403
    assert error_code(it.get("connectivity/rounds/1999/schools")) == "not_found"


def _xlsx(rows):
    book = Workbook()
    book.active.append(["school", *GOOD])
    for reg, values in rows:
        book.active.append([reg, *(values.get(k) for k in GOOD)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_founders_file_imported(api_as, count):
    opened(api_as)
    founder = FounderFactory()
    a, b = SchoolFactory(founder=founder), SchoolFactory(founder=founder)
    foreign = SchoolFactory()
    manager = api_as(user=UserFactory(role="founder_manager", founders=[founder]))
    bad = _xlsx([(a.registration_number, GOOD), (foreign.registration_number, GOOD),
                 (b.registration_number, answers(pupils=-1))])
    r = manager.post("connectivity/rounds/2025/import", data={"file": (io.BytesIO(bad), "novads.xlsx")},
                     content_type="multipart/form-data")
    assert r.status_code == 400
    assert [(d["line"], d["field"], d["reason"]) for d in r.get_json()["error"]["details"]] == [
        (3, "school", "not_found"), (4, "pupils", "out_of_range")]
    assert count(SurveyAnswer) == 0
    good = _xlsx([(a.registration_number, GOOD), (b.registration_number, answers(pupils=12))])
    r = manager.post("connectivity/rounds/2025/import", data={"file": (io.BytesIO(good), "novads.xlsx")},
                     content_type="multipart/form-data")
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"imported": 2, "schools": [
        {"school": a.registration_number, "version": 1, "status": "submitted"},
        {"school": b.registration_number, "version": 1, "status": "submitted"}]}
    history = manager.get(f"connectivity/rounds/2025/schools/{b.registration_number}/history").get_json()["items"]
    assert history[0]["source"] == "import" and history[0]["saved_by"].endswith("(import: novads.xlsx)")
    assert history[0]["answers"]["pupils"] == 12
    assert error_code(manager.post("connectivity/rounds/2025/import", data={},
                                   content_type="multipart/form-data")) == "invalid_input"
