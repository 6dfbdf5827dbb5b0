"""The desk's start page (/desk) and the agreements roster (/desk/agreements): the classes and where each
stands, the roster's states in words with the signer-differs flag and reminders, filters, paging, new
links printed or e-mailed one message per guardian (to a real SMTP server), a paper-signed scan, and
another school's loans invisible."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from fleet.access.policy import Principal, Scope
from fleet.lending import loans
from fleet.models import Agreement, FoundReport, utcnow
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory, current_session
from tests.mailbox import rows as outbox_rows
from tests.mailbox import text_of, work
from tests.page_routes import client_as

URL = "http://fleet.example.lv"
ADMIN = Scope.of(Principal(0, "factory", "admin"))


def lend(school, grade="7.b", **pupil) -> loans.Handed:
    session = current_session()
    p = PupilFactory(school=school, grade=grade, **pupil)
    device = DeviceFactory(status="at_school", school=school)
    handed = loans.hand_over(session, ADMIN, loans.HandOver(device.serial, p.id), URL)
    session.commit()
    return handed


def csrf(client) -> str:
    with client.session_transaction() as s:
        return s.setdefault("csrf", "test-csrf-token")


def text(r) -> str:
    return r.get_data(as_text=True)


def test_the_desk_shows_each_class_and_where_it_stands(app, session):
    school = SchoolFactory(name="Ķekavas vidusskola")
    signed = lend(school, "7.b")
    lend(school, "7.b")
    PupilFactory(school=school, grade="7.b")  # no laptop yet
    PupilFactory(school=school, grade="10.a")
    signed.agreement.status, signed.agreement.method = "signed", "desk"
    lost = DeviceFactory(status="lost", school=school)
    session.add(FoundReport(device_id=lost.id, school_id=school.id, message="Atradu parkā uz soliņa.",
                            contact="+371 20000000", address="x" * 64))
    session.commit()
    client = client_as(app, "school_it", school)
    r = client.get("/desk")  # IT of one school: its desk without asking
    assert r.status_code == 200
    page = text(r)
    assert "Ķekavas vidusskola" in page
    row = re.search(r'<tr data-class="7.b">(.*?)</tr>', page, re.S).group(1)
    assert [int(n) for n in re.findall(r"</span> (\d+)</td>", row)] == [3, 2, 1, 1]
    assert "/desk/agreements?school=" in row and "class=7.b" in row
    assert page.index('data-class="7.b"') < page.index('data-class="10.a"')
    assert "Atradu parkā uz soliņa." in page and f'/devices/{lost.asset_tag}"' in page and "+371 20000000" in page

    session.commit()  # a read transaction older than a request's write cannot write on SQLite: end it first
    other = client_as(app, "school_it", SchoolFactory())
    assert other.get(f"/desk?school={school.registration_number}").status_code == 404
    assert "Atradu parkā" not in text(other.get("/desk"))
    admin = client_as(app, "admin")
    assert 'id="pick-school-first"' in text(admin.get("/desk"))
    assert 'data-class="7.b"' in text(admin.get(f"/desk?school={school.registration_number}"))


def test_the_roster_in_words_with_filters_and_the_signer_flag(app, session):
    school = SchoolFactory()
    waiting = lend(school, "7.b", given_name="Līga", family_name="Ozoliņa")
    grandma = lend(school, "5.a", given_name="Ģirts", family_name="Šmits")
    a = grandma.agreement
    a.status, a.method, a.signed_at, a.signer_name = "signed", "link", utcnow(), "Vera Šmite"
    a.signer_is_guardian, a.signer_relationship = False, "vecmāmiņa"
    waiting.agreement.created_at = utcnow() - timedelta(days=12)
    waiting.agreement.reminded_at, waiting.agreement.reminders = utcnow() - timedelta(days=5), 1
    session.commit()
    elsewhere = lend(SchoolFactory(), given_name="Svešais")
    client = client_as(app, "school_it", school)

    for lang, words in (("lv", ("gaida parakstu", "12 dienas", "vecmāmiņa", "atgādināts")),
                        ("en", ("awaiting signature", "for 12 days", "who says they are the pupil's vecmāmiņa",
                                "reminded "))):
        client.set_cookie("lang", lang)
        page = text(client.get("/desk/agreements"))
        for word in words:
            assert word in page, (lang, word)
    client.set_cookie("lang", "en")
    page = text(client.get("/desk/agreements"))
    assert "Signed by Vera Šmite, who says they are the pupil's vecmāmiņa — check." in page
    assert "Svešais" not in page and f'data-loan="{elsewhere.loan.id}"' not in page
    assert page.index("Ģirts") < page.index("Līga")  # 5.a before 7.b
    assert f'name="loan" value="{waiting.loan.id}"' in page and f'name="loan" value="{grandma.loan.id}"' not in page
    only = text(client.get("/desk/agreements?state=awaiting_signature"))
    assert "Līga" in only and "Ģirts" not in only
    assert "Līga" not in text(client.get("/desk/agreements?class=5.a"))
    bad = client.get("/desk/agreements?state=unsigned")
    assert bad.status_code == 400 and 'data-code="invalid_input"' in text(bad) and "signed_paper" in text(bad)
    assert client.get(f"/desk/agreements?school={elsewhere.loan.pupil.school.registration_number}").status_code == 404


def test_the_roster_pages(app, session):
    school = SchoolFactory()
    for _ in range(3):
        lend(school)
    from fleet.web.desk import roster as view
    client = client_as(app, "school_it", school)
    size, view.PAGE_SIZE = view.PAGE_SIZE, 2
    try:
        first = text(client.get("/desk/agreements"))
        assert first.count('<tr data-loan=') == 2
        next_url = re.search(r'id="next-page" href="([^"]+)"', first) or re.search(r'href="([^"]+)" id="next-page"',
                                                                                    first)
        second = text(client.get(next_url.group(1).replace("&amp;", "&")))
        assert second.count('<tr data-loan=') == 1 and 'id="first-page"' in second
    finally:
        view.PAGE_SIZE = size


def test_new_links_printed_in_one_pdf(app, session):
    school = SchoolFactory()
    one, two = lend(school), lend(school, guardian_email=None)
    old = (one.agreement.token_hash, two.agreement.token_hash)
    client = client_as(app, "school_it", school)
    r = client.post("/desk/agreements/links", data={"csrf_token": csrf(client), "loan": [one.loan.id, two.loan.id],
                                                    "action": "print"})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert one.agreement.number in pdf_text and two.agreement.number in pdf_text
    session.expire_all()
    fresh = [session.get(Agreement, h.agreement.id).token_hash for h in (one, two)]
    assert fresh[0] != old[0] and fresh[1] != old[1]
    none = client.post("/desk/agreements/links", data={"csrf_token": csrf(client), "action": "print"})
    assert none.status_code == 400 and 'data-code="invalid_input"' in text(none)
    session.commit()
    theirs = lend(SchoolFactory())
    assert client.post("/desk/agreements/links", data={"csrf_token": csrf(client), "loan": theirs.loan.id,
                                                       "action": "print"}).status_code == 404


def test_new_links_emailed_one_message_per_guardian(app, session, smtp):
    school = SchoolFactory(name="Baložu vidusskola")
    anna = [lend(school, "5.a", given_name="Ērika", guardian_email="anna@example.lv"),
            lend(school, "7.b", given_name="Jānis", guardian_email="Anna@example.lv")]
    janis = lend(school, "7.b", given_name="Līga", guardian_email="janis@example.lv")
    nobody = lend(school, "7.b", given_name="Ņikita", guardian_email=None)
    client = client_as(app, "school_it", school)
    loans_ = [h.loan.id for h in (*anna, janis, nobody)]
    r = client.post("/desk/agreements/links", data={"csrf_token": csrf(client), "loan": loans_, "action": "email"})
    assert r.status_code == 200, text(r)[:500]
    page = text(r)
    assert 'id="no-address"' in page and "Ņikita" in page and f'value="{nobody.loan.id}"' in page
    assert [m.kind for m in outbox_rows(app)] == ["sign_links", "sign_links"]
    assert work(app).sent == 2
    by_to = {m["To"].lower(): text_of(m) for m in smtp.messages}
    assert set(by_to) == {"anna@example.lv", "janis@example.lv"}
    family = by_to["anna@example.lv"]
    public = app.config["FLEET"].public_url
    assert "Ērika" in family and "Jānis" in family and family.count(f"{public}/sign/") == 2
    assert "Baložu vidusskola" in family and "Līga" not in family
    for h in anna:
        assert h.agreement.number in family
    token = re.search(rf"{public}/sign/(\S+)", family).group(1)
    assert client.get(f"/sign/{token}").status_code == 200  # the new link opens the signing page


def test_a_paper_signed_scan(app, session):
    school = SchoolFactory()
    handed = lend(school)
    client = client_as(app, "school_it", school)
    form = text(client.get(f"/desk/agreements/{handed.loan.id}/paper"))
    assert 'enctype="multipart/form-data"' in form and handed.agreement.number in form
    missing = client.post(f"/desk/agreements/{handed.loan.id}/paper",
                          data={"csrf_token": csrf(client), "signer_name": "Anna Ņikitina"})
    assert missing.status_code == 400 and 'data-code="invalid_input"' in text(missing)
    png = io.BytesIO()
    Image.new("L", (200, 280), 255).save(png, format="PNG")
    r = client.post(f"/desk/agreements/{handed.loan.id}/paper", content_type="multipart/form-data",
                    data={"csrf_token": csrf(client), "signer_name": "Vera Kalniņa", "relationship": "vecmāmiņa",
                          "file": (io.BytesIO(png.getvalue()), "scan.png")})
    assert r.status_code == 303
    session.expire_all()
    agreement = session.scalar(select(Agreement).where(Agreement.id == handed.agreement.id))
    assert (agreement.status, agreement.method, agreement.signer_name) == ("signed", "paper", "Vera Kalniņa")
    assert (agreement.signer_is_guardian, agreement.signer_relationship) == (False, "vecmāmiņa")
    client.set_cookie("lang", "en")
    roster_page = text(client.get(r.headers["Location"]))
    assert "Signed by Vera Kalniņa, who says they are the pupil's vecmāmiņa — check." in roster_page
    assert f"/api/v1/loans/{handed.loan.id}/agreement.pdf" in roster_page
    signed_copy = client.get(f"/api/v1/loans/{handed.loan.id}/agreement.pdf")  # a browser session opens it
    assert signed_copy.status_code == 200 and signed_copy.mimetype == "application/pdf"
