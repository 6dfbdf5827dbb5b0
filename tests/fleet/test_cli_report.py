"""``fleet report``: a report for cron, as JSON, CSV, XLSX or PDF, over every school; bad input ends with exit
code 1 and the coded error."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import SchoolFactory
from tests.fleet.api.test_reports import provide, refresh


@pytest.fixture
def provided(session):
    school = SchoolFactory()
    provide(session, school, "2022-10-03 10:00", "2022-10-04 10:00")
    provide(session, school, "2023-03-01 10:00", "2023-03-01 12:00")
    refresh(session)
    return school


def test_list_names_the_reports(fleet):
    result = fleet("report", "--list")
    assert result.exit_code == 0, result.output
    assert {line.split("\t")[0] for line in result.output.splitlines()} >= {"milestones", "funding", "health",
                                                                            "pipeline"}


def test_json_to_stdout_as_of_a_day(fleet, provided):
    result = fleet("report", "milestones", "--as-of", "2022-12-31")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["report"], body["as_of"], body["provided"]) == ("milestones", "2022-12-31", 1)
    assert json.loads(fleet("report", "milestones", "--as-of", "2023-12-31",
                            "--founder", provided.founder.code).stdout)["provided"] == 2


def test_csv_of_a_table_to_stdout(fleet, provided):
    result = fleet("report", "milestones", "--format", "csv", "--table", "by_school", "--sep", "comma",
                   "--lang", "en", "--as-of", "2023-12-31")
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()[:2]
    assert header.startswith("School (VIIS number),School,")
    assert row.startswith(f"{provided.registration_number},{provided.name},")


def test_xlsx_and_pdf_to_a_file(fleet, provided, tmp_path):
    book_path = tmp_path / "m.xlsx"
    assert fleet("report", "milestones", "--format", "xlsx", "--output", str(book_path)).exit_code == 0
    assert load_workbook(book_path).sheetnames[0]
    result = fleet("report", "milestones", "--format", "pdf", "--lang", "en", "--as-of", "2023-12-31")
    assert result.exit_code == 0  # not a terminal: the bytes go to standard output
    assert result.stdout_bytes.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(result.stdout_bytes)).pages[0].extract_text()
    assert "Milestones" in text


@pytest.mark.parametrize("args, message", [
    (["report", "nonesuch"], "[not_found]"),
    (["report", "milestones", "--as-of", "31.12.2023"], "[invalid_input]"),
    (["report", "milestones", "--format", "csv", "--table", "pupils"], "[invalid_input]"),
    (["report", "milestones", "--founder", "NOPE"], "[not_found]"),
    (["report"], "[invalid_input]"),
])
def test_bad_input_exits_1_with_the_coded_error(fleet, args, message):
    result = fleet(*args)
    assert result.exit_code == 1
    assert message in result.stderr and result.stdout == ""
