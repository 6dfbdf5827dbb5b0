"""Who may do what: bearer tokens, the role × endpoint × own/other school table, lifecycle actions
per role, and the school scope of school_it and founder_manager (another school's device is
``not_found``, never ``forbidden``)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select, update

from fleet import lifecycle
from fleet.access import auth, policy
from fleet.models import ApiToken, Contract, Delivery, DeliveryItem, Device, Event, Founder, School, utcnow
from tests.conftest import Api, error_code
from tests.factories import ContractFactory, DeliveryFactory, DeviceFactory, SchoolFactory, UserFactory, current_session
from tests.fleet.api.route_table import (  # noqa: F401 (the role sets the rows name)
    ACT,
    COUNT,
    EVERYONE,
    PREPRINT,
    PRINT,
    PUPILS,
    READ_DELIVERIES,
    READ_ONLY,
    REPORTS,
    ROLES,
    SIGNED_AGREEMENTS,
    WAREHOUSE,
    WRITE_CATALOG,
    WRITE_DEVICES,
    Route,
    area_routes,
)

ROUTES = [
    Route("POST", "/api/v1/founders", "founders", {"code": "JNV", "name": "Jaunais novads"}, 201, WRITE_CATALOG),
    Route("GET", "/api/v1/founders", "founders", None, 200, EVERYONE),
    Route("GET", "/api/v1/founders/<code>", "founders/{founder}", None, 200, EVERYONE),
    Route("PATCH", "/api/v1/founders/<code>", "founders/{founder}", {"address": "Rātslaukums 1, Rīga"}, 200,
          WRITE_CATALOG),
    Route("PATCH", "/api/v1/schools/<registration_number>", "schools/{school}", {"phone": "+371 67 012 345"}, 200,
          WRITE_CATALOG),
    Route("POST", "/api/v1/schools", "schools",
          {"registration_number": "4113900999", "name": "Jaunā skola", "founder": "{founder}"}, 201, WRITE_CATALOG),
    Route("GET", "/api/v1/schools", "schools", None, 200, EVERYONE),
    Route("GET", "/api/v1/schools/<registration_number>", "schools/{school}", None, 200, EVERYONE),
    Route("POST", "/api/v1/contracts", "contracts",
          {"number": "K-NEW", "supplier": "SIA Piegādātājs", "funding_source": "state_budget", "unit_price": "499.00"},
          201, WRITE_DEVICES),
    Route("GET", "/api/v1/contracts", "contracts", None, 200, EVERYONE),
    Route("GET", "/api/v1/contracts/<path:number>", "contracts/{contract}", None, 200, EVERYONE),
    Route("PATCH", "/api/v1/contracts/<path:number>", "contracts/{contract}", {"quantity": 1200}, 200, WRITE_DEVICES),
    Route("POST", "/api/v1/devices", "devices",
          {"serial": "NEW-0001", "manufacturer": "Dell", "model": "Latitude 3120"}, 201, WRITE_DEVICES),
    Route("GET", "/api/v1/devices", "devices", None, 200, EVERYONE),
    Route("GET", "/api/v1/devices/<path:ref>", "devices/{serial}", None, 200, EVERYONE, elsewhere=404),
    Route("GET", "/api/v1/devices/<path:ref>/events", "devices/{serial}/events", None, 200, EVERYONE, elsewhere=404),
    Route("POST", "/api/v1/devices/<path:ref>/actions/<action>", "devices/{serial}/actions/note",
          {"text": "pārbaudīts"}, 200, ACT, elsewhere=404),
    Route("POST", "/api/v1/scan", "scan", {"code": "{serial}"}, 200, EVERYONE, elsewhere=404),
    Route("POST", "/api/v1/scan", "scan", {"code": "{serial}", "action": "note", "text": "pārbaudīts"}, 200, ACT,
          elsewhere=404),
    Route("POST", "/api/v1/bulk", "bulk", {"action": "note", "devices": ["{serial}"], "params": {"text": "x"}}, 200,
          ACT),
    Route("POST", "/api/v1/deliveries", "deliveries",
          {"contract": "{contract_number}",
           "manifest": [{"serial": "DLV-0002", "manufacturer": "HP", "model": "x360"}]},
          201, WRITE_DEVICES),
    Route("GET", "/api/v1/deliveries", "deliveries", None, 200, READ_DELIVERIES),
    Route("GET", "/api/v1/deliveries/<int:delivery_id>", "deliveries/{delivery}", None, 200, READ_DELIVERIES),
    Route("GET", "/api/v1/deliveries/<int:delivery_id>/report.csv", "deliveries/{delivery}/report.csv", None, 200,
          READ_DELIVERIES),
    Route("GET", "/api/v1/deliveries/<int:delivery_id>/report.pdf", "deliveries/{delivery}/report.pdf", None, 200,
          READ_DELIVERIES),
    Route("POST", "/api/v1/deliveries/<int:delivery_id>/receive", "deliveries/{delivery}/receive",
          {"code": "DLV-0001"}, 200, WRITE_DEVICES),
    Route("POST", "/api/v1/deliveries/<int:delivery_id>/close", "deliveries/{delivery}/close", None, 200,
          WRITE_DEVICES),
    Route("POST", "/api/v1/imaging", "imaging",
          {"serial": "{in_warehouse}", "image": "win11", "station": "st-1", "result": "failure", "hardware": {}}, 200,
          WRITE_DEVICES),
    Route("GET", "/api/v1/imaging/mismatches", "imaging/mismatches", None, 200, READ_DELIVERIES),
    Route("POST", "/api/v1/shipments", "shipments", {"school": "{school}", "devices": ["{labelled}"]}, 201,
          WRITE_DEVICES),
    Route("POST", "/api/v1/shipments", "shipments",  # a transfer: the school's own device to another school
          {"school": "{other_school}", "from_school": "{school}", "devices": ["{serial}"]}, 201,
          frozenset({"admin", "school_it"}), elsewhere=403),  # schools are public: "not from your school"
    Route("POST", "/api/v1/shipments/scan", "shipments/scan", {"code": "{labelled}", "school": "{school}"}, 200,
          WRITE_DEVICES),  # the packing station: school IT may not ship from the warehouse
    Route("GET", "/api/v1/shipments", "shipments", None, 200, EVERYONE),
    Route("GET", "/api/v1/shipments/<int:shipment_id>", "shipments/{shipment}", None, 200, EVERYONE, elsewhere=404),
    Route("GET", "/api/v1/shipments/<int:shipment_id>/packing-list.pdf", "shipments/{shipment}/packing-list.pdf", None,
          200, EVERYONE, elsewhere=404),
    Route("POST", "/api/v1/shipments/<int:shipment_id>/arrive", "shipments/{shipment}/arrive", {"code": "{in_transit}"},
          200, frozenset({"admin", "school_it"}), elsewhere=404),
    Route("GET", "/api/v1/label-stocks", "label-stocks", None, 200, EVERYONE),
    Route("GET", "/api/v1/label-stocks/<stock_id>/calibration.pdf", "label-stocks/avery-l7160/calibration.pdf", None,
          200, PRINT),
    Route("GET", "/api/v1/devices/<path:ref>/label.<fmt>", "devices/{serial}/label.pdf", None, 200, EVERYONE,
          elsewhere=404),
    Route("POST", "/api/v1/labels", "labels", {"devices": ["{serial}"], "stock": "avery-l7160"}, 200, PRINT,
          elsewhere=400),  # the device's line says not_found, as for an unknown serial
    Route("POST", "/api/v1/label-batches", "label-batches", {"count": 2, "stock": "avery-l7651"}, 200, PREPRINT),
    Route("GET", "/api/v1/label-batches/<int:batch_id>", "label-batches/{batch}", None, 200, PREPRINT),
    Route("POST", "/api/v1/scan", "scan", {"code": "{preprinted}", "action": "bind", "serial": "{in_warehouse}"}, 200,
          PREPRINT),
    Route("GET", "/api/v1/printers", "printers", None, 200, PRINT),
    Route("POST", "/api/v1/printers", "printers", {"name": "Jauns printeris", "school": "{school}"}, 201, PRINT,
          elsewhere=400),
    Route("PATCH", "/api/v1/printers/<name>", "printers/{printer}", {"offset_x": 0.5}, 200, PRINT, elsewhere=404),
    Route("POST", "/api/v1/stocktakes", "stocktakes", {"school": "{school}"}, 201, frozenset({"admin", "school_it"}),
          elsewhere=403),  # schools are public: "you may not count there"
    Route("GET", "/api/v1/stocktakes/<int:stocktake_id>", "stocktakes/{stocktake}", None, 200, COUNT, WAREHOUSE, 404),
    Route("POST", "/api/v1/stocktakes/<int:stocktake_id>/scan", "stocktakes/{stocktake}/scan", {"code": "{serial}"},
          200,
          COUNT, WAREHOUSE, 404),
    Route("POST", "/api/v1/stocktakes/<int:stocktake_id>/close", "stocktakes/{stocktake}/close", None, 200, COUNT,
          WAREHOUSE, 404),
    Route("GET", "/api/v1/access-log", "access-log", None, 200, frozenset({"admin", "auditor"})),
    Route("GET", "/api/v1/outbox", "outbox?state=dead", None, 200, frozenset({"admin"})),
    Route("GET", "/api/v1/scans/refused", "scans/refused", None, 200, EVERYONE),  # each its own, and its places'
    Route("GET", "/api/v1/scans/refused", "scans/refused?stocktake={stocktake}", None, 200, EVERYONE,
          frozenset({"warehouse", "ministry", "founder_manager", "auditor"}), 404),  # those who count there
    Route("GET", "/api/v1/eligibility-groups", "eligibility-groups", None, 200, EVERYONE),
    Route("POST", "/api/v1/schools/<reg>/pupils", "schools/{school}/pupils",
          {"register_id": "NEW-1", "given_name": "Ēvalds", "family_name": "Ņikitins", "grade": "5.b",
           "guardian": {"name": "Anna Ņikitina"}}, 201, PUPILS, elsewhere=404),
    Route("GET", "/api/v1/schools/<reg>/pupils", "schools/{school}/pupils", None, 200, PUPILS, elsewhere=404),
    Route("POST", "/api/v1/schools/<reg>/pupils/import", "schools/{school}/pupils/import", {}, 400, PUPILS,
          elsewhere=404),  # reached: no file sent
    Route("GET", "/api/v1/pupils/<int:pupil_id>", "pupils/{pupil}", None, 200, PUPILS, elsewhere=404),
    Route("PATCH", "/api/v1/pupils/<int:pupil_id>", "pupils/{pupil}", {"grade": "6.a"}, 200, PUPILS, elsewhere=404),
    Route("POST", "/api/v1/loans", "loans", {"device": "{lendable}", "pupil": "{free_pupil}", "accessories": []}, 201,
          PUPILS, elsewhere=404),
    Route("POST", "/api/v1/loans/class", "loans/class",
          {"pairs": [{"pupil": "{free_pupil}", "device": "{lendable}"}], "accessories": []}, 200, PUPILS,
          elsewhere=400),  # the pair is refused: not found
    Route("GET", "/api/v1/loans/<int:loan_id>", "loans/{loan}", None, 200, PUPILS, elsewhere=404),
    Route("GET", "/api/v1/loans/<int:loan_id>/agreement.pdf", "loans/{loan}/agreement.pdf", None, 200, PUPILS,
          elsewhere=404),  # awaiting signature
    Route("GET", "/api/v1/loans/<int:loan_id>/agreement.pdf", "loans/{returned_loan}/agreement.pdf", None, 200,
          SIGNED_AGREEMENTS, elsewhere=404),  # the signed copy
    Route("GET", "/api/v1/loans/<int:loan_id>/agreement.pdf", "loans/{returned_loan}/agreement.pdf?original=1", None,
          200, PUPILS, elsewhere=404),  # a signed agreement's original
    Route("GET", "/api/v1/loans/<int:loan_id>/agreement/scan", "loans/{returned_loan}/agreement/scan", None, 200,
          PUPILS, elsewhere=404),
    Route("POST", "/api/v1/loans/<int:loan_id>/agreement/link", "loans/{loan}/agreement/link", None, 200, PUPILS,
          elsewhere=404),
    Route("POST", "/api/v1/loans/<int:loan_id>/agreement/paper", "loans/{loan}/agreement/paper", {}, 400, PUPILS,
          elsewhere=404),  # reached: no scan sent
    Route("POST", "/api/v1/loans/<int:loan_id>/return", "loans/{loan}/return",
          {"condition": "good", "accessories_returned": []}, 200, PUPILS, elsewhere=404),
    Route("POST", "/api/v1/loans/collect", "loans/collect",
          {"code": "{loaned}", "condition": "good", "accessories_returned": []}, 200, PUPILS, elsewhere=404),
    Route("POST", "/api/v1/loans/<int:loan_id>/swap", "loans/{loan}/swap",
          {"device": "{lendable}", "condition": "good"},
          201, PUPILS, elsewhere=404),
    Route("GET", "/api/v1/loans/<int:loan_id>/return-act.pdf", "loans/{returned_loan}/return-act.pdf", None, 200,
          PUPILS, elsewhere=404),
    Route("GET", "/api/v1/loans", "loans?school={school}&state=awaiting_signature", None, 200, PUPILS,
          elsewhere=404),  # the agreements roster
    Route("GET", "/api/v1/schools/<reg>/agreements/summary", "schools/{school}/agreements/summary", None, 200, PUPILS,
          elsewhere=404),
    Route("POST", "/api/v1/founders/<code>/agreement-templates", "founders/{founder}/agreement-templates",
          {"version": "T-1", "language": "lv", "title": "Līgums", "sections": [{"heading": "1. Priekšmets",
                                                                                 "paragraphs": ["Teksts."]}]},
          201, WRITE_CATALOG),
    # --- evidence (helper E): admins and auditors (the packs hold the signed agreements)
    Route("POST", "/api/v1/evidence", "evidence", {"target_date": "2023-12-31", "founder": "{founder}"}, 202,
          frozenset({"admin", "auditor"})),
    Route("GET", "/api/v1/evidence", "evidence", None, 200, frozenset({"admin", "auditor"})),
    Route("GET", "/api/v1/evidence/<int:pack_id>", "evidence/999999", None, 404,
          frozenset({"admin", "auditor"})),  # reached: no such pack
    Route("GET", "/api/v1/evidence/<int:pack_id>/pack.zip", "evidence/999999/pack.zip", None, 404,
          frozenset({"admin", "auditor"})),  # reached: no such pack
    # --- reports (helper C): counts only, for the managers and the auditor; a founder manager its own schools
    Route("GET", "/api/v1/reports", "reports", None, 200, REPORTS),
    Route("GET", "/api/v1/reports/<name>", "reports/milestones", None, 200, REPORTS),
    Route("GET", "/api/v1/reports/<name>", "reports/milestones?founder={founder}", None, 200, REPORTS,
          elsewhere=404),  # another founder's manager: not found
    Route("GET", "/api/v1/reports/<name>.<fmt>", "reports/milestones.csv?table=by_school", None, 200, REPORTS),
    Route("GET", "/api/v1/reports/<name>.<fmt>", "reports/funding.xlsx", None, 200, REPORTS),
    Route("GET", "/api/v1/reports/<name>.<fmt>", "reports/health.pdf?school={school}", None, 200, REPORTS,
          elsewhere=404),
    Route("GET", "/api/v1/reports/lists/<name>", "reports/lists/not_seen?days=0", None, 200, REPORTS),
    Route("GET", "/api/v1/reports/lists/<name>", "reports/lists/unsigned?founder={founder}", None, 200, REPORTS,
          elsewhere=404),
]
ROUTES += area_routes()


class World(dict):
    """The world's objects; the costly ones (loans with their agreements) made only when a route
    names them."""

    def __missing__(self, key):
        for keys, make in LAZY:
            if key in keys:
                self.update(make(self))
                return self[key]
        raise KeyError(key)


def pupils(world) -> dict:
    """Two pupils of the world's school, and a laptop there for the one without a loan."""
    from tests.factories import PupilFactory

    school = world["_school"]
    return {"pupil": PupilFactory(school=school).id, "free_pupil": PupilFactory(school=school).id,
            "lendable": DeviceFactory(status="at_school", school=school).serial}


def survey_round(world) -> dict:
    """A round of the connectivity survey, open until long after the tests."""
    from datetime import date

    from fleet.models import SurveyRound

    session = current_session()
    session.add(SurveyRound(code="2024", title="2024", opens_on=date(2024, 1, 8), deadline=date(2099, 6, 30)))
    session.commit()
    return {"round": "2024"}


SEE_ALL = policy.Scope.of(policy.Principal(0, "factory", "admin"))


def on_loan(world) -> dict:
    """The pupil has a laptop on loan, its agreement awaiting signature."""
    from fleet.lending import loans

    session = current_session()
    loaned = DeviceFactory(status="at_school", school=world["_school"])
    handed = loans.hand_over(session, SEE_ALL, loans.HandOver(loaned.serial, world["pupil"]), "https://fleet.example.lv")
    session.commit()
    return {"loan": handed.loan.id, "loaned": loaned.serial}


def returned(world) -> dict:
    """Another pupil's loan, signed on paper and returned: a scan and a return act are stored."""
    import io

    from PIL import Image

    from fleet.lending import agreements, loans, returns
    from tests.factories import PupilFactory

    session = current_session()
    school = world["_school"]
    old = loans.hand_over(session, SEE_ALL, loans.HandOver(DeviceFactory(status="at_school", school=school).serial,
                                                           PupilFactory(school=school).id), "https://fleet.example.lv")
    scan = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(scan, format="PNG")
    agreements.sign(session, old.agreement, "paper", "Anna Ņikitina", scan=scan.getvalue())
    returns.return_loan(session, old.loan, {"condition": "good", "accessories_returned": []}, "factory")
    session.commit()
    return {"returned_loan": old.loan.id}


LAZY = (
    (("in_warehouse",), lambda world: {"in_warehouse": DeviceFactory(status="in_warehouse").serial}),
    (("labelled",), lambda world: {"labelled": DeviceFactory(status="labelled").serial}),
    (("shipment", "in_transit"), lambda world: shipped_to(world["_school"])),
    (("stocktake",), lambda world: {"stocktake": counting(world["_school"])}),
    (("batch", "preprinted", "printer"), lambda world: label_things(world["_school"])),
    (("round",), survey_round),
    (("pupil", "free_pupil", "lendable"), pupils), (("loan", "loaned"), on_loan), (("returned_loan",), returned),
)


@pytest.fixture
def world():
    """A founder, a school, a contract, and a device at that school (so school_it sees it)."""
    school = SchoolFactory()
    contract = ContractFactory(number="IZM-2022/017")  # a slash: read back percent-encoded
    device = DeviceFactory(status="at_school", school=school)
    delivery = DeliveryFactory(contract=contract, serials=["DLV-0001"])
    other_school = SchoolFactory()  # of another founder
    return World({
        "founder": school.founder.code, "school": school.registration_number,
        "other_school": other_school.registration_number, "_other_school": other_school,
        "contract": quote(contract.number, safe=""), "contract_number": contract.number,
        "serial": device.serial, "delivery": delivery.id, "_school": school,
    })


def label_things(school) -> dict:
    from fleet import labelling
    from fleet.models import Printer

    session = current_session()
    batch = labelling.create_batch(session, 1, "avery-l7651", "DIB", "factory")
    session.add(Printer(name="Skolas kopētājs", school_id=school.id, offset_x=0.0, offset_y=0.0))
    session.commit()
    return {"batch": batch.id, "preprinted": labelling.batch_tags(session, batch)[0],
            "printer": "Skolas%20kop%C4%93t%C4%81js"}


def shipped_to(school) -> dict:
    from provisioning.shipments import create_shipment

    session = current_session()
    device = DeviceFactory(status="labelled")
    shipment = create_shipment(session, SEE_ALL, school.registration_number, [device.serial])
    session.commit()
    return {"shipment": shipment.id, "in_transit": device.serial}


def counting(school) -> int:
    from provisioning.stocktakes import start

    session = current_session()
    stocktake = start(session, SEE_ALL, school.registration_number)
    session.commit()
    return stocktake.id


def fill(value, world):
    if isinstance(value, str):
        filled = value.format_map(world)
        return int(filled) if value in ("{pupil}", "{free_pupil}") else filled  # a pupil is named by its id
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, world) for v in value]
    return value


def call(api: Api, route: Route, world: dict):
    path = fill(route.path, world)
    if route.method == "GET":
        return api.get(path)
    if route.method in ("PATCH", "PUT"):
        return api.client.open(api._url(path), method=route.method, json=fill(route.body, world), headers=api.headers)
    return api.post(path, json=fill(route.body, world))


def client_for(api_as, role: str, world: dict, scope: str = "own") -> Api:
    """A client of the role; school_it tied to the world's school, founder_manager to its founder —
    or, with scope "other", to another school and founder."""
    school = world["_school"] if scope == "own" else world["_other_school"]
    if role == "founder_manager":
        return api_as(user=UserFactory(role=role, founders=[school.founder]))
    return api_as(role, school=school if role == "school_it" else None)


TABLES = (Founder, School, Contract, Device, Event, Delivery, DeliveryItem)
SCOPES = [(role, "own") for role in ROLES] + [(role, "other") for role in sorted(policy.SCOPED_ROLES)]


# The role table is the policy's, the same on both databases, and it is large (every route × every
# role × own and other school): it runs on SQLite. PostgreSQL's scoping queries are covered by the
# scope tests below and by every feature's own tests, which run on both.
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@ON_SQLITE
@pytest.mark.parametrize("role, scope", SCOPES, ids=[f"{role}-{scope}" for role, scope in SCOPES])
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_role_may_use_route(api_as, world, count, route, role, scope):
    api = client_for(api_as, role, world, scope)
    fill([route.path, route.body], world)  # the objects the route names exist before counting
    before = [count(t) for t in TABLES]
    r = call(api, route, world)
    elsewhere = scope == "other" and route.elsewhere == 404
    if role in route.scoped_out or role in route.roles and elsewhere:
        assert r.status_code == 404 and error_code(r) == "not_found", r.get_json()
        assert [count(t) for t in TABLES] == before
    elif role in route.roles:
        assert r.status_code == (route.elsewhere if scope == "other" and route.elsewhere else route.ok), r.get_json()
        if scope == "other" and route.method == "GET":  # lists and files: nothing of the other school's
            assert not [world[k] for k in ("serial", "in_transit") if k in world and world[k].encode() in r.data]
        if policy.is_personal(api_rules(api.client.application)[(route.method, route.rule)].permission):
            assert r.headers.get("Cache-Control") == "no-store", r.headers  # pupils' data: no cache keeps it
    else:
        assert r.status_code == 403, r.get_json()
        assert error_code(r) == "forbidden"
        assert [count(t) for t in TABLES] == before  # a refused write stores nothing


@ON_SQLITE
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_route_needs_a_token(client, world, count, route):
    fill([route.path, route.body], world)
    before = [count(t) for t in TABLES]
    r = call(Api(client, None), route, world)
    assert r.status_code == 401
    assert error_code(r) == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert [count(t) for t in TABLES] == before


PUBLIC = {("GET", "/api/v1/openapi.json"), ("GET", "/api/docs")}  # the API's description: no record in it


def api_rules(app, public: bool = False) -> dict[tuple[str, str], object]:
    """(method, rule) → view function, for every route under /api/ (fleet's and provisioning's) that
    needs a sign-in (``public``: for those that do not)."""
    found = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.rule.startswith("/api/") and getattr(view, "public", False) == public:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found[(method, rule.rule)] = view
    return found


def test_only_the_api_description_is_public(app, client):
    assert set(api_rules(app, public=True)) == PUBLIC
    for _method, rule in PUBLIC:
        r = client.get(rule)
        assert r.status_code == 200
        assert r.mimetype == ("application/json" if rule.endswith(".json") else "text/html")


def test_every_api_endpoint_declares_a_known_permission(app):
    known = set().union(*policy.PERMISSIONS.values())
    rules = api_rules(app)
    assert rules, "the api blueprint has no routes?"
    for (method, rule), view in rules.items():
        permission = getattr(view, "permission", None)
        assert permission is not None, f"{method} {rule} has no @endpoint(permission)"
        assert permission in known, f"{method} {rule} needs {permission!r}, which no role in fleet.access.policy has"


def test_table_covers_every_api_route(app):
    """A new route fails here until it is added to ROUTES with the roles that may use it."""
    assert set(api_rules(app)) == {(r.method, r.rule) for r in ROUTES}


def test_every_role_has_permissions_and_actions():
    from fleet.models import ROLES as MODEL_ROLES

    assert set(policy.PERMISSIONS) == set(policy.ACTIONS) == set(MODEL_ROLES) == set(ROLES)


# --- tokens -------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", "Bearer    ", "Token {token}", "Basic dXNlcjpwYXNz", "{token}",
    "Bearer flt_unknown-token", "Bearer {token}x",
])
def test_missing_malformed_or_unknown_token_is_unauthorized(client, api, header):
    token = api.headers["Authorization"].removeprefix("Bearer ")
    headers = {} if header is None else {"Authorization": header.format(token=token)}
    r = client.get("/api/v1/founders", headers=headers)
    assert r.status_code == 401
    assert error_code(r) == "unauthorized"
    assert r.get_json()["error"]["message"]
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_valid_token_passes(client, api):
    assert api.get("founders").status_code == 200
    token = api.headers["Authorization"].removeprefix("Bearer ")
    assert client.get("/api/v1/founders", headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_revoked_token_is_unauthorized(client, session):
    user = UserFactory(role="admin")
    token, plain = auth.create_token(session, user.name, "skeneris")
    _, other = auth.create_token(session, user.name, "klēpjdators")
    session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/founders", headers=headers).status_code == 200

    auth.revoke_token(session, token.id)
    session.commit()

    r = client.get("/api/v1/founders", headers=headers)
    assert r.status_code == 401
    assert error_code(r) == "unauthorized"
    r = client.post("/api/v1/founders", json={"code": "X", "name": "X"}, headers=headers)
    assert r.status_code == 401
    assert client.get("/api/v1/founders", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_a_tokens_last_use_is_written_at_most_once_a_minute(client, session):
    user = UserFactory(role="admin")
    token, plain = auth.create_token(session, user.name, "skeneris")
    session.commit()
    headers = {"Authorization": f"Bearer {plain}"}

    def last_used():
        session.commit()  # a fresh read
        return session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token.id))

    assert last_used() is None
    assert client.get("/api/v1/founders", headers=headers).status_code == 200
    first = last_used()
    assert first is not None and utcnow() - first < timedelta(seconds=30)
    assert client.get("/api/v1/founders", headers=headers).status_code == 200
    assert last_used() == first  # within the minute: not written again
    long_ago = utcnow() - auth.LAST_USED_RESOLUTION - timedelta(seconds=5)
    session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=long_ago))
    session.commit()
    assert client.get("/api/v1/founders", headers=headers).status_code == 200
    assert last_used() > long_ago + auth.LAST_USED_RESOLUTION


def test_only_the_hash_of_a_token_is_stored(session):
    user = UserFactory()
    token, plain = auth.create_token(session, user.name)
    session.commit()
    assert plain.startswith("flt_")
    assert token.token_hash == auth.hash_token(plain) != plain


# --- lifecycle actions per role --------------------------------------------------------------------

# action → (the status it is applied in, its parameters, the status it leads to)
SUCCEEDS = {
    "receive": ("expected", {}, "in_warehouse"),
    "image": ("in_warehouse", {"image": "win11-edu-v3"}, "imaged"),
    "label": ("imaged", {}, "labelled"),
    "ship": ("labelled", {"school": "{school}"}, "in_transit"),
    "arrive": ("in_transit", {}, "at_school"),
    "wipe": ("at_school", {"method": "NIST 800-88"}, "at_school"),
    "repair": ("at_school", {"fault": "ekrāns"}, "in_repair"),
    "repaired": ("in_repair", {}, "at_school"),
    "report_lost": ("at_school", {}, "lost"),
    "report_stolen": ("at_school", {"police_report": "11-2022-0042"}, "stolen"),
    "found": ("lost", {}, "at_school"),
    "transfer": ("at_school", {"school": "{other}"}, "in_transit"),
    "write_off": ("in_warehouse", {"reason": "DOA"}, "written_off"),
    "note": ("at_school", {"text": "pārbaude"}, "at_school"),
}


def test_action_table_covers_every_direct_lifecycle_action():
    direct = {name for name, a in lifecycle.ACTIONS.items() if a.owner is None}
    assert set(SUCCEEDS) == direct
    for role, actions in policy.ACTIONS.items():
        assert actions <= direct, f"{role} lists actions the lifecycle does not have or applies only via others"
    assert policy.ACTIONS["admin"] == direct
    for role in READ_ONLY:
        assert policy.ACTIONS[role] == frozenset()


@pytest.mark.parametrize("action", sorted(SUCCEEDS))
@pytest.mark.parametrize("role", ["admin", "warehouse", "school_it"])
def test_role_may_apply_action(api_as, role, action):
    school, other = SchoolFactory(), SchoolFactory()
    api = api_as(role, school=school if role == "school_it" else None)
    start, params, end = SUCCEEDS[action]
    params = fill(params, {"school": school.registration_number, "other": other.registration_number})
    if action in policy.ACTIONS[role]:
        device = DeviceFactory(status=start, school=school)
        r = api.post(f"devices/{device.serial}/actions/{action}", json=params)
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["event"]["action"] == action
        assert r.get_json()["device"]["status"] == end
    else:
        # A device this role can see (school_it sees only its school's), so the answer is the role's.
        device = DeviceFactory(status="at_school", school=school)
        for r in (
            api.post(f"devices/{device.serial}/actions/{action}", json=params),
            api.post("scan", json={"code": device.serial, "action": action, **params}),
        ):
            assert r.status_code == 403, r.get_json()
            assert error_code(r) == "forbidden"
            assert r.get_json()["error"]["details"] == {"action": action}
        assert len(api.get(f"devices/{device.serial}/events").get_json()["items"]) == 6


@pytest.mark.parametrize("action", sorted(SUCCEEDS))
def test_ministry_may_apply_no_action(api_as, action):
    device = DeviceFactory(status="at_school")
    ministry = api_as("ministry")
    r = ministry.post(f"devices/{device.serial}/actions/{action}", json={})
    assert r.status_code == 403
    assert r.get_json()["error"]["details"] == {"needs": "devices:act"}
    r = ministry.post("scan", json={"code": device.serial, "action": action})
    assert r.status_code == 403
    assert ministry.get(f"devices/{device.serial}").get_json()["status"] == "at_school"


# --- the school_it scope --------------------------------------------------------------------------

@pytest.fixture
def two_schools():
    mine, theirs = SchoolFactory(), SchoolFactory()
    return {
        "mine": mine, "theirs": theirs,
        "at_mine": DeviceFactory(status="at_school", school=mine),
        "coming_to_mine": DeviceFactory(status="in_transit", school=mine),
        "at_theirs": DeviceFactory(status="at_school", school=theirs),
        "in_warehouse": DeviceFactory(status="labelled"),
    }


def listed(api, query="") -> list[str]:
    r = api.get(f"devices{query}")
    assert r.status_code == 200
    return [d["serial"] for d in r.get_json()["items"]]


def test_school_it_lists_only_its_schools_devices(api_as, two_schools):
    w = two_schools
    it = api_as("school_it", school=w["mine"])
    assert listed(it) == [w["at_mine"].serial, w["coming_to_mine"].serial]
    assert listed(it, f"?school={w['theirs'].registration_number}") == []
    assert listed(it, "?status=labelled") == []
    assert listed(it, "?status=in_transit") == [w["coming_to_mine"].serial]


def test_school_it_with_two_schools_sees_both(api_as, two_schools):
    w = two_schools
    user = UserFactory(role="school_it", schools=[w["mine"], w["theirs"]])
    it = api_as(user=user)
    assert listed(it) == [w["at_mine"].serial, w["coming_to_mine"].serial, w["at_theirs"].serial]


def test_school_it_without_a_school_sees_nothing(api_as, two_schools):
    assert listed(api_as("school_it")) == []


@pytest.mark.parametrize("role", ["admin", "warehouse", "ministry"])
def test_other_roles_see_every_device(api_as, two_schools, role):
    assert len(listed(api_as(role))) == 4


@pytest.mark.parametrize("device", ["at_theirs", "in_warehouse"])
def test_school_it_cannot_reach_another_schools_device_by_any_code(api_as, two_schools, device):
    d = two_schools[device]
    admin = api_as("admin")
    history = admin.get(f"devices/{d.serial}/events").get_json()["items"]
    it = api_as("school_it", school=two_schools["mine"])
    url = quote(f"https://fleet.example.lv/d/{d.asset_tag}", safe="")
    answers = [
        it.get(f"devices/{d.serial}"),
        it.get(f"devices/{d.asset_tag}"),
        it.get(f"devices/{d.asset_tag.lower()}"),
        it.get(f"devices/{url}"),
        it.get(f"devices/{d.serial}/events"),
        it.post(f"devices/{d.serial}/actions/note", json={"text": "x"}),
        it.post(f"devices/{d.asset_tag}/actions/report_lost", json={}),
        it.post(f"devices/{d.serial}/actions/receive", json={}),  # not its role either: still 404
        it.post("scan", json={"code": d.asset_tag}),
        it.post("scan", json={"code": d.serial, "action": "note", "text": "x"}),
    ]
    for r in answers:
        assert r.status_code == 404, r.get_json()  # never 403: that would say the device exists
        assert error_code(r) == "not_found"
    assert admin.get(f"devices/{d.serial}/events").get_json()["items"] == history


def test_another_schools_device_answers_exactly_like_an_unknown_one(api_as, two_schools):
    it = api_as("school_it", school=two_schools["mine"])
    theirs = two_schools["at_theirs"].serial
    for pad in ("", "%20", "%20%20"):  # surrounding blanks, as a scanner may send them
        hidden = it.get(f"devices/{pad}{theirs}{pad}").get_json()["error"]
        unknown = it.get(f"devices/{pad}NOPE0001{pad}").get_json()["error"]
        assert hidden["code"] == unknown["code"] == "not_found"
        assert hidden["message"] == unknown["message"].replace("NOPE0001", theirs)
        assert (hidden["details"], unknown["details"]) == ({"ref": theirs}, {"ref": "NOPE0001"})


def test_school_it_works_on_its_own_devices(api_as, two_schools):
    w = two_schools
    it = api_as("school_it", school=w["mine"])
    assert it.get(f"devices/{w['at_mine'].asset_tag}").status_code == 200
    r = it.post("scan", json={"code": w["coming_to_mine"].asset_tag, "action": "arrive"})
    assert r.status_code == 200
    assert r.get_json()["device"]["status"] == "at_school"


def test_device_transferred_away_leaves_the_school_its_scope(api_as, two_schools):
    w = two_schools
    it = api_as("school_it", school=w["mine"])
    serial = w["at_mine"].serial
    r = it.post(f"devices/{serial}/actions/transfer", json={"school": w["theirs"].registration_number})
    assert r.status_code == 200
    assert r.get_json()["device"]["school"] == w["theirs"].registration_number
    assert it.get(f"devices/{serial}").status_code == 404
    assert serial not in listed(it)
    theirs_it = api_as("school_it", school=w["theirs"])
    assert theirs_it.post(f"devices/{serial}/actions/arrive", json={}).status_code == 200
