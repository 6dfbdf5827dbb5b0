"""The error format ``{"error": {"code", "message", "details"}}`` for what goes wrong before or
around a handler, the health check, and the public device page a label's QR code opens."""

from __future__ import annotations

import json

import pytest

from fleet import create_app, lifecycle
from fleet.config import Config
from fleet.models import Contract, Device, Event, Founder, School
from tests import factories
from tests.conftest import Api, error_code
from tests.factories import DeviceFactory, FounderFactory, SchoolFactory, UserFactory

TABLES = (Founder, School, Contract, Device, Event)


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


# --- routing --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/", "/api/v1", "/api/v1/devices/", "/api/v2/devices",
                                  "/api/v1/founders/DKN/schools"])
def test_unknown_api_route_is_not_found_in_the_api_format(client, path):
    error = assert_error(client.get(path), 404, "not_found")
    assert error["details"] is None


def test_unknown_route_is_not_found_even_with_a_token(api):
    assert_error(api.get("nope"), 404, "not_found")


def test_unknown_page_outside_the_api_is_html(client):
    r = client.get("/nope")
    assert r.status_code == 404
    assert r.mimetype == "text/html"


@pytest.mark.parametrize("method, path, allowed", [
    ("DELETE", "/api/v1/founders", {"GET", "POST"}),
    ("PUT", "/api/v1/devices", {"GET", "POST"}),
    ("PATCH", "/api/v1/devices/PF00000001", {"GET"}),
    ("GET", "/api/v1/scan", {"POST"}),
    ("DELETE", "/api/v1/devices/PF00000001/events", {"GET"}),
])
def test_wrong_method_is_405_with_allow(client, method, path, allowed):
    r = client.open(path, method=method)
    error = assert_error(r, 405, "method_not_allowed")
    assert error["details"] is None
    assert allowed <= {m.strip() for m in r.headers["Allow"].split(",")}


# --- bodies ---------------------------------------------------------------------------------------

POSTS = ["founders", "schools", "contracts", "devices", "scan", "devices/{serial}/actions/receive"]


@pytest.fixture
def device():
    return DeviceFactory()


@pytest.mark.parametrize("path", POSTS)
def test_malformed_json_is_invalid_input(api, device, count, path):
    before = [count(t) for t in TABLES]
    for data in ('{"code": "DKN", "name": ', "{'code': 'DKN'}", "nav json", "{}}"):
        r = api.post(path.format(serial=device.serial), data=data, content_type="application/json")
        assert_error(r, 400, "invalid_input")
    assert [count(t) for t in TABLES] == before


@pytest.mark.parametrize("path", POSTS)
def test_json_that_is_not_an_object_is_invalid_input(api, device, count, path):
    before = [count(t) for t in TABLES]
    for body in ([], [{"code": "DKN", "name": "Novads"}], "DKN", 17, True, None):
        r = api.post(path.format(serial=device.serial), data=json.dumps(body), content_type="application/json")
        assert_error(r, 400, "invalid_input")
    assert [count(t) for t in TABLES] == before


@pytest.mark.parametrize("path", ["founders", "devices", "scan", "devices/{serial}/actions/receive"])
def test_json_nested_too_deeply_is_invalid_input(api, device, path):
    """The JSON parser gives up with a RecursionError (a 500 before) on deep nesting."""
    r = api.post(path.format(serial=device.serial), data="[" * 100_000, content_type="application/json")
    assert_error(r, 400, "invalid_input")


@pytest.mark.parametrize("path, body", [
    ("founders", {"code": "DKN", "name": "Novads\u0000"}),
    ("devices", {"serial": "PF3A1B2C", "manufacturer": "Le\u0000novo", "model": "X"}),
    ("devices/{serial}/actions/note", {"text": "a\u0000b"}),
    ("devices/{serial}/actions/receive", {"nonce": "n\u0000"}),
    ("scan", {"code": "{serial}", "action": "note", "text": "\u0000"}),
    ("founders", {"code": "DKN", "name": "Novads", "\u0000": 1}),
])
def test_nul_characters_are_refused_on_both_databases(api, device, count, path, body):
    """PostgreSQL cannot store NUL (a 500 there before), SQLite stored it: now both refuse it."""
    before = [count(t) for t in TABLES]
    body = {k: (v.format(serial=device.serial) if v == "{serial}" else v) for k, v in body.items()}
    r = api.post(path.format(serial=device.serial), json=body)
    assert_error(r, 400, "invalid_input")
    assert [count(t) for t in TABLES] == before


@pytest.mark.parametrize("path", ["founders/%00", "schools/%00", "contracts/a%00b", "devices?school=%00"])
def test_nul_in_the_url_is_no_server_error(api, path):
    r = api.get(path)
    assert r.status_code in (200, 400, 404), r.get_data(as_text=True)[:300]
    if r.status_code != 200:
        assert error_code(r) in ("invalid_input", "not_found")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_body_without_a_json_content_type_is_invalid_input(api, count, content_type):
    kw = {"content_type": content_type} if content_type else {}
    r = api.post("founders", data='{"code": "DKN", "name": "Novads"}', **kw)
    assert_error(r, 400, "invalid_input")
    assert count(Founder) == 0


# --- size -----------------------------------------------------------------------------------------

@pytest.fixture
def small_api(app, database_url, tmp_path):
    """An app on the same database that takes request bodies of at most 1 KiB."""
    config = Config(env="test", database_url=database_url, secret_key="t" * 40,
                    public_url="https://fleet.example.lv", max_request_bytes=1024)
    small = create_app(config, instance_path=str(tmp_path / "small"))
    yield Api(small.test_client(), factories.token_for(UserFactory(role="admin")))
    small.extensions["fleet.engine"].dispose()


def test_body_over_the_limit_is_too_large(small_api, count):
    r = small_api.post("founders", json={"code": "DKN", "name": "N" * 2000})
    error = assert_error(r, 413, "too_large")
    assert error["details"] is None
    assert count(Founder) == 0


def test_body_under_the_limit_is_taken(small_api, count):
    r = small_api.post("founders", json={"code": "DKN", "name": "N" * 100})
    assert r.status_code == 201
    assert count(Founder) == 1


@pytest.mark.parametrize("path", ["devices", "scan", "devices/{serial}/actions/image"])
def test_every_body_is_limited(small_api, device, count, path):
    before = [count(t) for t in TABLES]
    body = {"devices": [{"serial": f"S{n:07d}", "manufacturer": "Dell", "model": "L"} for n in range(40)]}
    if path != "devices":
        body = {"code": device.serial, "action": "image", "image": "w" * 2000}
    r = small_api.post(path.format(serial=device.serial), json=body)
    assert_error(r, 413, "too_large")
    assert [count(t) for t in TABLES] == before


# --- server errors --------------------------------------------------------------------------------

def test_unexpected_server_error_is_not_blamed_on_the_client(app, client):
    def crash():
        raise RuntimeError("a bug")

    app.add_url_rule("/api/v1/_crash", "crash", crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: answer, do not re-raise
    error = assert_error(client.get("/api/v1/_crash"), 500, "internal_error")
    assert "a bug" not in error["message"]


# --- health ---------------------------------------------------------------------------------------

def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_without_a_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'fleet.sqlite3'}"
    app = create_app(Config(env="test", database_url=url, secret_key="t" * 40), instance_path=str(tmp_path / "i"))
    r = app.test_client().get("/healthz")
    assert r.status_code == 503
    assert r.get_json()["status"] == "unavailable"
    app.extensions["fleet.engine"].dispose()


# --- the public device page -----------------------------------------------------------------------

@pytest.fixture
def found():
    founder = FounderFactory(name="Dienvidkurzemes novada pašvaldība")
    school = SchoolFactory(name="Grobiņas ģimnāzija", founder=founder)
    return DeviceFactory(status="at_school", school=school, serial="PF9SECRET1", model="ThinkPad Secret")


def test_device_page_says_whose_it_is(client, found):
    r = client.get(f"/d/{found.asset_tag}")
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert found.asset_tag in page
    assert "Dienvidkurzemes novada pašvaldība" in page
    assert "Grobiņas ģimnāzija" in page


def test_device_page_shows_no_internals(client, found):
    page = client.get(f"/d/{found.asset_tag}").get_data(as_text=True)
    for secret in ("PF9SECRET1", "ThinkPad Secret", "at_school", found.school.registration_number, "factory"):
        assert secret not in page


def test_device_page_is_the_same_when_the_device_is_lent(client, session, found):
    """A finder learns nothing about the loan or the pupil: the page does not change with it."""
    before = client.get(f"/d/{found.asset_tag}").get_data(as_text=True)
    lifecycle.apply(session, found, "hand_over", {}, "factory", via="loans")
    session.commit()
    r = client.get(f"/d/{found.asset_tag}")
    assert r.status_code == 200
    assert r.get_data(as_text=True) == before


@pytest.mark.parametrize("path", ["/d/{tag}", "/D/{tag}", "/d/{lower}", "/D/{lower}"])
def test_device_page_by_any_case(client, found, path):
    r = client.get(path.format(tag=found.asset_tag, lower=found.asset_tag.lower()))
    assert r.status_code == 200
    assert "Grobiņas ģimnāzija" in r.get_data(as_text=True)


def test_device_page_of_a_device_not_yet_at_a_school(client):
    device = DeviceFactory(status="labelled")
    r = client.get(f"/d/{device.asset_tag}")
    assert r.status_code == 200
    assert "Dators ikvienam bērnam" in r.get_data(as_text=True)


def test_device_page_escapes_names(client):
    founder = FounderFactory(name="<script>alert(1)</script> novads")
    device = DeviceFactory(status="at_school", school=SchoolFactory(founder=founder))
    page = client.get(f"/d/{device.asset_tag}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("tag", ["DIB-000777-{check}", "DIB-000001-{wrong}", "nav-tags", "DIB-1-2"])
def test_device_page_for_an_unknown_tag_is_404(client, found, tag):
    from fleet.asset_tags import check_character

    wrong = "X" if check_character("DIB", 1) != "X" else "Y"
    tag = tag.format(check=check_character("DIB", 777), wrong=wrong)
    r = client.get(f"/d/{tag}")
    assert r.status_code == 404
    assert r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert "Dienvidkurzemes" not in page
    assert tag in page



@pytest.mark.parametrize("path", ["label-batches/9999999999999999999", "label-batches/2147483648",
                                  "stocktakes/4879439460898070647994843136"])
def test_an_id_longer_than_the_database_holds_is_an_unknown_url(api, path):
    """Found by the fuzzer: such a number reached the driver, which cannot bind it (a 500 on SQLite)."""
    r = api.get(path)
    assert r.status_code == 404 and error_code(r) == "not_found"
