"""The OpenAPI document at /api/v1/openapi.json: valid OpenAPI 3.1, every route under /api/v1 in it with
its methods, parameters, bodies, answers (files too) and the error format; and what the schema layer
says about input it refuses."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from fleet.errors import STATUS
from tests.conftest import error_code
from tests.factories import DeviceFactory
from tests.fleet.api.test_access import api_rules


@pytest.fixture
def document(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.get_json()


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.removeprefix("/api/v1"))


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_route_under_api_v1_is_in_the_document_with_its_methods(app, document):
    rules = {(m, r) for m, r in api_rules(app) if r.startswith("/api/v1/")}
    assert rules
    described = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    missing = {(m, r) for m, r in rules if (m, _openapi_path(r)) not in described}
    assert missing == set()
    for method, rule in rules:
        operation = document["paths"][_openapi_path(rule)][method.lower()]
        assert operation["x-permission"] == api_rules(app)[(method, rule)].permission
        assert {"bearer": []} in operation["security"] and {"session": []} in operation["security"]
        names = {p["name"] for p in operation.get("parameters", ()) if p["in"] == "path"}
        assert names == set(re.findall(r"<(?:\w+:)?(\w+)>", rule)), rule


def test_bearer_and_session_security_schemes(document, app):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["session"]["in"] == "cookie" and schemes["session"]["name"] == app.config["SESSION_COOKIE_NAME"]
    assert document["paths"]["/openapi.json"]["get"]["security"] == []


def test_query_parameters_bodies_and_json_answers_are_described(document):
    listing = document["paths"]["/devices"]["get"]
    query = {p["name"]: p for p in listing["parameters"]}
    assert set(query) >= {"limit", "after", "status", "school"}
    assert query["limit"]["schema"]["maximum"] == 500 and "at_school" in query["status"]["schema"]["enum"]
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert page == {"$ref": "#/components/schemas/Page_Device_"}
    device = document["components"]["schemas"]["Device"]
    assert device["properties"]["created_at"]["format"] == "date-time"
    bulk = document["paths"]["/bulk"]["post"]["requestBody"]
    assert bulk["required"] and bulk["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/BulkIn"}
    action = document["paths"]["/devices/{ref}/actions/{action}"]["post"]["requestBody"]
    assert action["required"] is False  # every parameter is optional: no body is an empty one


def test_file_answers_name_their_media_types(document):
    label = document["paths"]["/devices/{ref}/label.{fmt}"]["get"]["responses"]["200"]["content"]
    assert set(label) == {"application/pdf", "image/png", "image/svg+xml", "application/zpl"}
    printed = document["paths"]["/labels"]["post"]["responses"]["200"]
    assert "X-Fleet-Labels" in printed["headers"] and "Content-Disposition" in printed["headers"]


def test_every_operation_answers_the_error_format_with_its_codes(document):
    error = document["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]["code"]["enum"]) == {*STATUS, "internal_error"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if operation["security"]:
                ref = operation["responses"]["default"]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path)
                assert {"401", "403"} <= set(operation["responses"]), (method, path)


def test_timestamps_are_utc_with_z(api):
    DeviceFactory()
    [device] = api.get("devices").get_json()["items"]
    assert device["created_at"].endswith("Z") and "+00:00" not in device["created_at"]


def test_a_refused_query_names_each_field_with_a_clear_message(api):
    r = api.get("devices?limit=0&status=borrowed&after=nope")
    assert r.status_code == 400
    body = r.get_json()["error"]
    assert body["code"] == "invalid_input"
    by_field = {d["field"]: d for d in body["details"]}
    assert by_field["limit"]["message"] == "must be a whole number 1-500"
    assert by_field["status"]["message"].startswith("must be one of expected, in_warehouse")
    assert "at_school" in by_field["status"]["allowed"]
    assert by_field["after"]["message"] == "must be the cursor of a previous page (its next)"
    assert body["message"].startswith("limit: must be a whole number 1-500; ")


def test_a_refused_body_names_unknown_missing_and_mistyped_fields(api):
    r = api.post("bulk", json={"devices": "PF1", "colour": "red"})
    details = {d["field"]: d["message"] for d in r.get_json()["error"]["details"]}
    assert details == {"action": "is required", "devices": "must be a list", "colour": "unknown field"}
    r = api.post("bulk", json=["not", "an", "object"])
    assert r.get_json()["error"] == {"code": "invalid_input", "message": "the request body must be a JSON object",
                                     "details": None}


def test_a_number_in_a_string_is_no_number_in_a_body(api):
    r = api.post("label-batches", json={"count": "5", "stock": "avery-l7160"})
    assert r.get_json()["error"]["details"] == [{"field": "count", "message": "must be a whole number"}]


def test_in_tests_an_answer_that_strays_from_its_model_fails(app):
    """The check every API test runs: a field the document does not name, a missing one, a timestamp
    not in Z, or a status the operation does not declare, each fails (so the suite keeps the document true)."""
    from flask import Response

    from fleet.api.schemas import catalog as schemas
    from fleet.api.schemas.common import Page
    from fleet.api.schemas.devices import Event
    from fleet.http import ERROR
    from fleet.http.schema import Operation, check_answer

    operation = Operation("catalog:read", answers={200: Page[schemas.Founder], 404: ERROR})

    def check(status: int, body: str) -> None:
        check_answer(operation, Response(body, status=status, mimetype="application/json"))

    with app.test_request_context("/api/v1/founders"):
        check(200, '{"items": [{"code": "A", "name": "B"}], "next": null}')
        check(404, '{"error": {"code": "not_found", "message": "x", "details": null}}')  # refusals: the error format
        for status, body in ((200, '{"items": [{"code": "A", "name": "B", "extra": 1}], "next": null}'),
                             (200, '{"items": [{"code": "A"}], "next": null}'),
                             (200, '{"items": [], "next": 5}'),
                             (201, '{"items": [], "next": null}')):
            with pytest.raises(AssertionError):
                check(status, body)
    timed = Operation("devices:read", answers={200: Event})
    event = '{"seq": 1, "action": "a", "from_status": null, "to_status": "x", "actor": "u", "data": null, "hash": "h", '
    with app.test_request_context("/"):
        check_answer(timed, Response(event + '"at": "2026-12-04T09:30:00Z"}', mimetype="application/json"))
        with pytest.raises(AssertionError):
            check_answer(timed, Response(event + '"at": "2026-12-04T09:30:00+00:00"}', mimetype="application/json"))


def test_the_body_guards_run_before_the_schema(api):
    """fleet/http/bodies.py's refusals stand in front of every model: a NUL anywhere, nesting too deep."""
    r = api.post("bulk", json={"action": "note", "devices": ["PF\x001"], "params": {}})
    assert error_code(r) == "invalid_input" and "NUL" in r.get_json()["error"]["message"]
    deep = "[" * 100_000 + "]" * 100_000
    r = api.client.post("/api/v1/bulk", data=deep, headers={**api.headers, "Content-Type": "application/json"})
    assert error_code(r) == "invalid_input" and "nested" in r.get_json()["error"]["message"]
    r = api.get("devices?school=%00")
    assert error_code(r) == "invalid_input" and "NUL" in r.get_json()["error"]["message"]


def test_an_action_needs_no_body_but_a_body_must_be_an_object(api):
    device = DeviceFactory(status="in_warehouse")
    assert api.post(f"devices/{device.serial}/actions/wipe").status_code in (200, 409)
    r = api.post(f"devices/{device.serial}/actions/note", json=[1])
    assert r.get_json()["error"]["message"] == "the request body must be a JSON object"


def test_path_parameters_name_their_values(document):
    label = document["paths"]["/devices/{ref}/label.{fmt}"]["get"]["parameters"]
    assert {"name": "fmt", "in": "path", "required": True,
            "schema": {"enum": ["pdf", "png", "svg", "zpl"], "type": "string"}} in label
    action = next(p for p in document["paths"]["/devices/{ref}/actions/{action}"]["post"]["parameters"]
                  if p["name"] == "action")
    assert "receive" in action["schema"]["enum"] and "hand_over" not in action["schema"]["enum"]
