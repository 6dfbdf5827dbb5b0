"""The finder's page, /d/<tag>: the owner in correct Latvian (the founder in the dative where certain),
the school's address and phone, and for a laptop reported lost or stolen the "I found it" form — which
reaches the school's desk and the device's page, is throttled per address, refuses bad input with a
code and keeps nothing then, and never shows a pupil."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from fleet import found_reports
from fleet.access.policy import Principal, Scope
from fleet.errors import FleetError
from fleet.models import FoundReport
from fleet.web.finder import dative
from tests.factories import DeviceFactory, FounderFactory, PupilFactory, SchoolFactory
from tests.page_routes import client_as


def csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def text(body: str) -> str:
    """The page's words without tags, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"</?strong>", "", body)).split())


def reports(session) -> int:
    session.commit()  # (a new transaction: what the app committed meanwhile)
    return session.scalar(select(func.count()).select_from(FoundReport))


@pytest.mark.parametrize("name, expected", [
    ("Rīgas valstspilsētas pašvaldība", "Rīgas valstspilsētas pašvaldībai"),
    ("Dienvidkurzemes novada pašvaldība", "Dienvidkurzemes novada pašvaldībai"),
    ("Jūrmalas pilsētas dome", "Jūrmalas pilsētas domei"),
    ("RĒZEKNES NOVADA Pašvaldība", "RĒZEKNES NOVADA Pašvaldībai"),
    ("Izglītības un zinātnes ministrija", None), ("SIA Skolu fonds", None), ("", None), (None, None),
])
def test_the_dative_of_a_founders_name(name, expected):
    assert dative(name) == expected


def test_the_owner_in_latvian_in_the_dative_and_in_english(client, session):
    riga = FounderFactory(name="Rīgas valstspilsētas pašvaldība")
    school = SchoolFactory(name="Rīgas Purvciema vidusskola", founder=riga,
                           address="Dzelzavas iela 90, Rīga, LV-1084", phone="+371 67 000 011")
    device = DeviceFactory(status="at_school", school=school)
    lv = text(client.get(f"/d/{device.asset_tag}?lang=lv").get_data(as_text=True))
    assert "Šis portatīvais dators pieder Rīgas valstspilsētas pašvaldībai." in lv
    assert "Skola Rīgas Purvciema vidusskola Adrese Dzelzavas iela 90, Rīga, LV-1084 Tālrunis +371 67 000 011" in lv
    assert "pašvaldība." not in lv and "Ja esat to atradis(-usi), lūdzu" in lv
    en = text(client.get(f"/d/{device.asset_tag}?lang=en").get_data(as_text=True))
    assert "This laptop belongs to Rīgas valstspilsētas pašvaldība." in en
    assert "Address Dzelzavas iela 90, Rīga, LV-1084 Phone +371 67 000 011" in en
    body = client.get(f"/d/{device.asset_tag}").get_data(as_text=True)
    assert 'href="tel:+37167000011"' in body and 'id="found-form"' not in body


def test_a_founder_without_a_certain_dative_and_a_school_without_address(client, session):
    school = SchoolFactory(name="Valsts ģimnāzija", founder=FounderFactory(name="Izglītības un zinātnes ministrija"))
    device = DeviceFactory(status="at_school", school=school)
    body = client.get(f"/d/{device.asset_tag}?lang=lv").get_data(as_text=True)
    assert "Šī portatīvā datora īpašnieks: Izglītības un zinātnes ministrija." in text(body)
    assert 'id="school-address"' not in body and 'id="school-phone"' not in body
    assert "Valsts ģimnāzija" in body


@pytest.mark.parametrize("status, words", [("lost", "Šis dators ir pieteikts kā pazaudēts"),
                                           ("stolen", "Šis dators ir pieteikts kā nozagts")])
def test_a_lost_laptop_shows_the_notice_and_the_form_never_the_pupil(client, session, status, words):
    school = SchoolFactory()
    pupil = PupilFactory(school=school, given_name="Ērika", family_name="Ņikitina", guardian_name="Anna Ņikitina")
    device = DeviceFactory(status="at_school", school=school)
    from fleet.lending import loans
    loans.hand_over(session, Scope.of(Principal(0, "t", "admin")), loans.HandOver(device.serial, pupil.id), "http://x")
    session.commit()
    from fleet import lifecycle
    lifecycle.apply(session, device, "report_lost" if status == "lost" else "report_stolen",
                    {"police_report": "VP-1"} if status == "stolen" else {}, "t")
    session.commit()
    body = client.get(f"/d/{device.asset_tag}?lang=lv").get_data(as_text=True)
    assert words in text(body) and 'id="found-form"' in body and 'name="csrf_token"' in body
    assert "Ņikitina" not in body and "Ērika" not in body and pupil.register_id not in body


def _send(client, device, message="Atradu to autobusa pieturā pie skolas.", contact="+371 29 000 000",
          address="203.0.113.7", lang="lv"):
    path = f"/d/{device.asset_tag}"
    return client.post(f"{path}?lang={lang}", data={"csrf_token": csrf(client, path), "message": message,
                                                    "contact": contact}, environ_base={"REMOTE_ADDR": address})


def test_i_found_it_reaches_the_schools_desk_and_device_page_and_not_elsewhere(app, client, session):
    school = SchoolFactory()
    device = DeviceFactory(status="lost", school=school)
    r = _send(client, device)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/d/{device.asset_tag}?sent=1#thanks")
    assert 'id="thanks"' in client.get(r.headers["Location"]).get_data(as_text=True)
    found = session.scalar(select(FoundReport))
    assert (found.device_id, found.school_id, found.contact) == (device.id, school.id, "+371 29 000 000")
    assert len(found.address) == 64 and "203.0.113.7" not in found.address
    own = client_as(app, "school_it", school).get(f"/devices/{device.asset_tag}").get_data(as_text=True)
    assert 'id="found-reports"' in own and "autobusa pieturā" in own and "+371 29 000 000" in own
    admin = client_as(app, "admin").get(f"/devices/{device.asset_tag}").get_data(as_text=True)
    assert "autobusa pieturā" in admin
    warehouse = client_as(app, "warehouse").get(f"/devices/{device.asset_tag}").get_data(as_text=True)
    assert 'id="found-reports"' not in warehouse and "autobusa pieturā" not in warehouse
    elsewhere = client_as(app, "school_it", SchoolFactory())
    assert elsewhere.get(f"/devices/{device.asset_tag}").status_code == 404
    assert "autobusa pieturā" not in elsewhere.get(f"/d/{device.asset_tag}").get_data(as_text=True)
    own_scope = Scope.of(Principal(1, "it", "school_it", frozenset({school.id})))
    other_scope = Scope.of(Principal(2, "it2", "school_it", frozenset({school.id + 1000})))
    assert [x.id for x in found_reports.unhandled(session, own_scope)] == [found.id]
    assert found_reports.unhandled(session, other_scope) == []
    if "web.desk" in app.view_functions:
        desk = client_as(app, "school_it", school).get("/desk").get_data(as_text=True)
        assert "autobusa pieturā" in desk


@pytest.mark.parametrize("message, contact, code, field", [
    ("", "", "invalid_input", "message"), ("   ", "x", "invalid_input", "message"),
    ("x" * 1001, "", "invalid_input", "message"), ("Atradu.", "y" * 201, "invalid_input", "contact"),
])
def test_bad_input_is_refused_with_a_code_and_nothing_is_kept(client, session, message, contact, code, field):
    device = DeviceFactory(status="stolen")
    r = _send(client, device, message=message, contact=contact)
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and f'data-code="{code}"' in body and f"[{code}]" in body
    assert reports(session) == 0
    assert ("y" * 201 in body) is (field == "contact")  # what was typed stays in the form


def test_a_laptop_not_reported_lost_takes_no_report_and_a_form_needs_its_token(client, session):
    device = DeviceFactory(status="at_school")
    r = _send(client, device)
    assert r.status_code == 409 and 'data-code="conflict"' in r.get_data(as_text=True) and reports(session) == 0
    lost = DeviceFactory(status="lost")
    r = client.post(f"/d/{lost.asset_tag}", data={"message": "Atradu."})
    assert r.status_code == 403 and reports(session) == 0
    assert client.post("/d/DIB-999999-X", data={"csrf_token": csrf(client, "/login"), "message": "x"}).status_code \
        == 404


def test_three_reports_an_hour_from_one_address(client, session):
    devices = [DeviceFactory(status="lost") for _ in range(2)]
    for i in range(3):
        assert _send(client, devices[i % 2], message=f"Atradu {i}.").status_code == 303
    r = _send(client, devices[1], message="Vēl viens.", lang="en")
    body = r.get_data(as_text=True)
    assert r.status_code == 429 and 'data-code="throttled"' in body and "too many messages" in body
    assert reports(session) == 3
    other = _send(client, devices[1], message="No citas adreses.", address="198.51.100.9")
    assert other.status_code == 303, other.get_data(as_text=True)[-1500:]
    assert reports(session) == 4


def test_a_report_is_handled_by_its_school_only(session):
    school = SchoolFactory()
    device = DeviceFactory(status="lost", school=school)
    found = found_reports.report(session, device, "Atradu.", None, found_reports.address_key("192.0.2.1", "k"))
    other = Scope.of(Principal(2, "it2", "school_it", frozenset({school.id + 1000})))
    with pytest.raises(FleetError) as e:
        found_reports.handle(session, other, found.id, "it2")
    assert e.value.code == "not_found" and found.handled_at is None
    own = Scope.of(Principal(1, "skolas-it", "school_it", frozenset({school.id})))
    assert found_reports.handle(session, own, found.id, "skolas-it").handled_by == "skolas-it"
    assert found_reports.unhandled(session, own) == [] and found_reports.for_device(session, device.id) == [found]


def test_the_school_marks_a_report_handled_on_the_device_page(app, client, session):
    school = SchoolFactory()
    device = DeviceFactory(status="lost", school=school)
    assert _send(client, device).status_code == 303
    found = session.scalar(select(FoundReport))
    own = client_as(app, "school_it", school)
    page = f"/devices/{device.asset_tag}"
    assert f'id="handled-{found.id}"' in own.get(page).get_data(as_text=True)
    elsewhere = client_as(app, "school_it", SchoolFactory())
    r = elsewhere.post(f"{page}/found-reports/handled", data={"csrf_token": csrf(elsewhere, "/"), "report": found.id})
    assert r.status_code == 404
    r = own.post(f"{page}/found-reports/handled", data={"csrf_token": csrf(own, page), "report": found.id})
    assert r.status_code == 303 and r.headers["Location"] == f"{page}#found-reports"
    session.commit()
    session.refresh(found)
    assert found.handled_by and found.handled_at is not None
    body = own.get(page).get_data(as_text=True)
    assert 'data-handled="yes"' in body and f'id="handled-{found.id}"' not in body
    own_scope = Scope.of(Principal(1, "it", "school_it", frozenset({school.id})))
    assert found_reports.unhandled(session, own_scope) == []
