"""Loans through HTTP: hand-over with its agreement, a class at once, signing by link and on paper,
returns with the condition check, swaps, lost laptops, the milestone count, and the purge."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import select

from fleet.access import policy
from fleet.models import AccessLogEntry, Agreement, Document, Loan, Pupil, utcnow
from tests.conftest import error_code
from tests.factories import DeviceFactory, PupilFactory, SchoolFactory, UserFactory


def _png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (120, 40), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(5, 30), (40, 5), (80, 35), (115, 10)], fill=(0, 0, 0, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


PNG_1PX = _png()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def qr_texts(data: bytes) -> set[str]:
    document = pypdfium2.PdfDocument(data)
    found = {r.text for page in document for r in zxingcpp.read_barcodes(page.render(scale=300 / 72).to_pil())
             if r.format == zxingcpp.BarcodeFormat.QRCode}
    document.close()
    return found


@pytest.fixture
def school():
    return SchoolFactory(name="Ķekavas vidusskola")


@pytest.fixture
def it(api_as, school):
    return api_as("school_it", school=school)


def lend(api, device, pupil, **extra):
    return api.post("loans", json={"device": device.serial, "pupil": pupil.id, "accessories": ["charger"], **extra})


# --- hand-over -------------------------------------------------------------------------------------

def test_hand_over_makes_the_loan_and_the_agreement(it, school, session):
    device = DeviceFactory(status="at_school", school=school)
    pupil = PupilFactory(school=school, given_name="Ērika", family_name="Ņikitina", guardian_name="Jānis Bērziņš")
    r = lend(it, device, pupil)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "active" and body["device"] == device.serial and body["pupil"] == pupil.id
    agreement = body["agreement"]
    assert agreement["status"] == "awaiting_signature" and agreement["language"] == "lv"
    assert re.fullmatch(r"https://fleet\.example\.lv/sign/[\w-]{40,}", agreement["sign_url"])
    assert it.get(f"devices/{device.serial}").get_json()["status"] == "on_loan"
    pdf = it.get(agreement["pdf"])
    assert pdf.status_code == 200 and pdf.headers["X-Content-SHA256"] == agreement["sha256"]
    text = pdf_text(pdf.data)
    for expected in ("Ērika Ņikitina", "Jānis Bērziņš", device.serial, device.asset_tag, "Ķekavas vidusskola"):
        assert expected in text
    assert agreement["sign_url"] in qr_texts(pdf.data)
    assert "pupil" not in str(it.get(f"devices/{device.serial}/events").get_json())  # no names in the history


def test_one_active_loan_per_device_and_per_pupil(it, school, session):
    first, second = DeviceFactory(status="at_school", school=school), DeviceFactory(status="at_school", school=school)
    pupil, other = PupilFactory(school=school), PupilFactory(school=school)
    assert lend(it, first, pupil).status_code == 201
    r = lend(it, first, other)
    assert r.status_code == 409 and error_code(r) == "invalid_transition"
    r = lend(it, second, pupil)
    assert r.status_code == 409 and error_code(r) == "conflict"
    assert it.get(f"devices/{second.serial}").get_json()["status"] == "at_school"


@pytest.mark.parametrize("change, field", [({"accessories": ["jetpack"]}, "accessories"),
                                           ({"accessories": ["bag", "bag"]}, "accessories"),
                                           ({"language": "ru"}, "language"), ({"condition": "mint"}, "condition"),
                                           ({"pupil": "7"}, "pupil")])
def test_bad_hand_over_changes_nothing(it, school, session, count, change, field):
    device, pupil = DeviceFactory(status="at_school", school=school), PupilFactory(school=school)
    r = it.post("loans", json={"device": device.serial, "pupil": pupil.id, "accessories": [], **change})
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert r.get_json()["error"]["details"][0]["field"].split(".")[0] == field  # accessories.0: the item
    assert count(Loan) == 0 and count(Document) == 0


def test_other_schools_pupil_and_device(it, school, session):
    mine, theirs = DeviceFactory(status="at_school", school=school), DeviceFactory(status="at_school")
    assert error_code(lend(it, mine, PupilFactory())) == "not_found"
    assert error_code(lend(it, theirs, PupilFactory(school=school))) == "not_found"


def test_the_device_shows_its_loan_to_those_who_lend_and_logs_it(api_as, it, school, session, count):
    device, pupil = DeviceFactory(status="at_school", school=school), PupilFactory(school=school)
    assert it.get(f"devices/{device.serial}").get_json()["loan"] is None  # not on loan: nothing to show
    loan = lend(it, device, pupil).get_json()
    logged = count(AccessLogEntry)
    shown = it.get(f"devices/{device.asset_tag}").get_json()["loan"]
    assert shown["id"] == loan["id"] and shown["pupil"] == pupil.id
    assert shown["agreement"]["status"] == "awaiting_signature"
    assert count(AccessLogEntry) == logged + 1  # it names a pupil: the access log says who looked
    for role in ("admin", "warehouse", "ministry", "auditor"):  # only roles that lend see it
        body = api_as(role).get(f"devices/{device.serial}").get_json()
        assert body["status"] == "on_loan" and body["loan"] == (shown if role == "admin" else None)
    assert count(AccessLogEntry) == logged + 2  # the admin's look


def test_warehouse_cannot_lend(api_as, school, session):
    r = lend(api_as("warehouse"), DeviceFactory(status="at_school", school=school), PupilFactory(school=school))
    assert r.status_code == 403 and error_code(r) == "forbidden"


# --- a class at once -------------------------------------------------------------------------------

def test_class_hand_out_prints_every_agreement_and_reports_the_failures(it, school, session, count):
    pupils = [PupilFactory(school=school, given_name=f"Skolēns{i}") for i in range(3)]
    devices = [DeviceFactory(status="at_school", school=school) for _ in range(2)]
    pairs = [{"pupil": pupils[0].id, "device": devices[0].serial}, {"pupil": pupils[1].id, "device": devices[1].serial},
             {"pupil": pupils[2].id, "device": devices[0].serial}]
    r = it.post("loans/class", json={"pairs": pairs, "accessories": ["charger", "bag"]})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert (r.headers["X-Fleet-Loans"], r.headers["X-Fleet-Failed"]) == ("2", "1")
    text = pdf_text(r.data)
    assert "Skolēns0" in text and "Skolēns1" in text and "Skolēns2" not in text
    assert count(Loan) == 2
    r = it.client.post("/api/v1/loans/class", json={"pairs": pairs, "accessories": []},
                       headers={**it.headers, "Accept": "application/json"})
    assert r.status_code == 400 and error_code(r) == "invalid_input"  # no pair handed out: a refusal, its pairs
    details = r.get_json()["error"]["details"]
    assert [(f["index"], f["field"]) for f in details] == [(0, "pairs.0"), (1, "pairs.1"), (2, "pairs.2")]
    assert {f["code"] for f in details} == {"invalid_transition"} and count(Loan) == 2


# --- signing ---------------------------------------------------------------------------------------

def _form(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_sign_by_link_then_the_link_is_used_up(it, client, school, session):
    r = lend(it, DeviceFactory(status="at_school", school=school), PupilFactory(school=school))
    loan, url = r.get_json()["id"], r.get_json()["agreement"]["sign_url"].replace("https://fleet.example.lv", "")
    csrf = _form(client, url)
    import base64

    refused = client.post(url, data={"csrf_token": "x", "signer_name": "Jānis Bērziņš", "consent": "yes",
                                     "signature": "data:image/png;base64,iVBORw0KGgo="})
    assert refused.status_code == 403
    broken = client.post(url, data={"csrf_token": csrf, "signer_name": "Jānis Bērziņš", "consent": "yes",
                                    "signature": "data:image/png;base64,iVBORw0KGgo="})
    assert broken.status_code == 400 and "PNG" in broken.get_data(as_text=True)
    signed = client.post(url, data={"csrf_token": csrf, "signer_name": "Jānis Bērziņš", "consent": "yes",
                                    "signature": "data:image/png;base64," + base64.b64encode(PNG_1PX).decode()})
    assert signed.status_code == 200 and "parakstīts" in signed.get_data(as_text=True)
    body = it.get(f"loans/{loan}").get_json()["agreement"]
    assert body["status"] == "signed" and body["method"] == "link"
    copy = it.get(f"loans/{loan}/agreement.pdf")
    assert copy.headers["X-Content-SHA256"] == body["signed_sha256"]
    assert body["sha256"] in pdf_text(copy.data)  # the signature page names the original's hash
    assert client.get(url).status_code == 410  # used
    again = it.post(f"loans/{loan}/agreement/paper",
                    data={"signer_name": "X Y", "file": (io.BytesIO(PNG_1PX), "a.png")},
                    content_type="multipart/form-data")
    assert again.status_code == 409 and error_code(again) == "conflict"


def test_an_expired_link_is_refused(it, client, school, session):
    r = lend(it, DeviceFactory(status="at_school", school=school), PupilFactory(school=school))
    url = r.get_json()["agreement"]["sign_url"].replace("https://fleet.example.lv", "")
    agreement = session.scalar(select(Agreement))
    agreement.token_expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    page = client.get(url)
    assert page.status_code == 410 and "novecojusi" in page.get_data(as_text=True)
    assert client.get("/sign/" + "x" * 43).status_code == 404


def test_sign_on_paper_and_refuse_what_is_not_a_scan(it, school, session):
    loan = lend(it, DeviceFactory(status="at_school", school=school), PupilFactory(school=school)).get_json()["id"]
    path = f"loans/{loan}/agreement/paper"
    for data in ({"signer_name": "Anna Ņikitina", "file": (io.BytesIO(b"hello"), "scan.pdf")},
                 {"signer_name": "", "file": (io.BytesIO(PNG_1PX), "scan.png")}, {"signer_name": "Anna Ņikitina"}):
        r = it.post(path, data=data, content_type="multipart/form-data")
        assert r.status_code == 400 and error_code(r) == "invalid_input"
    r = it.post(path, data={"signer_name": "Anna Ņikitina", "file": (io.BytesIO(PNG_1PX), "x.txt")},
                content_type="multipart/form-data")
    assert r.status_code == 200 and r.get_json()["status"] == "signed" and r.get_json()["method"] == "paper"
    assert it.get(f"loans/{loan}/agreement/scan").data == PNG_1PX
    assert "Anna Ņikitina" in pdf_text(it.get(f"loans/{loan}/agreement.pdf").data)


# --- who reads which of a loan's documents -----------------------------------------------------------

DOCUMENTS = {  # document → its URL (given the loan awaiting signature and the one signed on paper and returned)
    "awaiting_signature": "loans/{unsigned}/agreement.pdf",
    "signed_copy": "loans/{signed}/agreement.pdf",
    "signed_original": "loans/{signed}/agreement.pdf?original=1",
    "paper_scan": "loans/{signed}/agreement/scan",
    "return_act": "loans/{signed}/return-act.pdf",
}
READERS = {  # role → the documents it reads; every other one is 403 forbidden
    "admin": set(DOCUMENTS), "school_it": set(DOCUMENTS),
    "auditor": {"signed_copy"},  # the evidence that agreements were signed, nothing the school still works on
    "warehouse": set(), "ministry": set(), "founder_manager": set(),
}


@pytest.mark.parametrize("role", sorted(READERS))
def test_each_role_reads_only_the_loan_documents_the_policy_gives_it(api_as, it, school, session, role):
    unsigned = lend(it, DeviceFactory(status="at_school", school=school), PupilFactory(school=school)).get_json()
    signed = lend(it, DeviceFactory(status="at_school", school=school), PupilFactory(school=school)).get_json()
    assert it.post(f"loans/{signed['id']}/agreement/paper", data={"signer_name": "Anna Ņikitina",
                   "file": (io.BytesIO(PNG_1PX), "scan.png")}, content_type="multipart/form-data").status_code == 200
    returned = it.post(f"loans/{signed['id']}/return", json={"condition": "good", "accessories_returned": ["charger"]})
    assert returned.status_code == 200, returned.get_json()
    stored = it.get(f"loans/{signed['id']}").get_json()["agreement"]
    digests = {"awaiting_signature": unsigned["agreement"]["sha256"], "signed_copy": stored["signed_sha256"],
               "signed_original": stored["sha256"], "paper_scan": None, "return_act": None}
    if role == "founder_manager":
        api = api_as(user=UserFactory(role=role, founders=[school.founder]))
    else:
        api = api_as(role, school=school if role == "school_it" else None)
    for document, url in DOCUMENTS.items():
        r = api.get(url.format(unsigned=unsigned["id"], signed=signed["id"]))
        if document in READERS[role]:
            assert r.status_code == 200, (document, r.status_code)
            assert r.headers["X-Content-SHA256"] == (digests[document] or r.headers["X-Content-SHA256"])
            assert r.data.startswith(b"%PDF-") or (document == "paper_scan" and r.data == PNG_1PX)
        else:
            assert r.status_code == 403, (document, r.status_code)
            assert error_code(r) == "forbidden", document
            assert r.get_json()["error"]["details"]["needs"] in policy.PERMISSIONS["admin"]
            assert b"%PDF" not in r.data and PNG_1PX not in r.data
    if role == "auditor":  # the auditor's refusals name the document and what it would need
        r = api.get(f"loans/{unsigned['id']}/agreement.pdf")
        assert r.get_json()["error"]["details"] == {"needs": "agreements:read", "document": "agreement"}


def test_a_new_link_replaces_the_old_one(it, client, school, session):
    r = lend(it, DeviceFactory(status="at_school", school=school), PupilFactory(school=school))
    loan, old = r.get_json()["id"], r.get_json()["agreement"]["sign_url"].replace("https://fleet.example.lv", "")
    fresh = it.post(f"loans/{loan}/agreement/link").get_json()["sign_url"].replace("https://fleet.example.lv", "")
    assert client.get(old).status_code == 404 and client.get(fresh).status_code == 200


# --- returns, swaps, losses ----------------------------------------------------------------------

def test_return_checks_condition_and_accessories_and_prints_the_act(it, school, session):
    device = DeviceFactory(status="at_school", school=school)
    loan = lend(it, device, PupilFactory(school=school), accessories=["charger", "bag"]).get_json()["id"]
    r = it.post(f"loans/{loan}/return", json={"condition": "damaged", "accessories_returned": ["charger"],
                                               "notes": "saplaisājis ekrāns"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "returned" and body["accessories_missing"] == ["bag"]
    assert it.get(f"devices/{device.serial}").get_json()["status"] == "in_repair"
    act = pdf_text(it.get(body["return_act"]).data)
    assert device.serial in act and "soma" in act
    assert error_code(it.post(f"loans/{loan}/return", json={"condition": "good"})) == "conflict"


@pytest.mark.parametrize("body, field", [({"condition": "broken"}, "condition"),
                                         ({"condition": "good", "accessories_returned": "charger"},
                                          "accessories_returned"),
                                         ({"condition": "good", "notes": 5}, "notes")])
def test_bad_return_changes_nothing(it, school, session, body, field):
    device = DeviceFactory(status="at_school", school=school)
    loan = lend(it, device, PupilFactory(school=school)).get_json()["id"]
    r = it.post(f"loans/{loan}/return", json=body)
    assert error_code(r) == "invalid_input" and r.get_json()["error"]["details"][0]["field"] == field
    assert it.get(f"devices/{device.serial}").get_json()["status"] == "on_loan"


def test_a_returned_laptop_is_wiped_before_it_is_lent_again(it, school, session):
    device = DeviceFactory(status="at_school", school=school)
    loan = lend(it, device, PupilFactory(school=school)).get_json()["id"]
    it.post(f"loans/{loan}/return", json={"condition": "good", "accessories_returned": ["charger"]})
    r = lend(it, device, PupilFactory(school=school))
    assert r.status_code == 409 and error_code(r) == "conflict" and "wipe" in r.get_json()["error"]["message"]
    assert it.post(f"devices/{device.serial}/actions/wipe", json={}).status_code == 200
    assert lend(it, device, PupilFactory(school=school)).status_code == 201


def test_end_of_year_collection_by_scanning(it, school, session):
    devices = [DeviceFactory(status="at_school", school=school) for _ in range(2)]
    for d in devices:
        lend(it, d, PupilFactory(school=school))
    for d in devices:
        r = it.post("loans/collect",
                    json={"code": d.asset_tag, "condition": "good", "accessories_returned": ["charger"]})
        assert r.status_code == 200 and r.get_json()["status"] == "returned"
    assert error_code(it.post("loans/collect", json={"code": devices[0].serial, "condition": "good"})) == "conflict"


def test_swap_returns_the_old_laptop_and_lends_a_new_one(it, school, session):
    old, new = DeviceFactory(status="at_school", school=school), DeviceFactory(status="at_school", school=school)
    pupil = PupilFactory(school=school)
    loan = lend(it, old, pupil).get_json()["id"]
    r = it.post(f"loans/{loan}/swap", json={"device": new.serial, "condition": "damaged"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["agreement"]["status"] == "awaiting_signature" and r.get_json()["device"] == new.serial
    assert it.get(f"loans/{loan}").get_json()["status"] == "replaced"
    assert it.get(f"devices/{old.serial}").get_json()["status"] == "in_repair"


def test_a_stolen_laptop_closes_its_loan(it, school, session):
    device = DeviceFactory(status="at_school", school=school)
    loan = lend(it, device, PupilFactory(school=school)).get_json()["id"]
    r = it.post(f"devices/{device.serial}/actions/report_stolen", json={"police_report": "11-2026-77"})
    assert r.status_code == 200 and r.get_json()["event"]["data"]["loan_outcome"] == "stolen"
    assert it.get(f"loans/{loan}").get_json()["status"] == "stolen"


# --- templates, milestones, purge ------------------------------------------------------------------

def test_a_founders_template_is_used_for_new_agreements(api, it, school, session):
    from labels.documents import default_template, template_to_json

    body = template_to_json(default_template("lv")) | {"version": "ĶNP-2026-2"}
    r = api.post(f"founders/{school.founder.code}/agreement-templates", json=body)
    assert r.status_code == 201
    assert error_code(api.post(f"founders/{school.founder.code}/agreement-templates", json=body)) == "duplicate"
    bad = body | {"version": "x", "title": ""}
    assert error_code(api.post(f"founders/{school.founder.code}/agreement-templates", json=bad)) == "invalid_input"
    r = lend(it, DeviceFactory(status="at_school", school=school), PupilFactory(school=school))
    assert r.get_json()["agreement"]["template_version"] == "ĶNP-2026-2"
    assert error_code(it.post(f"founders/{school.founder.code}/agreement-templates", json=body)) == "forbidden"


def test_milestone_counts_first_signed_hand_over_to_an_eligible_pupil_once(app, it, school, session):
    eligible, not_eligible = PupilFactory(school=school), PupilFactory(school=school, eligibility=None)
    device, other = DeviceFactory(status="at_school", school=school), DeviceFactory(status="at_school", school=school)
    first = lend(it, device, eligible).get_json()["id"]
    lend(it, other, not_eligible)

    def counted():
        with app.app_context():
            from fleet import db
            from fleet.reports import counting

            return sum(1 for _ in counting.counted(db.session()))  # meeting the rule, counted or withheld

    assert counted() == 0  # not signed yet
    for loan in (first, first + 1):
        it.post(f"loans/{loan}/agreement/paper",
                data={"signer_name": "Vecāks Vecāks", "file": (io.BytesIO(PNG_1PX), "s.png")},
                content_type="multipart/form-data")
    assert counted() == 1
    it.post(f"loans/{first}/return", json={"condition": "good", "accessories_returned": ["charger"]})
    it.post(f"devices/{device.serial}/actions/wipe", json={})
    again = lend(it, device, PupilFactory(school=school)).get_json()["id"]
    it.post(f"loans/{again}/agreement/paper",
            data={"signer_name": "Vecāks Vecāks", "file": (io.BytesIO(PNG_1PX), "s.png")},
            content_type="multipart/form-data")
    assert counted() == 1  # lent again: counted once


def test_privacy_purge_anonymises_old_pupils_and_keeps_the_hashes(database_url, tmp_path, it, school, session):
    from click.testing import CliRunner

    from fleet.cli import main

    env = {"FLEET_DATABASE_URL": database_url, "FLEET_ENV": "test", "FLEET_INSTANCE_PATH": str(tmp_path / "cli")}
    device = DeviceFactory(status="at_school", school=school)
    pupil = PupilFactory(school=school, given_name="Ērika")
    loan = lend(it, device, pupil).get_json()["id"]
    it.post(f"loans/{loan}/return", json={"condition": "good", "accessories_returned": ["charger"]})
    current = PupilFactory(school=school)
    lend(it, DeviceFactory(status="at_school", school=school), current)
    row = session.get(Loan, loan)
    row.ended_at = utcnow() - timedelta(days=400)
    session.commit()
    result = CliRunner().invoke(main, ["privacy", "purge"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 pupil" in result.output
    session.expire_all()
    purged = session.get(Pupil, pupil.id)
    assert (purged.given_name, purged.guardian_name, purged.anonymised_at is not None) == ("", "", True)
    assert session.get(Pupil, current.id).anonymised_at is None
    agreement = session.scalar(select(Agreement).where(Agreement.loan_id == loan))
    assert len(agreement.original_sha256) == 64 and session.get(Document, agreement.original_sha256) is None
    session.commit()
    assert "0 pupil" in CliRunner().invoke(main, ["privacy", "purge"], env=env).output  # idempotent
