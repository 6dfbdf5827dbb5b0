"""The speed test's endpoints (``fleet.connectivity.measurements``): latency probes, download and upload
transfers to Fleet's own server, measurements recorded for a school, and measurement links for school laptops.

A caller is signed in with ``connectivity:measure`` (school IT: its own schools) — or holds a measurement key
(``X-Fleet-Measure-Key``, ``fleet.connectivity.keys``), which fixes the school and reaches only the probe, the
transfers and recording. The transfers write nothing and read at most the caller's session or token: what they
time is the network. Their answers are never cached or compressed."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import UTC

from flask import current_app, g, request
from pydantic import BaseModel

from fleet import db
from fleet.access.policy import Principal, Scope
from fleet.api import bp, render
from fleet.api.schemas import measurements as schemas
from fleet.connectivity import keys, measurements
from fleet.errors import FleetError, invalid
from fleet.http import ERROR, endpoint
from fleet.http import schema as http_schema
from fleet.i18n import _l
from fleet.lending import pupils
from fleet.models import Device, Measurement, School

MEASURE = "connectivity:measure"
KEY_USER = "key"  # ``recorded_by`` of a measurement taken through a link
NO_STORE = {"Cache-Control": "no-store", "Content-Encoding": "identity"}
OCTETS = "application/octet-stream"


def key_principal(school_id: int) -> Principal:
    """What a measurement key may do, as a principal: measure at its one school (school IT's permission, used only
    by the routes ``measuring(keys_allowed=True)`` wraps)."""
    return Principal(user_id=0, name=KEY_USER, role="school_it", school_ids=frozenset({school_id}))


def measuring(permission: str = MEASURE, *, keys_allowed: bool = True, body=None, query=None, answers=None) -> Callable:
    """``endpoint(permission, …)``, or with a measurement key in ``X-Fleet-Measure-Key`` (``keys_allowed``) the
    key's school as the caller's only one (``g.principal``, ``g.auth_via`` "key"). A forged key is
    ``unauthorized``, an expired one ``gone``."""
    parsed_body = body if isinstance(body, type) and issubclass(body, BaseModel) else None

    def wrap(view: Callable) -> Callable:
        signed_in = endpoint(permission, body=body, query=query, answers=answers)(view)
        if not keys_allowed:
            return signed_in

        @functools.wraps(view)
        def run(*args, **kwargs):
            key = request.headers.get(keys.HEADER)
            if key is None:
                return signed_in(*args, **kwargs)
            g.principal, g.auth_via = key_principal(keys.school_of(key)), "key"
            if query is not None:
                kwargs["query"] = http_schema.parse_query(query)
            if parsed_body is not None:
                kwargs["body"] = http_schema.parse_body(parsed_body)
            return http_schema.as_response(view(*args, **kwargs))

        run.permission = signed_in.permission
        run.operation = signed_in.operation
        return run

    return wrap


def _school(scope: Scope, reg: str | None) -> School:
    """The school named (``not_found`` outside the scope), else the caller's only school."""
    school = pupils.school_of(db.session(), scope, reg)
    if school is None:
        raise invalid(_l("school is required: the school's registration number"), [{"field": "school"}])
    return school


def item(m: Measurement, school: School) -> dict:
    device = db.session().get(Device, m.device_id) if m.device_id else None
    return {"id": m.id, "school": school.registration_number, "taken_at": render.when(m.taken_at),
            "download_mbps": m.download_mbps, "upload_mbps": m.upload_mbps, "latency_ms": m.latency_ms,
            "jitter_ms": m.jitter_ms, "link": m.link, "asset_tag": device.asset_tag if device else None,
            "source": m.source, "recorded_by": m.recorded_by}


@bp.get("/connectivity/probe")
@measuring(answers={200: schemas.Probe})
def connectivity_probe():
    """A tiny answer for timing the round trip (latency); never cached."""
    return {"ok": True}, 200, NO_STORE


@bp.get("/connectivity/download")
@measuring(query=schemas.DownloadQuery, answers={200: http_schema.File((OCTETS,), "random bytes"), 400: ERROR})
def connectivity_download(query: schemas.DownloadQuery):
    """``?bytes=N`` random (incompressible) bytes, streamed in pieces; never cached or compressed."""
    size = query.bytes

    def pieces():
        left = size
        while left > 0:
            n = min(left, measurements.CHUNK_BYTES)
            yield os.urandom(n)
            left -= n

    response = current_app.response_class(pieces(), mimetype=OCTETS, headers=NO_STORE)
    response.content_length = size
    return response


@bp.post("/connectivity/upload")
@measuring(body=http_schema.Raw({OCTETS: {"type": "string", "format": "binary"}}, "any bytes, at most "
                                f"{measurements.MAX_UPLOAD_BYTES}", required=False),
           answers={200: schemas.Received, 413: ERROR})
def connectivity_upload():
    """Reads the body in pieces and throws it away: answers how many bytes arrived."""
    if (request.content_length or 0) > measurements.MAX_UPLOAD_BYTES:
        raise FleetError("too_large", _l("an upload may send at most %(n)s bytes", n=measurements.MAX_UPLOAD_BYTES))
    received, stream = 0, request.stream
    while received <= measurements.MAX_UPLOAD_BYTES:
        piece = stream.read(measurements.CHUNK_BYTES)
        if not piece:
            break
        received += len(piece)
    return {"bytes": received}, 200, NO_STORE


@bp.post("/connectivity/measurements")
@measuring(body=schemas.MeasurementIn, answers={201: schemas.MeasurementOut, 400: ERROR, 404: ERROR, 410: ERROR})
def connectivity_record(body: schemas.MeasurementIn):
    """Records one measurement of a school (the key's, or one in the caller's scope): 201 with it."""
    session = db.session()
    school = _school(g.principal.scope, body.school)
    taken_at = body.taken_at.replace(tzinfo=UTC) if body.taken_at and body.taken_at.tzinfo is None else body.taken_at
    m = measurements.record(session, school.id, body.download_mbps, body.upload_mbps, body.latency_ms,
                            body.jitter_ms, body.link, body.source, g.principal.name, body.asset_tag, taken_at)
    session.commit()
    return item(m, school), 201


@bp.get("/connectivity/measurements")
@endpoint("connectivity:read", query=schemas.MeasurementsQuery, answers={200: schemas.MeasurementList, 400: ERROR,
                                                                         404: ERROR})
def connectivity_measurements(query: schemas.MeasurementsQuery):
    """A school's latest measurements, newest first (``?school=`` may be left out by one school's IT)."""
    session = db.session()
    school = _school(g.principal.scope, query.school)
    return {"items": [item(m, school) for m in measurements.recent(session, school.id, query.limit)]}


@bp.post("/connectivity/links")
@measuring(keys_allowed=False, body=schemas.LinkIn, answers={200: schemas.LinkOut, 400: ERROR, 404: ERROR})
def connectivity_link(body: schemas.LinkIn):
    """A measurement link for a school laptop: the page with a key that lets whoever opens it measure for this
    school (and nothing else) until it expires."""
    school = _school(g.principal.scope, body.school)
    made = keys.link(school.id, body.days, body.tag)
    return {"url": made.url, "key": made.key, "expires": render.when(made.expires)}
