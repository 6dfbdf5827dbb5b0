"""What a JSON handler declares about its input and answers, and the checks made with it.

``endpoint(..., body=Model, query=Model, answers={200: Model, 404: ERROR})`` (``fleet.http.endpoints``)
keeps an ``Operation`` on the view: the request body and the query string are validated with pydantic
before the handler runs (a refusal is the usual coded ``invalid_input`` with one detail per field), and
``fleet.api.openapi`` describes the operation from it. Bodies that are not JSON (a CSV upload, a
multipart form) and file answers (PDF, PNG, …) are declared with ``Raw`` and ``File``: described in the
document, read and written by the handler itself.

In tests (``app.testing``) every JSON answer is also checked against the model its status declares, so
each API test checks that the document tells the truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, request
from pydantic import BaseModel, TypeAdapter, ValidationError

from fleet.errors import FleetError, invalid
from fleet.http.bodies import json_or_none
from fleet.i18n import Text, _l, api_locale

ERROR = "error"  # ``answers={404: ERROR}``: the error format (``fleet.errors``), which every operation may answer


@dataclass(frozen=True)
class File:
    """A file answer: its media types, and the headers it sets besides ``Content-Disposition``."""

    media_types: tuple[str, ...]
    description: str = "the file"
    headers: dict[str, str] = field(default_factory=dict)  # name → description


@dataclass(frozen=True)
class Raw:
    """A request body the handler reads itself: ``media_types`` → a JSON Schema of the body (a CSV text,
    a multipart form with a file field) or a model/type to draw it from (a body the domain checks).
    ``required``: whether a body must be sent."""

    media_types: dict[str, Any]
    description: str = ""
    required: bool = True


# A model, a File, ERROR, a type pydantic describes (list[Model], A | B), or a tuple of a File and a model
# for an answer whose form the request chooses (Accept: a PDF, or JSON).
Answer = type[BaseModel] | File | str | tuple | Any


@dataclass(frozen=True)
class Operation:
    permission: str | None
    body: type[BaseModel] | Raw | None = None
    query: type[BaseModel] | None = None
    answers: dict[int, Answer] = field(default_factory=dict)
    scan: bool = False
    path: dict[str, Any] = field(default_factory=dict)  # a path parameter's type, for the document (Literal[…])


_MESSAGES = {  # pydantic's error types, said as the API's other refusals say them (ctx names the parameters)
    "missing": _l("is required"), "extra_forbidden": _l("unknown field"),
    "string_type": _l("must be a string"),
    "int_type": _l("must be a whole number"), "int_parsing": _l("must be a whole number"),
    "int_from_float": _l("must be a whole number"),
    "float_type": _l("must be a number"), "float_parsing": _l("must be a number"),
    "bool_type": _l("must be true or false"), "bool_parsing": _l("must be true or false"),
    "list_type": _l("must be a list"),
    "dict_type": _l("must be an object"), "model_type": _l("must be an object"),
    "model_attributes_type": _l("must be an object"),
    "string_too_short": _l("must be at least %(min_length)s character(s)"),
    "string_too_long": _l("must be at most %(max_length)s characters"),
    "too_short": _l("must hold at least %(min_length)s item(s)"),
    "too_long": _l("must hold at most %(max_length)s items"),
    "greater_than_equal": _l("must be at least %(ge)s"), "less_than_equal": _l("must be at most %(le)s"),
    "greater_than": _l("must be more than %(gt)s"), "less_than": _l("must be less than %(lt)s"),
    "string_pattern_mismatch": _l("is not in the expected form (%(pattern)s)"),
    "datetime_type": _l("must be a date and time in ISO 8601, UTC with Z"),
    "datetime_parsing": _l("must be a date and time in ISO 8601, UTC with Z"),
    "datetime_from_date_parsing": _l("must be a date and time in ISO 8601, UTC with Z"),
}


def _allowed(e: dict) -> list[str]:
    return [v.strip().strip("'") for v in e["ctx"]["expected"].replace(" or ", ", ").split(", ")]


def _message(e: dict) -> Text | str:
    """One field's refusal as a message translated when shown; pydantic's own English words for an
    error type this table does not know."""
    if e["type"] == "literal_error":
        return _l("must be one of %(values)s", values=", ".join(_allowed(e)))
    if e["type"] in _MESSAGES:
        template = _MESSAGES[e["type"]]
        named = set(re.findall(r"%\((\w+)\)s", template.msgid))
        ctx = e.get("ctx", {})
        if named <= set(ctx):  # a context this pydantic does not give: its own words then
            return Text(template.msgid, None, {name: ctx[name] for name in named})
    if e["type"] in ("value_error", "assertion_error"):
        raised = e.get("ctx", {}).get("error")
        if raised is not None and raised.args and isinstance(raised.args[0], Text):
            return raised.args[0]  # a validator's ValueError(_l(…))
    return e["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")


class _FieldMessages(Text):
    """The top-level message of a refusal: ``field: message; field: message``, each message in the
    reader's language (field names are the API's own, never translated)."""

    __slots__ = ("fields",)

    def __init__(self, fields: list[tuple[str, Text | str]]):
        super().__init__("")
        self.fields = fields

    def in_(self, locale) -> str:
        return "; ".join(f"{name}: {m.in_(locale) if isinstance(m, Text) else m}" for name, m in self.fields)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _FieldMessages) and self.fields == other.fields

    def __hash__(self) -> int:
        return hash(tuple(name for name, _ in self.fields))


def refusal(error: ValidationError, where: str = "") -> FleetError:
    """pydantic's errors as ``invalid_input``: one detail ``{field, message}`` per field, the fields in
    the message too (``limit: must be …; after: …``). A body that is not an object says so. The
    messages, in details too, are in the reader's language (``api_locale``: English unless
    Accept-Language prefers Latvian); ``FleetError.message`` stays English."""
    errors = error.errors(include_url=False, include_input=False)
    if len(errors) == 1 and not errors[0]["loc"] and errors[0]["type"] in ("model_type", "dict_type"):
        if where:
            return invalid(_l("the %(where)s must be a JSON object", where=where))
        return invalid(_l("the request body must be a JSON object"))
    locale = api_locale()
    details, fields = [], []
    for e in errors:
        path = ".".join(str(part) for part in e["loc"]) or where or "body"
        message = _message(e)
        fields.append((path, message))
        details.append({"field": path, "message": message.in_(locale) if isinstance(message, Text) else message})
        if e["type"] == "literal_error":
            details[-1]["allowed"] = _allowed(e)
    return invalid(_FieldMessages(fields), details)


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON as ``model`` (``fleet.http.bodies``' guards first: NUL, nesting)."""
    data = json_or_none()
    if data is None and not request.content_length and not any(f.is_required() for f in model.model_fields.values()):
        data = {}  # no body where none is needed: every field has its default
    if data is None:
        raise invalid(_l("the request body must be JSON (Content-Type: application/json)"))
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise refusal(e) from None


def parse_query(model: type[BaseModel]) -> BaseModel:
    """The query string as ``model``: each parameter's first value (unknown ones are ignored)."""
    args = request.args.to_dict()
    if any("\x00" in k or "\x00" in v for k, v in args.items()):
        raise invalid(_l("the query string holds a NUL character, which no parameter accepts"))
    try:
        return model.model_validate(args)
    except ValidationError as e:
        raise refusal(e) from None


def as_response(answer: Any) -> Any:
    """A handler's answer as Flask takes it: a model (or ``(model, status)``) becomes JSON."""
    if isinstance(answer, tuple) and answer and isinstance(answer[0], BaseModel):
        return (_json(answer[0]), *answer[1:])
    return _json(answer) if isinstance(answer, BaseModel) else answer


def _json(model: BaseModel) -> Response:
    return current_app.response_class(model.model_dump_json(), mimetype="application/json")


_adapters: dict[Any, TypeAdapter] = {}


def check_answer(operation: Operation, response: Response) -> None:
    """In tests: a JSON answer fits the model its status declares (an undeclared status fails too)."""
    if response.status_code >= 400 or response.mimetype != "application/json" or response.direct_passthrough:
        return
    if response.status_code not in operation.answers:
        raise AssertionError(f"{request.method} {request.path} answered {response.status_code}, not declared")
    declared = operation.answers[response.status_code]
    models = [a for a in (declared if isinstance(declared, tuple) else (declared,))
              if not isinstance(a, File | str) and a is not None]
    if not models:
        raise AssertionError(f"{request.method} {request.path} answered JSON where it declares {declared!r}")
    model = models[0]
    adapter = _adapters.get(id(model)) or _adapters.setdefault(id(model), TypeAdapter(model))
    try:
        adapter.validate_json(response.get_data())
    except ValidationError as e:
        raise AssertionError(f"{request.method} {request.path}: the answer does not fit {model}: {e}") from None
