"""No pupil in any report: a pupil and a guardian with distinctive names, a class, a register id and an e-mail are
planted, handed a laptop, signed for (and one more left unsigned, one lent and returned late), the roll-ups
refreshed; then every report in every format, and every list, read by every role that may read them, holds
none of those strings — in the JSON, the CSV, the XLSX's cells read back, and the PDF's text."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from fleet.reports import lists, names
from tests.factories import PupilFactory, SchoolFactory, UserFactory
from tests.fleet.api.test_reports import provide, refresh

PLANTED = ("Ērika", "Zariņa", "Inese Kalniņa", "Kalniņa", "7.b", "REG-7B-0042", "inese.kalnina@example.lv",
           "+371 29 123 456")
READERS = ("admin", "ministry", "founder_manager", "auditor")


@pytest.fixture
def planted(session):
    school = SchoolFactory()
    pupil = PupilFactory(school=school, given_name="Ērika", family_name="Zariņa", grade="7.b",
                         register_id="REG-7B-0042", guardian_name="Inese Kalniņa",
                         guardian_email="inese.kalnina@example.lv")
    provide(session, school, "2022-10-03 10:00", "2022-10-04 10:00", pupil=pupil, signer="Inese Kalniņa")
    brother = PupilFactory(school=school, given_name="Ērika", family_name="Zariņa", grade="7.b",
                           register_id="REG-7B-0043", guardian_name="Inese Kalniņa")
    provide(session, school, "2022-11-03 10:00", signed=None, pupil=brother)  # waiting for a signature
    refresh(session)
    return school


def text_of(fmt: str, data: bytes) -> str:
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8")


@pytest.mark.parametrize("role", READERS)
def test_no_report_names_a_pupil_in_any_format(api_as, planted, role):
    user = UserFactory(role=role, founders=[planted.founder] if role == "founder_manager" else [])
    api = api_as(user=user)
    checked = 0
    for name in names():
        for suffix in ("", ".csv", ".xlsx", ".pdf", ".pdf?lang=en", ".csv?lang=en"):
            r = api.get(f"reports/{name}{suffix}")
            assert r.status_code == 200, (name, suffix, r.get_data(as_text=True)[:300])
            fmt = suffix[1:].split("?")[0] or "json"
            text = text_of(fmt, r.data)
            assert text.strip()
            assert not [s for s in PLANTED if s in text], (name, suffix)
            checked += 1
        report = api.get(f"reports/{name}").get_json()
        tables = [k for k, v in report.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
        for table in tables:
            text = api.get(f"reports/{name}.csv?table={table}").data.decode()
            assert not [s for s in PLANTED if s in text], (name, table)
    for name in lists.LISTS:
        r = api.get(f"reports/lists/{name}?days=0")
        assert r.status_code == 200, (name, r.get_json())
        assert not [s for s in PLANTED if s in r.get_data(as_text=True)], name
    assert checked >= 4 * 6
    milestones = api.get("reports/milestones?as_of=2023-12-31").get_json()
    assert milestones["provided"] == 1 and milestones["waiting_for_signature"] == 1  # the planted rows are counted
