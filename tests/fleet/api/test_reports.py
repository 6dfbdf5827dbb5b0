"""The reports' API: the list of reports, a report as JSON and as files (CSV of one table, XLSX, PDF) with their
headers and names, refusals of bad input (each naming its field), an unknown report, and a founder manager's
reach (another founder's figures are not found, its own are all it sees). Run on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from fleet.access.policy import Principal, Scope
from fleet.i18n import _l
from fleet.lending import agreements, loans
from fleet.models import AccessLogEntry, clock
from fleet.reports import REPORTS, TITLES, Chart, Column, Report, Series, Table, counting, report, rollup, scope
from tests.conftest import error_code
from tests.factories import ContractFactory, DeviceFactory, FounderFactory, PupilFactory, SchoolFactory, UserFactory

EVERYONE = Scope.of(Principal(0, "factory", "admin"))
URL = "https://fleet.example.lv"


def riga(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=counting.RIGA).astimezone(UTC)


def provide(session, school, handed: str = "2022-10-03 10:00", signed: str | None = "2022-10-03 18:00", pupil=None,
            signer: str = "Anna Ņikitina"):
    """A programme device at ``school`` handed over to an eligible pupil at ``handed`` and signed at ``signed``."""
    device = DeviceFactory(status="at_school", school=school, contract=ContractFactory())
    pupil = pupil or PupilFactory(school=school)
    with clock(lambda: riga(handed)):
        done = loans.hand_over(session, EVERYONE, loans.HandOver(device.serial, pupil.id), URL)
    if signed is not None:
        with clock(lambda: riga(signed)):
            agreements.sign(session, done.agreement, "link", signer, kind="typed", typed_name=signer,
                            is_guardian=True, consent=True)
    session.commit()
    return done


def refresh(session) -> None:
    rollup.refresh(session)
    session.commit()


@pytest.fixture
def sample():
    """A small report of its own (registered for the test, removed after): a summary, two tables, two charts."""
    def build(session, reach, params):
        school_ids, label = scope.narrow(session, reach, params)
        rows = [{"code": "=SUM(A1)", "name": "Ādažu vidusskola", "count": 1234, "price": "612.40",
                 "day": "2022-12-31"}, {"code": "B", "name": "Rīgas 1. ģimnāzija", "count": 7, "price": None,
                                        "day": None}]
        return Report("sample", _l("Milestones"), params.as_of or counting.today(),
                      {"provided": 1241, "targets": [{"date": "2022-12-31", "target": 13310, "achieved": 1241}]},
                      [Table("schools", _l("By school"), [Column("code", _l("Founder (code)")),
                                                          Column("name", _l("School")),
                                                          Column("count", _l("Provided"), "int"),
                                                          Column("price", _l("Unit price, EUR"), "money"),
                                                          Column("day", _l("Date"), "date")], rows),
                       Table("months", _l("By month"), [Column("month", _l("Month")),
                                                        Column("provided", _l("Provided"), "int")],
                             [{"month": "2022-11", "provided": 41}, {"month": "2022-12", "provided": 1200}])],
                      [Chart("line", _l("Devices provided to the target group, cumulative"), "line",
                             [Series(_l("Provided"), [("2022-11-30", 41), ("2022-12-31", 1241)])], "months"),
                       Chart("bars", _l("Provided by founder"), "bars",
                             [Series(_l("Provided"), [("Ādaži", 1234), ("Rīga", 7)])], "schools")],
                      scope_label=str(label))

    report("sample", _l("Milestones"))(build)
    yield "sample"
    REPORTS.pop("sample", None)
    TITLES.pop("sample", None)


def test_the_list_names_every_report_with_its_formats_and_links(api_as, sample):
    r = api_as("ministry").get("reports")
    assert r.status_code == 200
    items = {i["name"]: i for i in r.get_json()["items"]}
    assert {"milestones", "funding", "sample"} <= set(items)
    assert items["milestones"]["title"] == "Milestones" and items["milestones"]["kind"] == "report"
    assert items["milestones"]["formats"] == ["json", "csv", "xlsx", "pdf"]
    assert items["milestones"]["links"]["pdf"] == "/api/v1/reports/milestones.pdf"


def test_milestones_as_json(api, session):
    school = SchoolFactory()
    provide(session, school, "2022-10-03 10:00", "2022-10-04 10:00")
    provide(session, school, "2023-02-01 10:00", "2023-02-01 11:00")
    provide(session, school, signed=None)
    refresh(session)
    r = api.get("reports/milestones?as_of=2023-12-31")
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.get_json()
    assert {k: body[k] for k in ("report", "title", "as_of", "scope")} == {
        "report": "milestones", "title": "Milestones", "as_of": "2023-12-31", "scope": "all founders"}
    assert body["refreshed_at"].endswith("Z")
    assert body["provided"] == 2 and body["waiting_for_signature"] == 1
    assert [(t["date"], t["target"], t["achieved"]) for t in body["targets"]] == [
        ("2022-12-31", 13310, 1), ("2023-12-31", 26620, 2)]
    assert [(f["founder"], f["provided"]) for f in body["by_founder"]] == [(school.founder.code, 2)]
    assert {"by_school", "monthly"} <= set(body)
    assert api.get("reports/milestones?as_of=2022-12-31").get_json()["provided"] == 1
    lv = api.get("reports/milestones?lang=lv").get_json()
    assert (lv["title"], lv["scope"]) == (_l("Milestones").in_("lv"), _l("all founders").in_("lv"))


@pytest.mark.parametrize("fmt, media", [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats-officedocument."
                                                                       "spreadsheetml.sheet"),
                                        ("pdf", "application/pdf")])
def test_each_format_is_an_attachment_named_by_report_and_day(api, count, sample, fmt, media):
    before = count(AccessLogEntry)
    r = api.get(f"reports/sample.{fmt}?as_of=2023-12-31")
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == media
    name = "sample-schools-2023-12-31.csv" if fmt == "csv" else f"sample-2023-12-31.{fmt}"
    assert r.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert count(AccessLogEntry, AccessLogEntry.event == "export") == before + 1  # an export is recorded


def test_csv_of_a_table_with_its_separator_and_language(api, sample):
    r = api.get("reports/sample.csv?lang=lv")
    text = r.data.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.removeprefix("\ufeff").split("\r\n")
    assert lines[0] == ";".join(_l(w).in_("lv") for w in ("Founder (code)", "School", "Provided", "Unit price, EUR",
                                                           "Date"))
    assert lines[1] == "'=SUM(A1);Ādažu vidusskola;1234;612.40;2022-12-31"  # a formula is kept as text
    r = api.get("reports/sample.csv?table=months&sep=comma&lang=en")
    assert r.headers["Content-Disposition"].endswith('sample-months-' + counting.today().isoformat() + '.csv"')
    assert r.data.decode() == "Month,Provided\r\n2022-11,41\r\n2022-12,1200\r\n"


def test_xlsx_and_pdf_hold_the_reports_figures(api, sample):
    book = load_workbook(io.BytesIO(api.get("reports/sample.xlsx?lang=en").data))
    assert book.sheetnames == ["Milestones", "By school", "By month"]
    assert [c.value for c in book["By month"][2]] == ["2022-11", 41]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(api.get("reports/sample.pdf?lang=lv").data)).pages)
    assert _l("Milestones").in_("lv") in text and "Ādažu vidusskola" in text and "1 234" in text


@pytest.mark.parametrize("path, field", [
    ("reports/milestones?as_of=2023-13-01", "as_of"),
    ("reports/milestones?as_of=31.12.2023", "as_of"),
    ("reports/milestones?as_of=2023-12-31T00:00:00", "as_of"),
    ("reports/milestones.csv?as_of=yesterday", "as_of"),
    ("reports/milestones.txt", "fmt"),
    ("reports/milestones.csv?table=pupils", "table"),
    ("reports/milestones.csv?sep=tab", "sep"),
    ("reports/milestones.pdf?lang=de", "lang"),
    ("reports/milestones?founder=A&school=4113900000", "school"),
])
def test_bad_input_is_refused_naming_its_field(api, path, field):
    r = api.get(path)
    assert r.status_code == 400, r.get_json()
    assert error_code(r) == "invalid_input"
    assert field in [d.get("field") for d in r.get_json()["error"]["details"]]


@pytest.mark.parametrize("path", ["reports/nonesuch", "reports/nonesuch.pdf", "reports/milestones?founder=NOPE",
                                  "reports/milestones.csv?school=9999999999"])
def test_an_unknown_report_founder_or_school_is_not_found(api, path):
    r = api.get(path)
    assert r.status_code == 404 and error_code(r) == "not_found"


def test_a_founder_manager_sees_only_its_founders_schools(api_as, session):
    mine, theirs = FounderFactory(), FounderFactory()
    mine_school, their_school = SchoolFactory(founder=mine), SchoolFactory(founder=theirs)
    provide(session, mine_school)
    for _ in range(3):
        provide(session, their_school)
    refresh(session)
    manager = api_as(user=UserFactory(role="founder_manager", founders=[mine]))
    body = manager.get("reports/milestones").get_json()
    assert body["provided"] == 1 and body["scope"] == "your schools"
    assert [f["founder"] for f in body["by_founder"]] == [mine.code]
    assert [s["school"] for s in body["by_school"]] == [mine_school.registration_number]
    assert manager.get(f"reports/milestones?founder={mine.code}").get_json()["provided"] == 1
    for path in (f"reports/milestones?founder={theirs.code}", f"reports/milestones.pdf?founder={theirs.code}",
                 f"reports/milestones.csv?school={their_school.registration_number}"):
        r = manager.get(path)
        assert r.status_code == 404 and error_code(r) == "not_found", path
    csv = manager.get("reports/milestones.csv?table=by_school").data.decode()
    assert mine_school.registration_number in csv and their_school.registration_number not in csv
    assert api_as("ministry").get("reports/milestones").get_json()["provided"] == 4


@pytest.mark.parametrize("role", ["warehouse", "school_it"])
def test_roles_without_reports_are_forbidden(api_as, role):
    r = api_as(role, school=SchoolFactory() if role == "school_it" else None).get("reports/milestones")
    assert r.status_code == 403 and error_code(r) == "forbidden"


def test_a_list_pages_by_keyset_within_the_readers_reach(api_as):
    mine, theirs = SchoolFactory(), SchoolFactory()
    with clock(lambda: riga("2022-05-02 10:00")):  # not seen since
        serials = [DeviceFactory(status="at_school", school=mine).serial for _ in range(3)]
        hidden = DeviceFactory(status="at_school", school=theirs).serial
    ministry = api_as("ministry")
    first = ministry.get(f"reports/lists/not_seen?days=0&limit=2&founder={mine.founder.code}").get_json()
    assert [i["serial"] for i in first["items"]] == serials[:2] and first["next"]
    rest = ministry.get(f"reports/lists/not_seen?days=0&limit=2&founder={mine.founder.code}&after={first['next']}")
    assert [i["serial"] for i in rest.get_json()["items"]] == serials[2:] and rest.get_json()["next"] is None
    manager = api_as(user=UserFactory(role="founder_manager", founders=[mine.founder]))
    everything = manager.get("reports/lists/not_seen?days=0").get_data(as_text=True)
    assert all(s in everything for s in serials) and hidden not in everything
    r = manager.get(f"reports/lists/not_seen?school={theirs.registration_number}")
    assert r.status_code == 404 and error_code(r) == "not_found"


@pytest.mark.parametrize("query, field", [("days=-1", "days"), ("days=3651", "days"), ("limit=0", "limit"),
                                          ("after=nonsense", "after")])
def test_a_lists_bad_input_is_refused_naming_its_field(api, query, field):
    r = api.get(f"reports/lists/unsigned?{query}")
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert field in [d.get("field") for d in r.get_json()["error"]["details"]]


def test_an_unknown_list_is_not_found(api):
    r = api.get("reports/lists/pupils")
    assert r.status_code == 404 and error_code(r) == "not_found"
    listed = {i["name"]: i for i in api.get("reports").get_json()["items"]}
    assert listed["unsigned"]["kind"] == "list" and listed["unsigned"]["links"] == {
        "json": "/api/v1/reports/lists/unsigned"}
