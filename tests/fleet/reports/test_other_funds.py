"""``fleet funding``: another fund's register imported all or nothing (every bad line listed with its number, none
imported then), in CSV with either delimiter and either encoding or XLSX; the sources' budgets; the targets."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from fleet.models import FundingSource, OtherFundSerial, ProgrammeTarget
from tests.fleet.reports.test_counting import seeded  # noqa: F401 (the migration's targets and sources)


def write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def on_register(session) -> list[tuple[str, str, str]]:
    session.commit()
    rows = session.execute(select(OtherFundSerial.serial, OtherFundSerial.source, OtherFundSerial.reference)
                           .order_by(OtherFundSerial.serial)).all()
    return [tuple(r) for r in rows]


def test_a_register_is_imported_and_again_adds_only_the_new(fleet, session, tmp_path):
    csv = write(tmp_path, "react.csv", "Nr.;Sērijas numurs\n1; pf0abc12 \n2;PF0ABC13\n".encode("cp1257"))
    r = fleet("funding", "import-other", csv, "--source", "react_eu", "--reference", "REACT-EU 2021/7")
    assert r.exit_code == 0, r.output
    assert "2 serial(s) imported" in r.output
    assert on_register(session) == [("PF0ABC12", "react_eu", "REACT-EU 2021/7"),
                                    ("PF0ABC13", "react_eu", "REACT-EU 2021/7")]
    again = write(tmp_path, "again.csv", b"\xef\xbb\xbfserial,model\nPF0ABC12,x\nPF0ABC14,y\n")
    r = fleet("funding", "import-other", again, "--source", "react_eu", "--reference", "REACT-EU 2021/7")
    assert r.exit_code == 0 and "1 serial(s) imported" in r.output and "1 already" in r.output
    assert len(on_register(session)) == 3


def test_an_xlsx_register(fleet, session, tmp_path):
    book = Workbook()
    book.active.append(["Sērijas numurs"])
    book.active.append(["PF0XLS01"])
    data = io.BytesIO()
    book.save(data)
    r = fleet("funding", "import-other", write(tmp_path, "r.xlsx", data.getvalue()), "--source", "municipal",
              "--reference", "4.2.1.5")
    assert r.exit_code == 0, r.output
    assert on_register(session) == [("PF0XLS01", "municipal", "4.2.1.5")]


def test_bad_lines_are_all_listed_and_nothing_is_imported(fleet, session, tmp_path):
    csv = write(tmp_path, "bad.csv", b"serial\nPF0GOOD1\n\"\"\nPF 0BAD\nPF0GOOD1\nPF0GOOD2\n")
    r = fleet("funding", "import-other", csv, "--source", "react_eu", "--reference", "REACT-EU 2021/7")
    assert r.exit_code == 1
    assert "line 3: the serial is empty" in r.output
    assert "line 4: serial 'PF 0BAD'" in r.output
    assert "line 5: serial PF0GOOD1 is on line 2 already" in r.output
    assert "[invalid_input]" in r.output and "nothing was imported" in r.output
    assert on_register(session) == []


@pytest.mark.parametrize("args, message", [
    (["--source", "nope", "--reference", "x"], "unknown funding source 'nope'"),
    (["--source", "react_eu", "--reference", " "], "the reference"),
])
def test_an_unknown_source_or_no_reference_is_refused(fleet, session, tmp_path, args, message):
    r = fleet("funding", "import-other", write(tmp_path, "r.csv", b"serial\nPF0ABC12\n"), *args)
    assert r.exit_code == 1 and message in r.output
    assert on_register(session) == []


def test_a_file_without_a_serial_column(fleet, session, tmp_path):
    r = fleet("funding", "import-other", write(tmp_path, "r.csv", b"model;price\nx;1\n"), "--source", "react_eu",
              "--reference", "x")
    assert r.exit_code == 1 and "no serial column" in r.output


def test_budgets_and_sources(fleet, session):
    r = fleet("funding", "budget", "state_budget", "3500000.50")
    assert r.exit_code == 0, r.output
    session.commit()
    assert session.get(FundingSource, "state_budget").budget == Decimal("3500000.50")
    listed = fleet("funding", "sources").output.splitlines()
    assert "state_budget\t3500000.50\tprogramme\tValsts budžets\tState budget" in listed
    assert any(line.startswith("react_eu\t-\tother") for line in listed)
    for bad in (["--", "state_budget", "-5"], ["state_budget", "1.234"], ["state_budget", "x"], ["nope", "1"]):
        assert fleet("funding", "budget", *bad).exit_code == 1
    session.commit()
    assert session.get(FundingSource, "state_budget").budget == Decimal("3500000.50")


def test_targets_are_added_and_changed(fleet, session):
    r = fleet("funding", "target", "2024-06-30", "30000", "--wording-lv", "Vismaz 30 000", "--wording-en",
              "At least 30,000")
    assert r.exit_code == 0, r.output
    assert fleet("funding", "target", "2022-12-31", "13500").exit_code == 0  # the wording kept
    assert fleet("funding", "target", "2025-01-01", "5").exit_code == 1  # a new one needs its wording
    assert fleet("funding", "target", "31.12.2025", "5").exit_code == 1
    session.commit()
    targets = {t.due_on: (t.target, t.wording_en[:8]) for t in session.scalars(select(ProgrammeTarget))}
    assert targets == {date(2022, 12, 31): (13500, "At least"), date(2023, 12, 31): (26620, "At least"),
                       date(2024, 6, 30): (30000, "At least")}
    listed = fleet("funding", "targets").output.splitlines()
    assert listed[0].startswith("2022-12-31\t13500\tAr digitālajām") and len(listed) == 3
    assert session.scalar(select(func.count()).select_from(ProgrammeTarget)) == 3
