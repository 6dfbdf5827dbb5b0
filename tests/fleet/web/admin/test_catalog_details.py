"""/admin/founders and /admin/schools: a founder's registration number and address, a school's address and
phone, added with the form, shown in the list, changed (``?edit=``) and cleared; bad values marked on the form
with nothing saved."""

from __future__ import annotations

from fleet.models import Founder, School
from tests.factories import FounderFactory, SchoolFactory
from tests.fleet.web.admin.forms import as_role, code_of, invalid_fields, post


def fresh(session, model, **where):
    session.commit()
    session.expire_all()
    return session.query(model).filter_by(**where).one()


def test_an_admin_adds_a_founder_with_its_registration_number_and_address(app, session):
    client = as_role(app, "admin")
    r = post(client, "/admin/founders", {"code": "RIGA", "name": "Rīgas valstspilsētas pašvaldība",
                                         "registration_number": "90011524360", "address": "Rātslaukums 1, Rīga"})
    assert r.status_code == 303
    page = client.get("/admin/founders").get_data(as_text=True)
    assert "<td>90011524360</td>" in page and "<td>Rātslaukums 1, Rīga</td>" in page
    founder = fresh(session, Founder, code="RIGA")
    assert (founder.registration_number, founder.address) == ("90011524360", "Rātslaukums 1, Rīga")


def test_a_founder_is_changed_on_the_same_page(app, session):
    FounderFactory(code="RIGA", name="Rīga")
    client = as_role(app, "admin")
    page = client.get("/admin/founders?edit=RIGA").get_data(as_text=True)
    assert 'name="edit" value="RIGA"' in page and 'value="Rīga"' in page and 'name="code"' not in page
    assert 'id="edit-note"' in page
    r = post(client, "/admin/founders", {"edit": "RIGA", "name": "Rīgas valstspilsētas pašvaldība",
                                         "registration_number": "90011524360", "address": "Rātslaukums 1, Rīga"})
    assert r.status_code == 303
    founder = fresh(session, Founder, code="RIGA")
    assert (founder.name, founder.registration_number) == ("Rīgas valstspilsētas pašvaldība", "90011524360")
    r = post(client, "/admin/founders", {"edit": "RIGA", "name": "Rīgas valstspilsētas pašvaldība",
                                         "registration_number": "", "address": ""})  # emptied: cleared
    assert r.status_code == 303
    founder = fresh(session, Founder, code="RIGA")
    assert (founder.registration_number, founder.address) == (None, None)
    assert client.get("/admin/founders?edit=NOPE").status_code == 404


def test_a_bad_registration_number_is_marked_and_nothing_saved(app, session):
    FounderFactory(code="RIGA", name="Rīga", address="Rātslaukums 1")
    client = as_role(app, "admin")
    r = post(client, "/admin/founders", {"edit": "RIGA", "name": "Rīga", "registration_number": "9001152436",
                                         "address": "Cita iela 2"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and code_of(body) == "invalid_input"
    assert invalid_fields(body) == {"registration_number"}
    assert "11 ciparu reģistrācijas numuram" in body and 'value="Cita iela 2"' in body  # as typed, in Latvian
    assert fresh(session, Founder, code="RIGA").address == "Rātslaukums 1"
    r = post(client, "/admin/founders", {"code": "NEW", "name": "Jauns", "registration_number": "LV900"})
    assert r.status_code == 400 and invalid_fields(r.get_data(as_text=True)) == {"registration_number"}
    assert session.query(Founder).filter_by(code="NEW").count() == 0


def test_a_school_with_its_address_and_phone_added_and_changed(app, session):
    FounderFactory(code="RIGA")
    client = as_role(app, "admin")
    r = post(client, "/admin/schools", {"registration_number": "3113900701", "name": "Rīgas Purvciema vidusskola",
                                        "founder": "RIGA", "address": "Dzelzavas iela 90, Rīga",
                                        "phone": "+371 67 000 011"})
    assert r.status_code == 303
    page = client.get("/admin/schools").get_data(as_text=True)
    assert "<td>Dzelzavas iela 90, Rīga</td>" in page and 'href="tel:+37167000011">+371 67 000 011</a>' in page
    page = client.get("/admin/schools?edit=3113900701").get_data(as_text=True)
    assert 'value="+371 67 000 011"' in page and 'name="founder"' not in page
    r = post(client, "/admin/schools", {"edit": "3113900701", "name": "Rīgas Purvciema vidusskola",
                                        "address": "Dzelzavas iela 90, Rīga, LV-1084", "phone": "67000011"})
    assert r.status_code == 303
    school = fresh(session, School, registration_number="3113900701")
    assert (school.address, school.phone) == ("Dzelzavas iela 90, Rīga, LV-1084", "67000011")


def test_a_bad_phone_is_marked_in_english_too_and_nothing_saved(app, session):
    school = SchoolFactory(phone="67000011")
    client = as_role(app, "admin")
    client.set_cookie("lang", "en")
    r = post(client, "/admin/schools", {"edit": school.registration_number, "name": school.name,
                                        "address": "Jauna iela 1", "phone": "call me"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and invalid_fields(body) == {"phone"}
    assert "must be a phone number" in body and 'value="call me"' in body
    school = fresh(session, School, registration_number=school.registration_number)
    assert (school.phone, school.address) == ("67000011", None)


def test_only_admins_change_the_catalog(app, session):
    school = SchoolFactory()
    client = as_role(app, "school_it", school=school)
    r = post(client, "/admin/schools", {"edit": school.registration_number, "name": "X", "phone": "67000011"})
    assert r.status_code == 403
    assert fresh(session, School, registration_number=school.registration_number).phone is None
