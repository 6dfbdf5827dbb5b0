"""Imaging: a station reports a finished (or failed) run on a laptop, with the hardware it saw.

Success applies ``image`` through the lifecycle; failure records an ``image_failed`` fact. The
reported hardware is compared with the delivery's manifest, and differences are kept on the run
and noted in the device's history. A station's ``nonce`` makes a resent report change nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fleet import lifecycle, paging, resolvers
from fleet.errors import invalid
from fleet.models import DeliveryItem, Device, ImagingRun
from provisioning.manifests import normalize_macs

RESULTS = ("success", "failure")


@dataclass(frozen=True)
class Report:
    serial: str
    image: str
    station: str
    succeeded: bool
    error: str
    manufacturer: str
    model: str
    macs: tuple[str, ...]
    nonce: str | None


def parse_report(body: Any) -> Report:
    if not isinstance(body, dict):
        raise invalid("the report must be a JSON object")
    errors = [{"field": k, "message": "unknown field"}
              for k in sorted(set(body) - {"serial", "image", "station", "result", "error", "hardware", "nonce"})]

    def text(name: str, limit: int, required: bool = True, source: dict = body) -> str:
        value = source.get(name, "")
        if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
            message = f"{'is required: ' if required else ''}text of at most {limit} characters"
            errors.append({"field": name, "message": message})
            return ""
        return value.strip()

    serial, image, station = text("serial", 40), text("image", 100), text("station", 100)
    result = body.get("result")
    if result not in RESULTS:
        errors.append({"field": "result", "message": "must be success or failure"})
    hardware = body.get("hardware", {})
    if not isinstance(hardware, dict):
        errors.append({"field": "hardware", "message": "must be an object {manufacturer, model, macs}"})
        hardware = {}
    manufacturer = text("manufacturer", 100, False, hardware)
    model = text("model", 100, False, hardware)
    macs: tuple[str, ...] = ()
    raw_macs = hardware.get("macs", [])
    if not isinstance(raw_macs, list) or not all(isinstance(m, str) for m in raw_macs):
        errors.append({"field": "hardware.macs", "message": "must be a list of MAC addresses"})
    else:
        try:
            macs = normalize_macs(" ".join(raw_macs))
        except ValueError as e:
            errors.append({"field": "hardware.macs", "message": e.args[0]})  # a Text: in the reader's language
    nonce = body.get("nonce")
    if nonce is not None and (not isinstance(nonce, str) or not 1 <= len(nonce) <= 100):
        errors.append({"field": "nonce", "message": "must be a string of 1-100 characters"})
    if errors:
        raise invalid("invalid imaging report", errors)
    return Report(serial, image, station, result == "success", text("error", 1000, False), manufacturer, model,
                  macs, nonce)


def _same(manifest: str, reported: str) -> bool:
    a, b = (" ".join(re.sub(r"[^0-9a-z]+", " ", s.casefold()).split()) for s in (manifest, reported))
    return not a or not b or a in b or b in a  # "ProBook x360 11 G7" matches "HP ProBook x360 11 G7 EE"


def compare(item: DeliveryItem | None, report: Report) -> list[dict]:
    """Where the reported hardware differs from the manifest line (nothing to compare: none)."""
    if item is None:
        return []
    found = []
    for name in ("manufacturer", "model"):
        if not _same(getattr(item, name), getattr(report, name)):
            found.append({"field": name, "manifest": getattr(item, name), "reported": getattr(report, name)})
    if set(item.macs) - set(report.macs):
        found.append({"field": "macs", "manifest": sorted(item.macs), "reported": sorted(report.macs)})
    return found


def record(session: Session, report: Report, actor: str) -> tuple[ImagingRun, lifecycle.Outcome | None]:
    """Store the run and apply it; a report whose nonce was seen returns the first run, unchanged."""
    if report.nonce is not None:
        seen = session.scalar(select(ImagingRun).where(ImagingRun.nonce == report.nonce))
        if seen is not None:
            return seen, None
    device = resolvers.resolve(session, report.serial, lock=True)
    item = session.scalar(select(DeliveryItem).where(DeliveryItem.serial == device.serial))
    run = ImagingRun(
        device_id=device.id, station=report.station, image=report.image, succeeded=report.succeeded,
        error=report.error, nonce=report.nonce, mismatches=compare(item, report),
        hardware={"manufacturer": report.manufacturer, "model": report.model, "macs": list(report.macs)},
    )
    params = {"image": report.image, "station": report.station}
    if report.succeeded:
        outcome = lifecycle.apply(session, device, "image", params, actor)
    else:
        outcome = lifecycle.apply(session, device, "image_failed", {**params, "error": report.error or "unknown"},
                                  actor, via="imaging")
    if run.mismatches and outcome.applied:
        differs = ", ".join(f"{m['field']} {m['reported'] or '—'} (manifest: {m['manifest'] or '—'})"
                            for m in run.mismatches)
        note = f"hardware differs from the manifest: {differs}"[:2000]
        lifecycle.apply(session, device, "note", {"text": note}, actor)
    if not device.manufacturer and report.manufacturer:  # a serial nobody expected: learn what it is
        device.manufacturer, device.model = report.manufacturer, report.model
    session.add(run)
    return run, outcome


def mismatches(
    session: Session, limit: int, after: int | None = None,
) -> tuple[list[tuple[ImagingRun, Device]], int | None]:
    """Each device's latest run where that run found the hardware differing from the manifest, newest
    first: ``limit`` of them older than run ``after``. (rows, the last run's id when more follow)"""
    latest = select(func.max(ImagingRun.id)).group_by(ImagingRun.device_id).scalar_subquery()
    found: list[tuple[ImagingRun, Device]] = []
    while len(found) <= limit:  # the mismatches are JSON: filtered here, a batch of latest runs at a time
        stmt = paging.newest_first(select(ImagingRun, Device).join(Device, Device.id == ImagingRun.device_id)
                                   .where(ImagingRun.id.in_(latest)), ImagingRun.id, _BATCH, after)
        batch = session.execute(stmt).all()
        found += [(run, device) for run, device in batch[:_BATCH] if run.mismatches]
        if len(batch) <= _BATCH:
            break
        after = batch[_BATCH - 1][0].id
    return paging.split(found, limit, lambda row: row[0].id)


_BATCH = 500
