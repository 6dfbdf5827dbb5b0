"""The class hand-out's page through the Flask test client: the class picker, the class in register
order with who has a laptop already, each scan checked by /desk/handout/check (a fragment with the
laptop, or the refusal's code and words), the commit's result page (loans made, refused pairs with
their reasons, the PDF link, the desk signing), the sitting's PDF only within the scope, and every bad
form refused with nothing changed."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from fleet.access.policy import Principal, Scope
from fleet.lending import loans
from fleet.models import Loan
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory, current_session
from tests.page_routes import client_as

URL = "https://fleet.example.lv"


def post(client, path: str, form: dict):
    with client.session_transaction() as s:
        token = s.setdefault("csrf", "test-csrf-token")
    return client.post(path, data={**form, "csrf_token": token})


def loan_count() -> int:
    return current_session().scalar(select(func.count()).select_from(Loan))


@pytest.fixture
def world(app, session):
    """A school with class 7.b (3 pupils, the second with a laptop already), class 8.a, and laptops."""
    school = SchoolFactory()
    pupils = [PupilFactory(school=school, grade="7.b", given_name=g, family_name=f, register_id=r)
              for g, f, r in (("Ērika", "Zariņa", "R-3"), ("Jānis", "Āboliņš", "R-1"), ("Līga", "Bērziņa", "R-2"))]
    other_class = PupilFactory(school=school, grade="8.a")
    everyone = Scope.of(Principal(0, "factory", "admin"))
    loans.hand_over(session, everyone, loans.HandOver(DeviceFactory(status="at_school", school=school).serial,
                                                      pupils[1].id), URL)
    devices = [DeviceFactory(status="at_school", school=school) for _ in range(3)]
    session.commit()
    return {"school": school, "reg": school.registration_number, "pupils": pupils, "devices": devices,
            "other_class": other_class, "client": client_as(app, "school_it", school)}


def test_without_a_class_the_page_offers_the_schools_classes(world, app):
    body = world["client"].get("/desk/handout").get_data(as_text=True)  # the user's only school by default
    assert 'id="pick-class"' in body and re.search(r'<option value="7.b"[^>]*>7.b \(3 [^)]+\)</option>', body)
    assert f"/desk/handout?school={world['reg']}&amp;class=7.b" in body and "8.a" in body
    admin = client_as(app, "admin")
    body = admin.get("/desk/handout").get_data(as_text=True)
    assert 'id="pick-school"' in body and world["reg"] in body and 'id="pick-class"' not in body


def test_the_class_in_register_order_with_groups_and_who_has_a_laptop(world):
    r = world["client"].get(f"/desk/handout?school={world['reg']}&class=7.b")
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    names = re.findall(r'<span class="name">([^<]+)</span>', body)
    assert names == ["Āboliņš, Jānis", "Bērziņa, Līga", "Zariņa, Ērika"]  # the Latvian alphabet: Ā after A, before B
    lent = re.findall(r'data-pupil="(\d+)"[^>]*data-lent="([^"]+)"', body)
    assert [int(p) for p, _ in lent] == [world["pupils"][1].id]
    assert "Daudzbērnu" in body or "daudzbērnu" in body  # the eligibility group by its Latvian name
    assert 'id="scan"' in body and 'role="alert"' in body
    # no autofocus: handout.js gives the scan field the focus once it listens, so that a scanner's Enter
    # before then cannot post the commit form
    assert "autofocus" not in body
    assert 'name="accessories" value="charger"' in body and 'name="copies" value="2"' in body
    assert "handout.js" in body and "<script>" not in body


def test_a_class_without_pupils_or_another_schools_class_is_not_found(world, app):
    r = world["client"].get(f"/desk/handout?school={world['reg']}&class=9.z")
    assert r.status_code == 404 and 'data-code="not_found"' in r.get_data(as_text=True)
    stranger = client_as(app, "school_it", SchoolFactory())
    r = stranger.get(f"/desk/handout?school={world['reg']}&class=7.b")
    assert r.status_code == 404 and "Zariņa" not in r.get_data(as_text=True)


def test_a_scan_is_checked_at_once(world, app):
    client, device = world["client"], world["devices"][0]
    r = post(client, "/desk/handout/check", {"school": world["reg"], "code": device.asset_tag.lower()})
    assert r.status_code == 200
    assert f'data-serial="{device.serial}"' in r.get_data(as_text=True)
    r = post(client, "/desk/handout/check", {"school": world["reg"], "code": device.serial, "paired": device.serial})
    assert r.status_code == 409 and 'data-code="duplicate"' in r.get_data(as_text=True)
    r = post(client, "/desk/handout/check", {"school": world["reg"], "code": "NAV-TĀDA"})
    assert r.status_code == 404 and 'data-code="not_found"' in r.get_data(as_text=True)
    r = post(client, "/desk/handout/check", {"school": world["reg"], "code": device.serial,
                                             "pupil": str(world["pupils"][1].id)})
    assert r.status_code == 409 and 'data-code="conflict"' in r.get_data(as_text=True)
    elsewhere = DeviceFactory(status="at_school", school=SchoolFactory())
    r = post(client_as(app, "admin"), "/desk/handout/check", {"school": world["reg"], "code": elsewhere.serial})
    body = r.get_data(as_text=True)
    assert r.status_code == 409 and 'data-code="conflict"' in body and "citai skolai" in body


def test_the_class_committed_the_result_page_and_its_pdf(world):
    client, p, d = world["client"], world["pupils"], world["devices"]
    form = {"school": world["reg"], "class": "7.b", "pupil": [str(p[0].id), str(p[2].id)],
            "device": [d[0].serial, d[1].asset_tag], "accessories": ["charger"], "language": "lv", "copies": "2",
            f"custom-{p[2].id}": "1", f"accessories-{p[2].id}": ["charger", "bag"], f"language-{p[2].id}": "en"}
    r = post(client, "/desk/handout", form)
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="made"' in body and '<span class="big">2</span>' in body
    assert 'id="refused"' not in body and 'data-clear-key="fleet-handout:' in body
    made = current_session().scalars(select(Loan).where(Loan.pupil_id.in_([p[0].id, p[2].id]))
                                     .order_by(Loan.id)).all()
    assert [list(m.accessories) for m in made] == [["charger"], ["charger", "bag"]]
    link = re.search(r'id="print" href="([^"]+)"', body).group(1).replace("&amp;", "&")
    assert link == f"/desk/handout/agreements.pdf?school={world['reg']}&loans={made[0].id},{made[1].id}&copies=2"
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages]
    once = client.get(link.replace("copies=2", "copies=1"))
    assert len(pages) == 2 * len(PdfReader(io.BytesIO(once.data)).pages)
    assert sum("Zariņa" in t for t in pages) >= 2 and sum(d[1].serial in t for t in pages) >= 2
    assert "Guardian" in "\n".join(pages) or "guardian" in "\n".join(pages).lower()  # the English one


def test_refused_pairs_are_listed_with_their_reasons_in_words(world):
    client, p, d = world["client"], world["pupils"], world["devices"]
    shipped = DeviceFactory(status="in_transit", school=world["school"])
    current_session().commit()
    form = {"school": world["reg"], "class": "7.b", "pupil": [str(p[0].id), str(p[1].id), str(p[2].id)],
            "device": [d[0].serial, d[1].serial, shipped.serial], "accessories": ["charger"], "language": "lv"}
    body = post(client, "/desk/handout", form).get_data(as_text=True)
    assert '<span class="big">1</span>' in body
    refused = re.findall(r'<li data-code="([a-z_]+)">', body)
    assert refused == ["conflict", "invalid_transition"]
    assert "Āboliņš" in body and "ceļā" in body  # who, and why in the page's words (the status's Latvian name)
    assert "agreements.pdf" in body


def test_bad_forms_change_nothing(world):
    client, p, d = world["client"], world["pupils"], world["devices"]
    good = {"school": world["reg"], "class": "7.b", "pupil": [str(p[0].id)], "device": [d[0].serial],
            "accessories": ["charger"], "language": "lv"}
    before = loan_count()
    for change, field in (({"pupil": [], "device": []}, "pupil"),
                          ({"device": [d[0].serial, d[1].serial]}, "device"),
                          ({"pupil": ["ab"]}, "pupil"),
                          ({"pupil": [str(p[0].id), str(p[0].id)], "device": [d[0].serial, d[1].serial]}, "pupil"),
                          ({"accessories": ["charger", "unicorn"]}, "accessories"),
                          ({"language": "ru"}, "language"),
                          ({"copies": "3"}, "copies"),
                          ({f"custom-{p[0].id}": "1", f"accessories-{p[0].id}": ["x"]}, f"accessories-{p[0].id}"),
                          ({"pupil": [str(world["other_class"].id)]}, "pupil"),
                          ({"class": ""}, "class")):
        r = post(client, "/desk/handout", {**good, **change})
        body = r.get_data(as_text=True)
        assert r.status_code == 400, (change, r.status_code)
        assert 'data-code="invalid_input"' in body and f"<code>{field}</code>" in body, change
    assert loan_count() == before
    # a pair the server refuses at the commit (the pupil has a laptop already): nothing made either
    r = post(client, "/desk/handout", {**good, "pupil": [str(p[1].id)]})
    assert 'id="none-made"' in r.get_data(as_text=True) and loan_count() == before


def test_the_sittings_pdf_only_within_the_scope(world, app):
    client, stranger = world["client"], client_as(app, "school_it", SchoolFactory())
    lent = current_session().scalar(select(Loan.id).where(Loan.pupil_id == world["pupils"][1].id))
    current_session().commit()
    assert client.get(f"/desk/handout/agreements.pdf?loans={lent}").status_code == 200
    r = stranger.get(f"/desk/handout/agreements.pdf?loans={lent}")
    assert r.status_code == 404 and 'data-code="not_found"' in r.get_data(as_text=True)
    for bad in ("", "1,x", f"{lent}&copies=5"):
        r = client.get(f"/desk/handout/agreements.pdf?loans={bad}")
        assert r.status_code == 400 and 'data-code="invalid_input"' in r.get_data(as_text=True), bad
