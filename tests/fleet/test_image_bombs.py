"""Decompression bombs (issue 14): a paper scan or a drawn signature that declares more pixels than the
limits is refused with ``too_large`` before any of it is decoded, and so is a PDF that would need more
memory or time to open than a scan may; nothing changes (the agreement stays awaiting its signature).
Within the limits an A4 page scanned at 600 dpi is accepted. A child process that sends every bomb over
HTTP stays under 300 MB (its own peak resident memory, not a timing)."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys

import pytest
from PIL import ImageFile
from sqlalchemy import select

from fleet.models import Agreement, Document
from tests.conftest import error_code
from tests.factories import DeviceFactory, PupilFactory
from tests.fleet import bombs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IN_PROCESS_PIXELS = 2_000_000  # the most the web process itself may ever decode (a signature at its limit)


@pytest.fixture
def never_decoded(monkeypatch):
    """Decoding an image of more pixels than a signature may have, in this process, fails the test
    (and is not done: the bomb would take the test runner's memory)."""
    load = ImageFile.ImageFile.load

    def guarded(self):
        if self.size[0] * self.size[1] > IN_PROCESS_PIXELS:
            raise AssertionError(f"an image of {self.size[0]} × {self.size[1]} was decoded")
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", guarded)


def lend(it, school) -> dict:
    r = it.post("loans", json={"device": DeviceFactory(status="at_school", school=school).serial,
                               "pupil": PupilFactory(school=school).id, "accessories": []})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def upload(it, loan: dict, scan: bytes):
    return it.post(f"loans/{loan['id']}/agreement/paper", content_type="multipart/form-data",
                   data={"signer_name": "Anna Bērziņa", "file": (io.BytesIO(scan), "scan")})


def assert_unchanged(it, session, loan: dict) -> None:
    assert it.get(f"loans/{loan['id']}").get_json()["agreement"]["status"] == "awaiting_signature"
    session.commit()  # a fresh snapshot: the request committed (or not) in its own transaction
    agreement = session.scalar(select(Agreement).where(Agreement.loan_id == loan["id"]))
    assert agreement.scan_sha256 is None and agreement.signed_sha256 is None
    assert session.scalar(select(Document).where(Document.content_type != "application/pdf")) is None
    session.commit()


# --- paper scans -----------------------------------------------------------------------------------

@pytest.mark.parametrize("scan", [
    bombs.SCAN_PNG[2],  # issue 14's: 13,000 × 13,000, 0.5 MB, 676 MB decoded
    bombs.SCAN_1BIT[2],  # 21 KB, 169 MB decoded
    lambda: bombs.png(16_000, 100, colour=0),  # 1.6 Mpx, but one row wider than any page
    bombs.SCAN_JPEG[2],
    lambda: bombs.jpeg_declaring(65_000, 65_000),
], ids=["png-rgb", "png-1bit", "png-too-wide", "jpeg", "jpeg-65000"])
def test_a_scan_declaring_too_many_pixels_is_refused_before_decoding(it, school, session, never_decoded, scan):
    loan = lend(it, school)
    r = upload(it, loan, scan())
    assert r.status_code == 413 and error_code(r) == "too_large", r.get_json()
    error = r.get_json()["error"]
    assert error["details"]["field"] == "file" and "pixels" in error["message"]
    assert_unchanged(it, session, loan)


def test_within_the_limits_a_600_dpi_a4_scan_and_a_photo_are_accepted(it, school, session, never_decoded):
    a4_at_600_dpi = bombs.png(4_961, 7_016, colour=0, depth=1)  # 34.8 Mpx
    r = upload(it, loan := lend(it, school), a4_at_600_dpi)
    assert r.status_code == 200 and r.get_json()["status"] == "signed", r.get_json()
    assert it.get(f"loans/{loan['id']}/agreement/scan").data == a4_at_600_dpi
    r = upload(it, lend(it, school), bombs.jpeg(4_032, 3_024))  # a 12 Mpx phone photo of the page
    assert r.status_code == 200 and r.get_json()["status"] == "signed", r.get_json()
    r = upload(it, loan := lend(it, school), bombs.png(5_001, 7_999, colour=0, depth=1))  # 40.0 Mpx: one over
    assert r.status_code == 413 and error_code(r) == "too_large"
    assert it.get(f"loans/{loan['id']}").get_json()["agreement"]["status"] == "awaiting_signature"


def test_an_animated_png_is_not_a_scan(it, school, session, never_decoded):
    loan = lend(it, school)
    r = upload(it, loan, bombs.apng(50))
    assert r.status_code == 400 and error_code(r) == "invalid_input", r.get_json()
    assert r.get_json()["error"]["details"][0]["field"] == "file"
    assert_unchanged(it, session, loan)


@pytest.mark.parametrize("scan, why", [(bombs.SCAN_PDF[2], "memory"), (lambda: bombs.pdf_pages(1_000), "pages")],
                         ids=["object-stream-1gib", "1000-pages"])
def test_a_pdf_that_would_take_too_much_is_refused(it, school, session, scan, why):
    loan = lend(it, school)
    r = upload(it, loan, scan())
    assert r.status_code == 413 and error_code(r) == "too_large", r.get_json()
    assert why in r.get_json()["error"]["message"]
    assert_unchanged(it, session, loan)
    r = upload(it, loan, bombs.pdf_pages(3))  # an ordinary PDF still signs
    assert r.status_code == 200 and r.get_json()["status"] == "signed", r.get_json()


# --- the public signing page -----------------------------------------------------------------------

def _sign(client, loan: dict, png: bytes):
    url = loan["agreement"]["sign_url"].replace("https://fleet.example.lv", "")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    return client.post(url, data={"csrf_token": csrf, "signer_name": "Anna Bērziņa", "consent": "yes",
                                  "signature": "data:image/png;base64," + base64.b64encode(png).decode()})


def test_a_signature_bomb_is_refused_on_the_signing_page(it, client, school, session, never_decoded):
    loan = lend(it, school)
    r = _sign(client, loan, bombs.SIGNATURE_PNG[2]())  # 10,000 × 10,000 in 0.3 MB
    page = r.get_data(as_text=True)
    assert r.status_code == 413 and "Paraksta attēls ir pārāk liels" in page  # the page speaks the agreement's Latvian
    assert_unchanged(it, session, loan)
    r = _sign(client, loan, bombs.png(4_001, 100, colour=6))  # few pixels, but wider than any pad
    assert r.status_code == 413 and "Paraksta attēls ir pārāk liels" in r.get_data(as_text=True)
    r = _sign(client, loan, bombs.apng(20, size=60))
    assert r.status_code == 400 and "animated" in r.get_data(as_text=True)
    assert_unchanged(it, session, loan)
    r = _sign(client, loan, bombs.png(2_000, 1_000, colour=6))  # at the limit: signs
    assert r.status_code == 200 and it.get(f"loans/{loan['id']}").get_json()["agreement"]["status"] == "signed"


# --- memory, measured in a child process -----------------------------------------------------------

def test_a_worker_stays_under_300_mb_through_every_bomb(database_url):
    """The whole HTTP path in a child process (its own peak resident memory); on both databases."""
    env = {**os.environ, "PYTHONPATH": ROOT}
    done = subprocess.run([sys.executable, "-m", "tests.fleet.bombs", database_url], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for name, answer in report["answers"].items():
        assert answer["status_code"] == 413 and answer["agreement"] == "awaiting_signature", (name, answer)
    peak_mb = report["peak_kib"] / 1024
    assert peak_mb < 300, f"peak {peak_mb:.0f} MB (before the bombs {report['before_kib'] / 1024:.0f} MB): {report}"


@pytest.mark.parametrize("kib", [513, 2_048])
def test_a_signature_of_more_bytes_than_the_limit_is_too_large_on_the_signing_page(it, client, school, session, kib):
    """Over 512 KiB the drawn signature is refused as too large (413), in the page's language, not as unreadable."""
    loan = lend(it, school)
    padded = bombs.png(200, 100, colour=6) + b"\0" * (kib * 1024)  # its bytes alone are over the limit
    r = _sign(client, loan, padded)
    assert r.status_code == 413 and "Paraksta attēls ir pārāk liels" in r.get_data(as_text=True)
    assert_unchanged(it, session, loan)
