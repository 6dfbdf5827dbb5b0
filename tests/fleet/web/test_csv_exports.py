"""Every CSV export (the device list /devices.csv, a delivery's /api/v1/deliveries/{id}/report.csv) with each
separator and language: ``;`` with a UTF-8 byte-order mark by default (what Latvian Excel opens as columns),
``?sep=comma`` without one; the header and the values (statuses, results, funding sources) in the page's
language or ``?lang=``; read back with the csv module; a bad choice refused with its field."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from fleet.models import AccessLogEntry
from tests.conftest import error_code
from tests.factories import ContractFactory, DeliveryFactory, DeviceFactory, SchoolFactory
from tests.page_routes import client_as

BOM = "\ufeff"
SEPARATORS = [(None, ";", True), ("semicolon", ";", True), ("comma", ",", False)]
DEVICE_HEADER = {
    "lv": ["sērijas Nr.", "inventāra Nr.", "statuss", "skolas reģistrācijas numurs", "skolas nosaukums",
           "līguma numurs", "finansējuma avots", "ražotājs", "modelis"],
    "en": ["serial number", "asset tag", "status", "school registration number", "school name", "contract number",
           "funding source", "manufacturer", "model"],
}
REPORT_HEADER = {"lv": ["sērijas Nr.", "rezultāts", "inventāra Nr.", "statuss", "skenējumi"],
                 "en": ["serial number", "result", "asset tag", "status", "scans"]}


def read(body: bytes, separator: str, bom: bool) -> list[list[str]]:
    """The export as a spreadsheet or a script reads it: UTF-8, the mark only where promised, CRLF lines."""
    text = body.decode("utf-8")
    assert text.startswith(BOM) is bom
    text = text.removeprefix(BOM)
    assert BOM not in text and text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True))
    assert len({len(row) for row in rows}) == 1  # every line has the header's columns: nothing ran together
    return rows


def query(sep: str | None, lang: str | None) -> str:
    parts = [f"sep={sep}"] if sep else []
    return "?" + "&".join(parts + ([f"lang={lang}"] if lang else [])) if parts or lang else ""


@pytest.mark.parametrize("sep, separator, bom", SEPARATORS)
@pytest.mark.parametrize("lang, by", [("lv", "query"), ("en", "query"), ("lv", "page"), ("en", "page")])
def test_the_device_list(app, session, sep, separator, bom, lang, by):
    school = SchoolFactory(name="Grobiņas vidusskola; \"Ģimnāzija\", filiāle")  # both separators and a quote
    contract = ContractFactory(funding_source="rrf")
    device = DeviceFactory(status="at_school", school=school, contract=contract, model="=HYPERLINK(1)")
    client = client_as(app, "admin")
    if by == "page":
        client.set_cookie("lang", lang)
    r = client.get("/devices.csv" + query(sep, lang if by == "query" else None))
    assert r.status_code == 200 and r.mimetype == "text/csv" and r.mimetype_params["charset"] == "utf-8"
    assert r.headers["Content-Disposition"] == 'attachment; filename="devices.csv"'
    header, *rows = read(r.data, separator, bom)
    assert header == DEVICE_HEADER[lang]
    (row,) = [row for row in rows if row[0] == device.serial]
    status, funding = {"lv": ("skolā", "Atveseļošanas fonds"), "en": ("at school", "Recovery Fund")}[lang]
    assert row[2] == status and row[6].startswith(funding.split()[0]), row
    assert row[4] == "Grobiņas vidusskola; \"Ģimnāzija\", filiāle" and row[8] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("sep, separator, bom", SEPARATORS)
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_delivery_report(app, session, api, sep, separator, bom, lang):
    delivery = DeliveryFactory(serials=["PFC00001", "PFC00002"])
    for code in ("PFC00001", "ZZ-CSV-1"):
        assert api.post(f"deliveries/{delivery.id}/receive", json={"code": code}).status_code in (200, 201)
    r = api.get(f"deliveries/{delivery.id}/report.csv" + query(sep, lang))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    header, *rows = read(r.data, separator, bom)
    assert header == REPORT_HEADER[lang]
    words = {"lv": [("PFC00001", "atrasts", "noliktavā", "1"), ("PFC00002", "trūkst", "gaidāms", "0"),
                    ("ZZ-CSV-1", "neparedzēts", "noliktavā", "1")],
             "en": [("PFC00001", "found", "in the warehouse", "1"), ("PFC00002", "missing", "expected", "0"),
                    ("ZZ-CSV-1", "unexpected", "in the warehouse", "1")]}[lang]
    assert [(x[0], x[1], x[3], x[4]) for x in rows] == words


def test_the_delivery_reports_language_follows_the_page_without_lang(app, session):
    delivery = DeliveryFactory(serials=["PFC00009"])
    client = client_as(app, "auditor")
    client.set_cookie("lang", "en")
    header, row = read(client.get(f"/api/v1/deliveries/{delivery.id}/report.csv").data, ";", True)
    assert header == REPORT_HEADER["en"] and row[1] == "missing"


@pytest.mark.parametrize("path", ["/devices.csv", "/api/v1/deliveries/{id}/report.csv"])
@pytest.mark.parametrize("bad, field", [("sep=tab", "sep"), ("sep=%3B", "sep"), ("lang=de", "lang")])
def test_a_bad_choice_is_refused_with_its_field(app, session, path, bad, field):
    delivery = DeliveryFactory(serials=["PFC00010"])
    client = client_as(app, "admin")
    r = client.get(path.format(id=delivery.id) + "?" + bad, headers={"Accept": "application/json"})
    assert r.status_code == 400
    if path.startswith("/api/"):
        assert error_code(r) == "invalid_input"
        assert [d["field"] if isinstance(d, dict) else d for d in r.get_json()["error"]["details"]][:1] in (
            [field], [{"loc": field}])
    else:
        assert 'data-code="invalid_input"' in r.get_data(as_text=True)


def test_each_export_is_recorded_in_the_access_log_whatever_its_form(app, session):
    DeviceFactory(status="in_warehouse")
    client = client_as(app, "admin")
    for q in ("", "?sep=comma", "?sep=semicolon&lang=en"):
        assert client.get("/devices.csv" + q).status_code == 200
    session.commit()
    logged = session.scalars(select(AccessLogEntry).where(AccessLogEntry.event == "export")).all()
    assert len([e for e in logged if e.what.startswith("GET /devices.csv")]) == 3


def test_the_pages_offer_both_forms(app, session):
    DeviceFactory(status="in_warehouse")
    client = client_as(app, "admin")
    page = client.get("/devices").get_data(as_text=True)
    assert 'href="/devices.csv" id="csv"' in page and 'href="/devices.csv?sep=comma" id="csv-comma"' in page
    delivery = DeliveryFactory(serials=["PFC00011"])
    page = client.get(f"/deliveries/{delivery.id}").get_data(as_text=True)
    assert f'href="/api/v1/deliveries/{delivery.id}/report.csv?sep=comma"' in page
