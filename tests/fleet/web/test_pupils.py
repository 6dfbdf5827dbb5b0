"""The pupils' pages: the class list in register order with the groups in the page's language, search,
a pupil seen and changed, added, and the school register's export imported through the form; another
school's pupils are not found; every view in the access log."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from fleet.models import AccessLogEntry, Pupil
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory
from tests.page_routes import client_as

HEADER = ("Skolēna ID;Vārds;Uzvārds;Klase;Likumiskais pārstāvis;Likumiskā pārstāvja e-pasts;Tālrunis;"
          "Mērķa grupa;Personas kods")


def csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def names(body: str) -> list[str]:
    return re.findall(r'class="name">([^<]+)</a>', body)


def test_the_class_in_register_order_with_the_groups_in_the_pages_language(app, session):
    school = SchoolFactory()
    for family, given, group in [("Šmits", "Jānis", "large_family"), ("Ābele", "Līga", "low_income"),
                                 ("Abele", "Zane", None), ("Čakste", "Ērika", "disability"),
                                 ("Cīrulis", "Ēriks", "large_family")]:
        PupilFactory(school=school, grade="7.b", family_name=family, given_name=given, eligibility=group)
    PupilFactory(school=school, grade="10.a")
    PupilFactory(school=school, grade="2.c")
    client = client_as(app, "school_it", school)
    body = client.get("/pupils?class=7.b&lang=lv").get_data(as_text=True)
    assert names(body) == ["Abele Zane", "Ābele Līga", "Cīrulis Ēriks", "Čakste Ērika", "Šmits Jānis"]
    assert "Daudzbērnu ģimene" in body and "Trūcīga ģimene" in body
    assert re.findall(r'data-class="([^"]+)"', body) == ["2.c", "7.b", "10.a"]
    reg = school.registration_number
    assert f'href="/desk/handout?school={reg}&amp;class=7.b"' in body
    english = client.get("/pupils?class=7.b&lang=en").get_data(as_text=True)
    assert "Large family" in english and "Daudzbērnu" not in english
    logged = session.scalars(select(AccessLogEntry.what).where(AccessLogEntry.event == "personal_data")).all()
    assert "GET /pupils" in logged


def test_search_by_name_without_diacritics_or_by_register_id(app, session):
    school = SchoolFactory()
    PupilFactory(school=school, grade="5.a", given_name="Ērika", family_name="Bērziņa", register_id="R-77")
    PupilFactory(school=school, grade="6.a", given_name="Jānis", family_name="Kalniņš")
    PupilFactory(school=SchoolFactory(), given_name="Ērika", family_name="Bērziņa")
    client = client_as(app, "school_it", school)
    assert names(client.get("/pupils?q=berzina").get_data(as_text=True)) == ["Bērziņa Ērika"]
    assert names(client.get("/pupils?q=ERIKA BĒRZ").get_data(as_text=True)) == ["Bērziņa Ērika"]
    assert names(client.get("/pupils?q=r-77").get_data(as_text=True)) == ["Bērziņa Ērika"]
    assert 'id="nothing-found"' in client.get("/pupils?q=Ozols").get_data(as_text=True)


def test_another_schools_pupils_are_not_found(app, session):
    school, other = SchoolFactory(), SchoolFactory()
    pupil = PupilFactory(school=other)
    client = client_as(app, "school_it", school)
    for path in (f"/pupils/{pupil.id}", f"/pupils?school={other.registration_number}",
                 f"/pupils/import?school={other.registration_number}"):
        r = client.get(path)
        assert r.status_code == 404 and 'data-code="not_found"' in r.get_data(as_text=True), path
    r = client.post(f"/pupils/{pupil.id}", data={"csrf_token": csrf(client, "/pupils"), "given_name": "X"})
    assert r.status_code == 404 and session.get(Pupil, pupil.id).given_name != "X"
    assert client_as(app, "warehouse").get("/pupils").status_code == 403


def test_a_pupil_is_seen_with_the_loans_and_changed_with_a_latvian_group_name(app, session, api_as):
    school = SchoolFactory()
    pupil = PupilFactory(school=school, grade="7.b", personal_code="320000-12345", eligibility=None)
    device = DeviceFactory(status="at_school", school=school)
    assert api_as("school_it", school=school).post("loans", json={"device": device.serial, "pupil": pupil.id,
                                                                  "accessories": []}).status_code == 201
    client = client_as(app, "school_it", school)
    body = client.get(f"/pupils/{pupil.id}?lang=lv").get_data(as_text=True)
    assert device.asset_tag in body and f'href="/devices/{device.asset_tag}"' in body
    assert "/desk/agreements" in body or "Klases līgumi" not in body  # the roster once it is there
    assert "320000-12345" in body  # inside the pupil's school
    admin_body = client_as(app, "admin").get(f"/pupils/{pupil.id}").get_data(as_text=True)
    assert "320000-12345" not in admin_body and 'name="personal_code"' not in admin_body
    form = {"csrf_token": csrf(client, f"/pupils/{pupil.id}"), "given_name": "Ērika", "family_name": "Ņikitina",
            "grade": "7.b", "guardian_name": "Anna Ņikitina", "guardian_email": "", "guardian_phone": "",
            "eligibility": "DAUDZBĒRNU ĢIMENE", "eligibility_basis": "", "eligibility_valid_until": "",
            "personal_code": "320000-12345"}
    r = client.post(f"/pupils/{pupil.id}", data=form)
    assert r.status_code == 303 and r.headers["Location"] == f"/pupils/{pupil.id}"
    session.expire_all()
    assert session.get(Pupil, pupil.id).eligibility == "large_family"
    assert session.get(Pupil, pupil.id).guardian_email is None


def test_a_bad_change_is_refused_field_by_field_and_changes_nothing(app, session):
    school = SchoolFactory()
    pupil = PupilFactory(school=school, given_name="Līga")
    client = client_as(app, "school_it", school)
    form = {"csrf_token": csrf(client, f"/pupils/{pupil.id}"), "given_name": "", "family_name": "Ozola",
            "grade": "7.b", "guardian_name": "Ilze Ozola", "guardian_email": "nav-adrese",
            "eligibility": "Bagāta ģimene"}
    r = client.post(f"/pupils/{pupil.id}?lang=lv", data=form)
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and 'data-code="invalid_input"' in body
    assert 'id="e-given_name"' in body and 'id="e-guardian_email"' in body and 'id="e-eligibility"' in body
    assert "nezināma grupa" in body and "&#34;Daudzbērnu ģimene&#34;" in body
    assert 'value="Ozola"' in body  # what was typed stays in the form
    session.expire_all()
    assert session.get(Pupil, pupil.id).given_name == "Līga"


def test_a_pupil_is_added(app, session):
    school = SchoolFactory()
    client = client_as(app, "school_it", school)
    page = client.get("/pupils/new?class=3.a").get_data(as_text=True)
    assert 'value="3.a"' in page and 'name="personal_code"' in page
    form = {"csrf_token": csrf(client, "/pupils/new"), "school": school.registration_number, "register_id": "N-1",
            "given_name": "Ārija", "family_name": "Čakste", "grade": "3.a", "guardian_name": "Žanna Čakste",
            "eligibility": "large_family"}
    r = client.post("/pupils/new", data=form)
    assert r.status_code == 303
    pupil = session.scalar(select(Pupil).where(Pupil.register_id == "N-1"))
    assert r.headers["Location"] == f"/pupils/{pupil.id}" and pupil.school_id == school.id
    again = client.post("/pupils/new", data=form)
    assert again.status_code == 409 and 'data-code="duplicate"' in again.get_data(as_text=True)


def test_an_admin_picks_the_school_first(app, session):
    school = SchoolFactory(name="Ābeļu pamatskola")
    PupilFactory(school=school, grade="1.a")
    client = client_as(app, "admin")
    body = client.get("/pupils").get_data(as_text=True)
    assert 'id="pick-school"' in body and "Ābeļu pamatskola" in body and 'id="classes"' not in body
    body = client.get(f"/pupils?school={school.registration_number}").get_data(as_text=True)
    assert 'data-class="1.a"' in body


def _upload(client, school, data: bytes, lang: str = "lv"):
    return client.post(f"/pupils/import?lang={lang}", data={
        "csrf_token": csrf(client, "/pupils/import"), "school": school.registration_number,
        "file": (io.BytesIO(data), "klase.csv")}, content_type="multipart/form-data")


def test_the_registers_windows_1257_export_imports_through_the_page(app, session):
    school = SchoolFactory()
    lines = [HEADER,
             "E1;Ārija;Ķēniņa;7.b;Ģirts Ķēniņš;girts@example.lv;+371 29123456;Daudzbērnu ģimene;",
             "E2;Čaba;Šņore;7.b;Žanna Šņore;;;trūcīga ģimene;",
             "E3;Ūna;Ļaudiņa;7.b;Ņina Ļaudiņa;;;Large family;"]
    client = client_as(app, "school_it", school)
    r = _upload(client, school, ("\r\n".join(lines) + "\r\n").encode("cp1257"))
    assert r.status_code == 303 and r.headers["Location"] == f"/pupils?school={school.registration_number}&class=7.b"
    body = client.get(r.headers["Location"] + "&lang=lv").get_data(as_text=True)
    assert "Importēts. Jauni skolēni: 3; atjaunināti: 0." in body
    assert names(body) == ["Ķēniņa Ārija", "Ļaudiņa Ūna", "Šņore Čaba"]


def test_bad_lines_are_listed_with_their_numbers_and_nothing_is_imported(app, session):
    school = SchoolFactory()
    lines = [HEADER, "E1;Anna;Bērziņa;7.b;Ilze Bērziņa;;;Daudzbērnu ģimene;",
             "E2;Jānis;;7.b;Ilze Bērziņa;;;Bagāta ģimene;"]
    client = client_as(app, "school_it", school)
    for lang, words in (("lv", ["3. rinda", "Uzvārds: nedrīkst būt tukšs", "Mērķa grupa: nezināma grupa"]),
                        ("en", ["line 3", "Uzvārds must not be empty", "unknown group", '"Large family"'])):
        r = _upload(client, school, "\n".join(lines).encode(), lang)
        body = r.get_data(as_text=True).replace("&#34;", '"')
        assert r.status_code == 400 and 'data-code="invalid_input"' in body
        assert all(w in body for w in words), (lang, [w for w in words if w not in body])
    assert session.scalars(select(Pupil).where(Pupil.school_id == school.id)).all() == []
    r = client.post("/pupils/import", data={"csrf_token": csrf(client, "/pupils/import"),
                                            "school": school.registration_number})
    assert r.status_code == 400 and 'data-code="invalid_input"' in r.get_data(as_text=True)
