"""Hostile values at every endpoint (issue 14): codes that look like a URL but cannot be split as
one, serials and tags that only case folding makes valid, CSV with a byte-order mark and bytes that
are not UTF-8, XLSX carrying a DTD. Each is answered with a coded 4xx, never a 500, and changes
nothing. The walk takes its endpoints from ``app.url_map``, so a new route is walked too."""

from __future__ import annotations

import inspect
import io
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from fleet.errors import STATUS
from fleet.models import AccessLogEntry, ApiToken, Base, Device, RefusedScan, User, WebSession
from tests.factories import DeliveryFactory, DeviceFactory, PupilFactory, SchoolFactory
from tests.provisioning.workbooks import dtd_xlsx

URL_CODES = [
    "http://[",
    "http://a]b/d/DIB-000001-1",
    "https://fleet.example.lv\uff0fd\uff0fDIB-000001-1",  # fullwidth solidus: '/' only after NFKC
    "http://exa\u2100mple/d/DIB-000001-1",  # U+2100 ACCOUNT OF: 'a/c' after NFKC
    "http://[::1/d/DIB-000001-1",
]
# Devices whose serial (or tag) upper-casing made of these codes before: a scan must not reach them.
FOLDED = {"\ufb00ABC1234": "FFABC1234", "\u0131ABC1234": "IABC1234", "\u017fABC1234": "SABC1234"}
FOLDED_NEW = "\ufb01ABC1234"  # 'ﬁ': FIABC1234, a serial nobody has: registering it must not make one
SUPERSCRIPT = "\u00b2"  # '²': str.isdigit() says yes, int() says no

CODES = [*URL_CODES, *FOLDED, FOLDED_NEW]
QUERY_VALUES = [URL_CODES[0], SUPERSCRIPT, "\ufb00"]

UNTOUCHED = {AccessLogEntry.__tablename__, ApiToken.__tablename__, WebSession.__tablename__, User.__tablename__,
             RefusedScan.__tablename__}  # a refused scan is kept (tests/fleet/api/test_refused_scans.py)


@dataclass
class World:
    school: str
    device: Device  # at school, for the paths that need a real device
    tag: str  # a real asset tag with its I written as a dotless ı
    delivery: int
    shipment: int
    stocktake: int
    pupil: int
    loan: int
    contract: str
    round: str = "2024"  # a connectivity survey round, open


@pytest.fixture
def app_500(app):
    """The app answering a bug with a 500, as in production, instead of raising it into the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.fixture
def world(app_500, api) -> World:
    school = SchoolFactory()
    reg = school.registration_number
    for serial in FOLDED.values():
        DeviceFactory(serial=serial, status="in_warehouse")
    at_school = DeviceFactory(status="at_school", school=school)
    labelled = DeviceFactory(status="labelled")
    on_loan = DeviceFactory(status="at_school", school=school)
    delivery = DeliveryFactory(serials=("PFD00001",))
    pupil, lent_to = PupilFactory(school=school), PupilFactory(school=school)
    shipment = api.post("shipments", json={"school": reg, "devices": [labelled.serial]}).get_json()["id"]
    stocktake = api.post("stocktakes", json={"school": reg}).get_json()["id"]
    loan = api.post("loans", json={"device": on_loan.serial, "pupil": lent_to.id, "accessories": []}).get_json()["id"]
    dotless = at_school.asset_tag.replace("I", "\u0131")
    api.post("connectivity/rounds", json={"code": "2024", "title": "Aptauja", "opens_on": "2024-01-08",
                                          "deadline": "2099-06-30"})
    return World(reg, at_school, dotless, delivery.id, shipment, stocktake, pupil.id, loan, delivery.contract.number)


@pytest.fixture
def snapshot(session):
    """Every table's row count and every device's state, as committed: what "nothing changed" compares."""

    def take() -> dict:
        session.commit()
        counts = {t.name: session.scalar(select(func.count()).select_from(t))
                  for t in Base.metadata.sorted_tables if t.name not in UNTOUCHED}
        devices = session.execute(select(Device.serial, Device.status, Device.asset_tag, Device.history_length)
                                  .order_by(Device.id)).all()
        session.commit()
        return {"counts": counts, "devices": devices}

    return take


def code_requests(code: str, w: World) -> list[tuple[str, str, dict | None]]:
    """(method, path, JSON body) for every endpoint that takes a scanned or typed code."""
    ref = quote(code, safe="")
    return [
        ("GET", f"/api/v1/devices/{ref}", None),
        ("GET", f"/api/v1/devices/{ref}/events", None),
        ("GET", f"/api/v1/devices/{ref}/label.pdf", None),
        ("POST", f"/api/v1/devices/{ref}/actions/note", {"text": "hostile"}),
        ("POST", "/api/v1/scan", {"code": code}),
        ("POST", "/api/v1/scan", {"code": code, "action": "note", "text": "hostile"}),
        ("POST", "/api/v1/scan", {"code": code, "action": "bind", "serial": w.device.serial}),
        ("POST", "/api/v1/scan", {"code": w.device.asset_tag, "action": "bind", "serial": code}),
        ("POST", f"/api/v1/deliveries/{w.delivery}/receive", {"code": code}),
        ("POST", f"/api/v1/shipments/{w.shipment}/arrive", {"code": code}),
        ("POST", f"/api/v1/stocktakes/{w.stocktake}/scan", {"code": code}),
        ("POST", "/api/v1/loans", {"device": code, "pupil": w.pupil, "accessories": []}),
        ("POST", "/api/v1/loans/collect", {"code": code, "condition": "good", "accessories_returned": []}),
        ("POST", f"/api/v1/loans/{w.loan}/swap", {"device": code, "condition": "good", "accessories_returned": []}),
        ("POST", "/api/v1/shipments", {"school": w.school, "devices": [code]}),
        ("POST", "/api/v1/labels", {"devices": [code], "stock": "avery-l7160"}),
        ("POST", "/api/v1/imaging", {"serial": code, "image": "win11", "station": "s1", "result": "success"}),
        ("POST", "/api/v1/devices", {"serial": code, "manufacturer": "Lenovo", "model": "ThinkPad"}),
        ("POST", "/api/v1/deliveries", {"contract": w.contract, "manifest": [{"serial": code}]}),
        ("GET", f"/d/{ref}", None),
    ]


def _refusal(response) -> str | None:
    """What is wrong with an answer to hostile input, or None when it is a coded refusal."""
    if response.status_code >= 500 or response.status_code < 400:
        return f"answered {response.status_code}"
    if response.mimetype != "application/json":
        return None  # a page outside the API: its 4xx is HTML
    error = response.get_json().get("error")
    if not error or error.get("code") not in STATUS or not error.get("message"):
        return f"answered {response.status_code} without a coded error: {response.get_data(as_text=True)[:200]}"
    return None


@pytest.mark.parametrize("code", CODES)
def test_a_hostile_code_is_refused_with_a_code_everywhere_and_changes_nothing(api, world, snapshot, session, code):
    before = snapshot()
    wrong = []
    for method, path, body in code_requests(code, world):
        r = api.client.open(path, method=method, json=body, headers=api.headers)
        if (fault := _refusal(r)) is not None:
            wrong.append(f"{method} {path} {body}: {fault}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before
    scans = [p for _, p, _ in code_requests(code, world)
             if p == "/api/v1/scan" or p.endswith(("/receive", "/arrive", "/scan"))]
    assert session.scalar(select(func.count()).select_from(RefusedScan)) == len(scans)  # each refusal kept, storable
    session.commit()


@pytest.mark.parametrize("code", CODES)
def test_a_hostile_code_in_a_bulk_action_fails_alone(api, world, code):
    """The batch is not rolled back by a server error: the other device gets its note."""
    r = api.post("bulk", json={"action": "note", "devices": [code, world.device.serial], "params": {"text": "x"}})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    first, second = r.get_json()["items"]
    assert first["result"] == "error" and first["code"] in ("not_found", "invalid_input"), first
    assert second["result"] == "applied"


@pytest.mark.parametrize("code", [*URL_CODES[:3], *FOLDED])
def test_a_hostile_code_is_not_found_rather_than_some_other_device(api, world, code):
    r = api.get(f"devices/{quote(code, safe='')}")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_a_tag_that_only_upper_casing_makes_valid_names_no_device(api, world):
    r = api.post("scan", json={"code": world.tag})
    assert r.status_code in (400, 404) and r.get_json()["error"]["code"] in ("invalid_input", "not_found")
    assert api.post("scan", json={"code": world.tag.replace("\u0131", "i")}).status_code == 200  # a real i is fine


# --- every endpoint ---------------------------------------------------------------------------------

REAL = {  # a path variable's real value, so that the hostile value elsewhere in the request is reached
    "ref": lambda w: w.device.serial, "tag": lambda w: w.device.asset_tag, "reg": lambda w: w.school,
    "registration_number": lambda w: w.school, "number": lambda w: w.contract, "action": lambda w: "note",
    "fmt": lambda w: "pdf", "stock_id": lambda w: "avery-l7160", "delivery_id": lambda w: w.delivery,
    "shipment_id": lambda w: w.shipment, "stocktake_id": lambda w: w.stocktake, "pupil_id": lambda w: w.pupil,
    "loan_id": lambda w: w.loan, "code": lambda w: w.round,
}
QUERY = ("limit", "after", "skip", "box_size", "status", "school", "grade", "original", "event")


def walk(app, w: World, value: str):
    """(method, path, JSON body) for every route: the value in each path variable in turn (the others
    real), and on a GET in every query parameter the API knows."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        texts = [name for name, converter in rule._converters.items() if not isinstance(converter, IntegerConverter)]
        real = {name: REAL[name](w) if name in REAL else "x" if name in texts else 1 for name in rule.arguments}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            body = {} if method in ("POST", "PATCH") else None
            for name in texts:
                yield method, rule.build({**real, name: value}, append_unknown=False)[1], body
            if method == "GET":
                path = rule.build(real, append_unknown=False)[1]
                yield method, path + "?" + "&".join(f"{k}={quote(value, safe='')}" for k in QUERY), None


@pytest.mark.parametrize("value", QUERY_VALUES)
def test_every_endpoint_survives_hostile_values(app_500, api, world, snapshot, value):
    before = snapshot()
    wrong = []
    for method, path, body in walk(app_500, world, value):
        r = api.client.open(path, method=method, json=body, headers=api.headers)
        if r.status_code >= 500 or (path.startswith("/api/") and r.status_code >= 400 and _refusal(r)):
            wrong.append(f"{method} {path}: {r.status_code} {r.get_data(as_text=True)[:80]}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before


@pytest.mark.parametrize("value", [SUPERSCRIPT, "9" * 30])
@pytest.mark.parametrize("query", ["limit", "after"])
def test_access_log_paging_refuses_what_is_not_a_page(app_500, api, query, value):
    r = api.get(f"access-log?{query}={value}")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert r.get_json()["error"]["details"][0]["field"] == query


# --- files ------------------------------------------------------------------------------------------

HOSTILE_CSV = {
    "bom then not utf-8": (b"\xef\xbb\xbfserial;model\r\nPF000001;ok\r\nPF000002;Think\xffPad\r\n", 3),
    "neither utf-8 nor windows-1257": (b"serial;model\r\nPF000001;ok\r\n\r\nPF000002;Think\x81Pad\r\n", 4),
}
HOSTILE_FILES = {
    **{name: data for name, (data, _) in HOSTILE_CSV.items()},
    "xlsx with billion laughs": dtd_xlsx("billion laughs", "sheet"),
    "xlsx with an external entity": dtd_xlsx("external entity", "shared strings"),
    "stray quote": b'serial;model\r\nQA01;"ThinkPad 11e\r\nQA02;ThinkPad\r\n',
    "header alone": b"serial;model\r\n",
}


def upload(api, path: str, data: bytes, **form):
    return api.post(path, data={"file": (io.BytesIO(data), "hostile.csv"), **form}, content_type="multipart/form-data")


def upload_endpoints(app) -> list:
    """The routes whose view reads an uploaded file."""
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint != "static" and "request.files" in inspect.getsource(app.view_functions[rule.endpoint])]


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_every_upload_refuses_hostile_files_with_a_code(app_500, api, world, snapshot, name):
    rules = upload_endpoints(app_500)
    assert {"provisioning.create_delivery", "api.import_pupils", "api.agreement_paper"} <= {r.endpoint for r in rules}
    before = snapshot()
    wrong = []
    for rule in rules:
        path = rule.build({k: REAL[k](world) for k in rule.arguments}, append_unknown=False)[1]
        r = api.client.post(path, data={"file": (io.BytesIO(HOSTILE_FILES[name]), "hostile.csv"), "signer_name": "Anna",
                                        "contract": world.contract}, content_type="multipart/form-data",
                            headers=api.headers)
        if (fault := _refusal(r)) is not None:
            wrong.append(f"POST {path}: {fault}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before


@pytest.mark.parametrize("name", HOSTILE_CSV)
def test_undecodable_csv_names_the_line_at_both_uploads(api, world, snapshot, name):
    data, line = HOSTILE_CSV[name]
    before = snapshot()
    for path, form in ((f"schools/{world.school}/pupils/import", {}), ("deliveries", {"contract": world.contract})):
        r = upload(api, path, data, **form)
        assert r.status_code == 400, r.get_data(as_text=True)[:300]
        error = r.get_json()["error"]
        assert error["code"] == "invalid_input"
        assert [d["line"] for d in error["details"]] == [line]
        assert "UTF-8" in error["details"][0]["message"]
    assert snapshot() == before


@pytest.mark.parametrize("kind", ["billion laughs", "external entity"])
@pytest.mark.parametrize("member", ["sheet", "shared strings"])
def test_xlsx_carrying_a_dtd_is_invalid_input_at_every_upload(api, world, snapshot, kind, member):
    data = dtd_xlsx(kind, member)
    before = snapshot()
    r = upload(api, "deliveries", data, contract=world.contract)
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    assert r.get_json()["error"]["code"] == "invalid_input"
    assert r.get_json()["error"]["details"][0]["line"] == 1
    r = upload(api, f"schools/{world.school}/pupils/import", data)  # a CSV upload: an XLSX is not one
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert snapshot() == before


def test_a_stray_quote_is_reported_where_it_opened_at_both_uploads(api, world, snapshot):
    before = snapshot()
    manifest = b'serial;model\r\nQA01;"ThinkPad 11e\r\nQA02;ThinkPad\r\nQA03;ThinkPad\r\n'
    r = upload(api, "deliveries", manifest, contract=world.contract)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert [d["line"] for d in r.get_json()["error"]["details"]] == [2]
    register = ("register id;given name;family name;class;guardian name\r\n"
                'E1;Anna;"Kalniņa;5.b;Ilze\r\nE2;Ints;Liepa;5.b;Aiga\r\n').encode()
    r = upload(api, f"schools/{world.school}/pupils/import", register)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert [d["line"] for d in r.get_json()["error"]["details"]] == [2]
    assert snapshot() == before


def test_a_header_without_rows_makes_no_delivery(api, world, snapshot):
    before = snapshot()
    r = upload(api, "deliveries", b"serial;model\r\n", contract=world.contract)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert r.get_json()["error"]["details"] == [
        {"line": 1, "message": "a header and no rows: the manifest lists no device"}]
    r = api.post("deliveries", json={"contract": world.contract, "manifest": []})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_input"
    assert snapshot() == before
