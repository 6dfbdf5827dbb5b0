"""Answers carrying pupils' personal data are kept by no browser, proxy or back button
(``Cache-Control: no-store``): every answer the access log records as a use of personal data —
pupils, loans, a loan's documents, a device showing its loan — the guardian's signing pages and the
access log itself (who read which pupil's data). A refused request is neither kept nor recorded as a
use. Answers without personal data are left to HTTP's usual rules."""

from __future__ import annotations

import base64
import io

import pytest
from sqlalchemy import select

from fleet.models import AccessLogEntry
from tests.conftest import error_code
from tests.factories import DeviceFactory, PupilFactory


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, format="PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def lent(it, school):
    """A loan awaiting signature, and one signed on paper and returned: ``(loan, sign path, signed
    loan, device, the answers to those writes)``."""
    device = DeviceFactory(status="at_school", school=school)
    r = it.post("loans", json={"device": device.serial, "pupil": PupilFactory(school=school).id, "accessories": []})
    assert r.status_code == 201, r.get_json()
    loan = r.get_json()
    signed = it.post("loans", json={"device": DeviceFactory(status="at_school", school=school).serial,
                                    "pupil": PupilFactory(school=school).id, "accessories": []}).get_json()
    paper = it.post(f"loans/{signed['id']}/agreement/paper", data={"signer_name": "Anna Ņikitina",
                    "file": (io.BytesIO(PNG), "scan.png")}, content_type="multipart/form-data")
    back = it.post(f"loans/{signed['id']}/return", json={"condition": "good", "accessories_returned": []})
    assert paper.status_code == back.status_code == 200
    return loan["id"], loan["agreement"]["sign_url"].replace("https://fleet.example.lv", ""), signed["id"], device, \
        [r, paper, back]


def test_pupils_are_never_stored(it, school):
    reg = school.registration_number
    pupil = PupilFactory(school=school)
    created = it.post(f"schools/{reg}/pupils", json={"register_id": "N-1", "given_name": "Ēvalds",
                                                      "family_name": "Ņikitins", "grade": "5.b",
                                                      "guardian": {"name": "Anna Ņikitina"}})
    assert created.status_code == 201
    answers = [created, it.get(f"schools/{reg}/pupils"), it.get(f"pupils/{pupil.id}"),
               it.client.patch(f"/api/v1/pupils/{pupil.id}", json={"grade": "6.a"}, headers=it.headers)]
    for r in answers:
        assert r.status_code in (200, 201) and r.headers["Cache-Control"] == "no-store", (r.request.path, r.headers)
    missing = it.get("pupils/999999")  # an error from a personal-data route says nothing, but is not kept either
    assert missing.status_code == 404 and error_code(missing) == "not_found" and no_store(missing)


def test_loans_and_their_documents_are_never_stored(it, lent):
    loan, _, signed, _, writes = lent
    for path in (f"loans/{loan}", f"loans/{loan}/agreement.pdf", f"loans/{signed}/agreement.pdf",
                 f"loans/{signed}/agreement.pdf?original=1", f"loans/{signed}/agreement/scan",
                 f"loans/{signed}/return-act.pdf"):
        r = it.get(path)
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store", (path, r.headers)
    for r in writes:  # the hand-over, the paper signature, the return: their answers name the pupil too
        assert r.headers.get("Cache-Control") == "no-store", (r.request.path, r.headers)


def test_the_auditors_signed_copy_is_not_stored_either(api_as, lent):
    signed = lent[2]
    r = api_as("auditor").get(f"loans/{signed}/agreement.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF-") and no_store(r)


def test_the_auditors_refused_original_is_no_use_of_personal_data(api_as, lent, session):
    """The auditor may read a signed copy, not the original awaiting signature: the refusal is not
    recorded as a use of personal data; the granted read of the signed copy is, once."""
    unsigned, _, signed = lent[:3]
    auditor = api_as("auditor")
    session.commit()
    before = session.scalar(select(AccessLogEntry.id).order_by(AccessLogEntry.id.desc()).limit(1)) or 0

    def recorded() -> list[tuple[str, str]]:
        session.commit()
        return [(e.event, e.what) for e in session.scalars(
            select(AccessLogEntry).where(AccessLogEntry.id > before).order_by(AccessLogEntry.id))]

    for path in (f"loans/{unsigned}/agreement.pdf", f"loans/{signed}/agreement.pdf?original=1"):
        r = auditor.get(path)
        assert r.status_code == 403 and error_code(r) == "forbidden", path
        assert r.get_json()["error"]["details"] == {"needs": "agreements:read", "document": "agreement"}
    assert recorded() == []
    assert auditor.get(f"loans/{signed}/agreement.pdf").status_code == 200
    assert recorded() == [("personal_data", f"GET /api/v1/loans/{signed}/agreement.pdf")]


def test_the_access_log_is_never_stored(api_as, lent):
    """It holds who read which pupil's data, and from where."""
    for role in ("admin", "auditor"):
        r = api_as(role).get("access-log")
        assert r.status_code == 200 and r.get_json()["items"] and r.headers["Cache-Control"] == "no-store", role
    refused = api_as("warehouse").get("access-log")
    assert refused.status_code == 403 and error_code(refused) == "forbidden"


def test_a_device_is_not_stored_while_it_shows_its_loan(api_as, it, lent):
    device = lent[3]
    shown = it.get(f"devices/{device.serial}")
    assert shown.get_json()["loan"] is not None and no_store(shown)
    plain = api_as("warehouse").get(f"devices/{device.serial}")  # the same device without the loan
    assert plain.status_code == 200 and plain.get_json()["loan"] is None and not no_store(plain)


def test_the_signing_pages_are_never_stored(client, lent):
    path = lent[1]
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    pdf = client.get(path + "/agreement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-") and no_store(pdf)
    import re

    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    again = client.post(path, data={"csrf_token": csrf, "signer_name": "Jānis Bērziņš"})  # no consent: the page again
    assert again.status_code == 400 and no_store(again)
    done = client.post(path, data={"csrf_token": csrf, "signer_name": "Jānis Bērziņš", "consent": "yes",
                                   "signature": "data:image/png;base64," + base64.b64encode(PNG).decode()})
    assert done.status_code == 200 and no_store(done)
    used = client.get(path)
    assert used.status_code == 410 and no_store(used)


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/label-stocks", "/api/v1/devices", "/api/v1/founders", "/login",
                                  "/static/fleet.css"])
def test_answers_without_personal_data_are_left_alone(api, path):
    r = api.get(path)
    assert r.status_code == 200, path
    assert not no_store(r), r.headers
