"""The OpenAPI 3.1 document of ``/api/v1``, built from the app's URL map and what each handler declares on
``endpoint()`` (``fleet.http.schema.Operation``), served at ``GET /api/v1/openapi.json``; and the
browsable reference at ``/api/docs`` (a vendored viewer, started by ``static/api-docs.js``).

Every route under ``/api/v1`` is in it — fleet's and provisioning's — with its path and query
parameters, its request body (JSON, a CSV text, a multipart upload), every answer it declares (JSON
models and files) and the error format with its codes, which any operation may answer (``default``).
Each operation needs a bearer token or a browser session (whose writes also need ``X-CSRF-Token``)
and names the permission it needs (``x-permission``)."""

from __future__ import annotations

import inspect
import re
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template
from pydantic import BaseModel, TypeAdapter

from fleet.api import bp
from fleet.api.schemas.common import Error
from fleet.http import public
from fleet.http.routing import MAX_ID
from fleet.http.schema import ERROR, File, Operation, Raw

PREFIX = "/api/v1"
REF = "#/components/schemas/{model}"
_CONVERTERS = {"int": {"type": "integer", "minimum": 0, "maximum": MAX_ID}, "float": {"type": "number"}}
_PARAM_RE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
STATUS_TEXT = {200: "OK", 201: "Created", 400: "The input is not valid (invalid_input)",
               401: "No valid token or session (unauthorized)", 403: "The role may not do this (forbidden)",
               404: "Not found, or not the caller's to see (not_found)", 409: "A conflict with the record's state",
               413: "The request is too large (too_large)", 429: "Too many attempts (throttled)"}

DESCRIPTION = ("Records every laptop of a school-laptop programme by serial number, from supplier delivery to the "
               "pupil and back. Every refusal is `{error: {code, message, details}}`; lists are pages "
               "`{items, next}` (pass `next` back as `?after=`); timestamps are UTC with `Z`.")

CSRF_HEADER = {"name": "X-CSRF-Token", "in": "header", "required": False, "schema": {"type": "string"},
               "description": "with a browser session: the page's CSRF token (a write without it is forbidden); "
                              "not needed with a bearer token"}

docs = Blueprint("api_docs", __name__)  # /api/docs: outside /api/v1, a page rather than JSON


@bp.get("/openapi.json")
@public
def openapi_json():
    """This document (no sign-in needed: it describes the API, never a record)."""
    return jsonify(document(current_app))


@docs.get("/api/docs")
@public
def api_docs():
    return render_template("api_docs.html")


def document(app: Flask) -> dict:
    """The document for ``app``'s routes under ``/api/v1`` (built once per app)."""
    cached = app.extensions.get("fleet_openapi")
    if cached is None:
        cached = app.extensions["fleet_openapi"] = _Builder(app).build()
    return cached


class _Builder:
    def __init__(self, app: Flask):
        self.app = app
        self.wanted: list[tuple[tuple, str, TypeAdapter]] = []  # (key, mode, adapter) to draw schemas for
        self.refs: dict[tuple, dict] = {}

    def schema(self, kind: Any, mode: str = "serialization") -> dict:
        """A placeholder filled with ``kind``'s JSON Schema (a $ref into components) when built."""
        key = (id(kind), mode)
        if key not in self.refs:
            self.refs[key] = {}
            self.wanted.append((key, mode, kind if isinstance(kind, TypeAdapter) else TypeAdapter(kind)))
        return self.refs[key]

    def build(self) -> dict:
        paths: dict[str, dict] = {}
        for rule in sorted(self.app.url_map.iter_rules(), key=lambda r: r.rule):
            if not rule.rule.startswith(PREFIX + "/"):
                continue
            view = self.app.view_functions[rule.endpoint]
            path, params = _path(rule.rule[len(PREFIX):])
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                paths.setdefault(path, {})[method.lower()] = self.operation(rule, view, method, params)
        keys, defs = TypeAdapter.json_schemas(self.wanted, ref_template=REF)
        for key, found in keys.items():
            self.refs[key[0]].update(found)
        return {
            "openapi": "3.1.0",
            "info": {"title": "Fleet API", "version": "1", "description": DESCRIPTION},
            "servers": [{"url": PREFIX}],
            "paths": paths,
            "components": {"schemas": defs.get("$defs", {}), "securitySchemes": self.security_schemes()},
        }

    def security_schemes(self) -> dict:
        return {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "an API token (`fleet tokens create`), as `Authorization: Bearer <token>`"},
            "session": {"type": "apiKey", "in": "cookie", "name": self.app.config["SESSION_COOKIE_NAME"],
                        "description": "a signed-in browser's session; its writes also need the X-CSRF-Token header"},
        }

    def operation(self, rule, view, method: str, params: list[dict]) -> dict:
        spec: Operation | None = getattr(view, "operation", None)
        doc = inspect.cleandoc(view.__doc__ or "").replace("``", "`")  # reST literals read as Markdown code
        summary = _summary(doc)
        op: dict[str, Any] = {"operationId": f"{rule.endpoint.replace('.', '_')}_{method.lower()}",
                              "tags": [rule.rule[len(PREFIX):].split("/")[1]], "summary": summary or rule.rule}
        if doc and doc != summary:
            op["description"] = doc
        op["parameters"] = [dict(p) for p in params]
        for param in op["parameters"]:
            declared = getattr(spec, "path", {}).get(param["name"]) if spec is not None else None
            if declared is not None:
                param["schema"] = TypeAdapter(declared).json_schema()
        if getattr(view, "public", False):
            op["security"] = []
            op["responses"] = {"200": {"description": "OK", "content": {"application/json": {"schema": {}}}}}
            return op
        op["security"] = [{"bearer": []}, {"session": []}]
        op["x-permission"] = view.permission
        if spec is None:
            spec = Operation(view.permission)
        if spec.query is not None:
            op["parameters"] += self.query_parameters(spec.query)
        if method not in ("GET", "HEAD"):
            op["parameters"].append(CSRF_HEADER)
        if spec.body is not None:
            op["requestBody"] = self.request_body(spec.body)
        op["responses"] = self.responses(spec, bool(params) or spec.body is not None or spec.query is not None)
        if not op["parameters"]:
            del op["parameters"]
        return op

    def query_parameters(self, model: type[BaseModel]) -> list[dict]:
        schema = model.model_json_schema(mode="validation", ref_template=REF)
        found = []
        for name, prop in schema.get("properties", {}).items():
            prop = {k: v for k, v in prop.items() if k != "title" and not (k == "default" and v is None)}
            description = prop.pop("description", None)
            param = {"name": name, "in": "query", "required": name in schema.get("required", ()),
                     "schema": _nullable_dropped(prop)}
            if description:
                param["description"] = description
            found.append(param)
        return found

    def request_body(self, body: Any) -> dict:
        if isinstance(body, Raw):
            content = {media: {"schema": schema if isinstance(schema, dict) else self.schema(schema, "validation")}
                       for media, schema in body.media_types.items()}
            out = {"required": body.required, "content": content}
            if body.description:
                out["description"] = body.description
            return out
        required = any(f.is_required() for f in body.model_fields.values())
        return {"required": required, "content": {"application/json": {"schema": self.schema(body, "validation")}}}

    def responses(self, spec: Operation, takes_input: bool) -> dict:
        out: dict[str, dict] = {}
        for status, answer in sorted(spec.answers.items()):
            out[str(status)] = self.response(status, answer)
        error = {"application/json": {"schema": self.schema(Error)}}
        for status in (400, 401, 403):
            if status != 400 or takes_input:
                out.setdefault(str(status), {"description": STATUS_TEXT[status], "content": error})
        out["default"] = {"description": "a refusal or failure in the error format (fleet.errors: the code says "
                                         "which; 503 unavailable when the database is busy)", "content": error}
        return out

    def response(self, status: int, answer: Any) -> dict:
        if isinstance(answer, tuple):  # one answer in several forms, as the request asks (Accept)
            forms = [self.response(status, a) for a in answer]
            merged = {"description": " — or — ".join(f["description"] for f in forms), "content": {}}
            for form in forms:
                merged["content"] |= form.get("content", {})
                if "headers" in form:
                    merged.setdefault("headers", {}).update(form["headers"])
            return merged
        description = STATUS_TEXT.get(status, "")
        if answer == ERROR:
            return {"description": description or "refused", "content": {"application/json": {
                "schema": self.schema(Error)}}}
        if isinstance(answer, File):
            headers = {"Content-Disposition": {"description": "inline or attachment, with the file's name",
                                               "schema": {"type": "string"}}}
            for name, text in answer.headers.items():
                headers[name] = {"description": text, "schema": {"type": "string"}}
            return {"description": answer.description, "headers": headers,
                    "content": {media: {"schema": {"type": "string", "format": "binary"}}
                                for media in answer.media_types}}
        if answer is None:
            return {"description": description or "no content"}
        return {"description": description or "OK", "content": {"application/json": {"schema": self.schema(answer)}}}


def _nullable_dropped(prop: dict) -> dict:
    """``anyOf: [X, null]`` of an optional query parameter as X: a query string has no null."""
    variants = prop.get("anyOf")
    if variants and len(variants) == 2 and {"type": "null"} in variants:
        rest = {k: v for k, v in prop.items() if k != "anyOf"}
        return {**rest, **next(v for v in variants if v != {"type": "null"})}
    return prop


def _path(rule: str) -> tuple[str, list[dict]]:
    """A Werkzeug rule as an OpenAPI path, and its path parameters."""
    params = []

    def swap(m: re.Match) -> str:
        converter, name = m.group(1) or "string", m.group(2)
        schema = dict(_CONVERTERS.get(converter, {"type": "string"}))
        param = {"name": name, "in": "path", "required": True, "schema": schema}
        if converter == "path":
            param["description"] = "may hold slashes (a scanned URL), percent-encoded"
        params.append(param)
        return "{" + name + "}"

    return _PARAM_RE.sub(swap, rule), params


def _summary(doc: str, width: int = 120) -> str:
    """The docstring's first paragraph on one line, cut at a word (with "…") when longer than ``width``."""
    first = " ".join(doc.split("\n\n")[0].split())
    if len(first) <= width:
        return first
    return first[: width - 1].rsplit(" ", 1)[0] + "…"
