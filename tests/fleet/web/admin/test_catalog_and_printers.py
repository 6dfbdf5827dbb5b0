"""/admin/founders, /admin/schools, /admin/contracts and /admin/printers with the Flask test client:
created through fleet.catalog and fleet.labelling.printers, refusals on the form with their field and
nothing saved, school IT keeping its own school's printers."""

from sqlalchemy import func, select

from fleet.labelling.printers import PrinterScope, save_printer
from fleet.models import Contract, Printer, School
from tests.factories import FounderFactory, SchoolFactory
from tests.fleet.web.admin.forms import as_role, code_of, invalid_fields, post


def _count(session, model) -> int:
    session.commit()
    return session.scalar(select(func.count()).select_from(model))


def test_an_admin_adds_a_founder_and_a_school(app, session):
    client = as_role(app, "admin")
    r = post(client, "/admin/founders", {"code": "KEKAVA", "name": "Ķekavas novada pašvaldība"})
    assert r.status_code == 303
    r = post(client, "/admin/schools", {"registration_number": "4312903421", "name": "Baložu vidusskola",
                                        "founder": "KEKAVA"})
    assert r.status_code == 303
    page = client.get("/admin/schools").get_data(as_text=True)
    assert 'data-ref="4312903421"' in page and "Ķekavas novada pašvaldība" in page and "Saglabāts: 4312903421." in page


def test_a_duplicate_school_is_refused_on_the_form_and_nothing_changes(app, session):
    school = SchoolFactory()
    client = as_role(app, "admin")
    before = _count(session, School)
    r = post(client, "/admin/schools", {"registration_number": school.registration_number, "name": "Cita",
                                        "founder": school.founder.code})
    body = r.get_data(as_text=True)
    assert r.status_code == 409 and code_of(body) == "duplicate"
    assert invalid_fields(body) == {"registration_number"} and 'value="Cita"' in body
    assert _count(session, School) == before


def test_every_bad_field_of_a_school_is_marked(app, session):
    FounderFactory(code="F1")
    client = as_role(app, "admin")
    r = post(client, "/admin/schools", {"registration_number": "12345", "name": ""})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and code_of(body) == "invalid_input"
    assert invalid_fields(body) == {"registration_number", "name", "founder"}
    assert 'id="refusal-lines"' in body
    assert "daži lauki nav derīgi" in body and "ir obligāts" in body  # the domain's message, in the page's language


def test_the_warehouse_adds_a_contract_but_not_a_school(app, session):
    client = as_role(app, "warehouse")
    r = post(client, "/admin/contracts", {"number": "IZM-2026/1", "supplier": "SIA Dators", "funding_source": "rrf",
                                          "unit_price": "612.40", "signed_on": "2026-11-02"})
    assert r.status_code == 303 and _count(session, Contract) == 1
    r = post(client, "/admin/contracts", {"number": "IZM-2026/2", "supplier": "SIA Dators", "funding_source": "rrf",
                                          "unit_price": "1e2"})
    assert r.status_code == 400 and invalid_fields(r.get_data(as_text=True)) == {"unit_price"}
    assert client.get("/admin/schools").status_code == 403
    index = client.get("/admin").get_data(as_text=True)
    assert "/admin/contracts" in index and "/admin/printers" in index and "/admin/schools" not in index


def test_school_it_keeps_its_own_schools_printers(app, session):
    mine, other = SchoolFactory(), SchoolFactory()
    theirs = save_printer(session, {"name": "Citu printeris", "school": other.registration_number}, PrinterScope(None))
    session.commit()
    client = as_role(app, "school_it", mine)
    r = post(client, "/admin/printers", {"name": "12. kabinets", "offset_x": "1,5", "offset_y": "-0.25",
                                         "stock": "avery-l7160"})
    assert r.status_code == 303
    session.commit()
    printer = session.scalar(select(Printer).where(Printer.name == "12. kabinets"))
    assert (printer.school_id, printer.offset_x, printer.offset_y) == (mine.id, 1.5, -0.25)
    assert printer.stock == "avery-l7160"
    listing = client.get("/admin/printers").get_data(as_text=True)
    assert "12. kabinets" in listing and "Citu printeris" not in listing
    assert client.get(f"/admin/printers/{theirs.id}").status_code == 404
    r = post(client, f"/admin/printers/{theirs.id}", {"offset_x": "3"})
    assert r.status_code == 404 and 'data-code="not_found"' in r.get_data(as_text=True)
    r = post(client, "/admin/printers", {"name": "Svešs", "school": other.registration_number})
    assert r.status_code == 400 and invalid_fields(r.get_data(as_text=True)) == {"school"}


def test_an_admin_changes_a_printers_shift_and_a_bad_shift_is_refused(app, session):
    printer = save_printer(session, {"name": "Noliktava 1"}, PrinterScope(None))
    session.commit()
    client = as_role(app, "admin")
    r = post(client, f"/admin/printers/{printer.id}", {"offset_x": "0.8", "offset_y": "-1", "stock": ""})
    assert r.status_code == 303
    r = post(client, f"/admin/printers/{printer.id}", {"offset_x": "25", "offset_y": "abc"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and invalid_fields(body) == {"offset_x", "offset_y"} and 'value="abc"' in body
    session.commit()
    session.expire_all()
    assert (session.get(Printer, printer.id).offset_x, session.get(Printer, printer.id).offset_y) == (0.8, -1.0)
    r = post(client, "/admin/printers", {"name": "Noliktava 1"})
    assert r.status_code == 409 and code_of(r.get_data(as_text=True)) == "duplicate"
