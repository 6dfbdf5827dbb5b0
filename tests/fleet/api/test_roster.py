"""The roster API: GET /loans (a school's loans with their agreements' state, paged) and GET
/schools/{reg}/agreements/summary; bad filters refused as invalid_input naming the field, another
school's answer not_found."""

from __future__ import annotations

from datetime import timedelta

from fleet.models import Agreement, utcnow
from tests.conftest import error_code
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory


def lend(api, school, session, grade="7.b", **pupil) -> dict:
    session.commit()
    r = api.post("loans", json={"device": DeviceFactory(status="at_school", school=school).serial,
                                "pupil": PupilFactory(school=school, grade=grade, **pupil).id, "accessories": []})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_the_roster_lists_a_schools_loans_with_their_agreements(it, api, school, session):
    first = lend(it, school, session, given_name="Līga", family_name="Ozoliņa")
    second = lend(it, school, session, grade="5.a", given_name="Jānis", family_name="Bērziņš")
    agreement = session.query(Agreement).filter_by(number=second["agreement"]["number"]).one()
    agreement.status, agreement.method, agreement.signed_at = "signed", "link", utcnow()
    agreement.signer_name, agreement.signer_is_guardian, agreement.signer_relationship = "Vera", False, "vecmāmiņa"
    first_agreement = session.query(Agreement).filter_by(number=first["agreement"]["number"]).one()
    first_agreement.created_at = utcnow() - timedelta(days=9)
    session.commit()

    r = it.get("loans")  # school IT of one school: its school without asking
    assert r.status_code == 200
    items = r.get_json()["items"]
    assert [i["id"] for i in items] == [second["id"], first["id"]]  # 5.a, then 7.b
    signed, awaiting = items
    assert signed["agreement"]["state"] == "signed_link" and signed["agreement"]["signer_is_guardian"] is False
    assert signed["agreement"]["signer_relationship"] == "vecmāmiņa" and signed["agreement"]["age_days"] is None
    assert awaiting["agreement"]["state"] == "awaiting_signature" and awaiting["agreement"]["age_days"] == 9
    assert awaiting["pupil"]["given_name"] == "Līga" and awaiting["pupil"]["grade"] == "7.b"
    assert awaiting["device"]["serial"] == first["device"] and awaiting["agreement"]["reminders"] == 0

    assert [i["id"] for i in api.get(f"loans?school={school.registration_number}&state=signed")
            .get_json()["items"]] == [second["id"]]
    assert [i["id"] for i in it.get("loans?class=7.b").get_json()["items"]] == [first["id"]]
    page = it.get("loans?limit=1").get_json()
    assert len(page["items"]) == 1 and page["next"]
    rest = it.get(f"loans?limit=1&after={page['next']}").get_json()
    assert [i["id"] for i in rest["items"]] == [first["id"]] and rest["next"] is None

    s = it.get(f"schools/{school.registration_number}/agreements/summary").get_json()
    assert s["states"] == {"awaiting_signature": 1, "signed": 1, "signed_link": 1, "signed_desk": 0,
                           "signed_paper": 0, "void": 0}
    assert s["awaiting_by_age"] == {"under_7": 0, "from_7_to_30": 1, "over_30": 0}
    assert (s["total"], s["active"], s["signer_differs"], s["reminded"]) == (2, 2, 1, 0)
    assert it.get(f"schools/{school.registration_number}/agreements/summary?class=5.a").get_json()["total"] == 1


def test_bad_filters_are_invalid_input_naming_the_field(it, school, session):
    lend(it, school, session)
    r = it.get("loans?state=unsigned")
    assert error_code(r) == "invalid_input" and r.status_code == 400
    (detail,) = r.get_json()["error"]["details"]
    assert detail["field"] == "state" and "signed_paper" in detail["message"]
    for query, field in (("class=" + "x" * 11, "class"), ("after=bm90IGEgY3Vyc29y", "after"), ("after=%%", "after"),
                         ("limit=0", "limit"), ("school=", "school")):
        r = it.get(f"loans?{query}")
        assert error_code(r) == "invalid_input", (query, r.get_json())
        assert r.get_json()["error"]["details"][0]["field"] == field, query


def test_an_admin_names_the_school(api, school, session):
    r = api.get("loans")
    assert error_code(r) == "invalid_input" and r.get_json()["error"]["details"][0]["field"] == "school"


def test_another_schools_roster_is_not_found(it, api_as, school, session):
    elsewhere = SchoolFactory()
    theirs = lend(api_as("school_it", school=elsewhere), elsewhere, session)
    mine = lend(it, school, session)
    assert error_code(it.get(f"loans?school={elsewhere.registration_number}")) == "not_found"
    assert error_code(it.get(f"schools/{elsewhere.registration_number}/agreements/summary")) == "not_found"
    assert error_code(it.get("schools/NOSUCH/agreements/summary")) == "not_found"
    assert [i["id"] for i in it.get("loans").get_json()["items"]] == [mine["id"]]
    assert theirs["id"] != mine["id"]
    for role in ("warehouse", "ministry", "founder_manager", "auditor"):
        assert error_code(api_as(role).get(f"loans?school={school.registration_number}")) == "forbidden"
