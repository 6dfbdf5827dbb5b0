"""A print run chosen on a page: of the devices asked for, those that can be printed now and, for
the others, why not (in words); the used cells of a part-used sheet; a recorded run's labels again
(its ``label_printed`` events say which devices, stock, format and printer); and the first page of a
run as a picture.

The API's run (``print_runs``) is all or nothing; a page prints what it can and lists the rest, so
the warehouse re-opens just those (with a reprint reason, or once received) instead of copying serials.
Printing still goes through ``print_runs.record_prints``: the same events as through the API.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pypdfium2
from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import labels
from fleet import resolvers
from fleet.access.policy import Scope
from fleet.errors import FleetError, invalid
from fleet.i18n import Text, _l
from fleet.labelling.print_runs import MAX_RUN, grouped_devices, record_prints
from fleet.labelling.sheets import Sheet
from fleet.models import Device, Event

SPAN = 50 * MAX_RUN  # a run's events, and those of other work between them, span at most this many ids
UNTAGGED = _l("not received yet: it has no asset tag (receive it first)")
REPRINT = _l("a label was printed before: a reprint needs a reason (damaged, replacement, lost)")
FIRST = _l("no label was printed before: print it without a reprint reason (first print)")


@dataclass(frozen=True)
class Refused:
    ref: str  # as asked for: a serial, an asset tag or a label URL
    code: str  # the error code (not_found, conflict, …)
    reason: Text | str  # in words, in the reader's language when shown


@dataclass
class Choice:
    """The devices of a run that can be printed now (in print order) and those that cannot."""

    devices: list[Device] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


@dataclass(frozen=True)
class Printed:
    """A recorded run: its id, how many labels, and the range of its events' ids (to find them again)."""

    run: str
    count: int
    first: int
    last: int


def refs(text: Any) -> list[str]:
    """Codes as typed, pasted or scanned: one a line, or separated by commas; blanks dropped."""
    if not isinstance(text, str):
        return []
    return [code.strip() for line in text.splitlines() for code in line.split(",") if code.strip()]


def choose(session: Session, spec: dict, scope: Scope, reason: str | None, history: bool = True) -> Choice:
    """Sort a run (`devices`: refs, or a `delivery`, or a `shipment`) into the printable and the refused.

    A device is refused when ``scope`` does not see it (as if it did not exist), when it has no asset
    tag yet, when it was printed before and no reprint ``reason`` is given, or when a reason is given
    and it was never printed (``history`` False: printed before or not, as for a preview). The same
    device listed twice is printed once."""
    given = [k for k in ("devices", "delivery", "shipment") if spec.get(k) not in (None, [], "")]
    if len(given) != 1:
        raise invalid(_l("say what to print: a delivery, a shipment or a list of devices"),
                      [{"field": "devices"}, {"field": "delivery"}, {"field": "shipment"}])
    refused: list[tuple[int, Refused]] = []  # with the place asked for, so the list keeps the order given
    if given[0] == "devices":
        found = _listed(session, spec["devices"], scope, refused)
    else:
        found = list(enumerate(grouped_devices(session, given[0], spec[given[0]], scope)))
    tagged = []
    for index, device in found:
        if device.asset_tag is None:
            refused.append((index, Refused(device.serial, "conflict", UNTAGGED)))
        else:
            tagged.append((index, device))
    printed = _printed_before(session, [d for _, d in tagged]) if history else set()
    reprint = reason not in (None, "", "first_print")
    choice = Choice()
    for index, device in tagged:
        if history and (device.id in printed) != reprint:
            refused.append((index, Refused(device.serial, "conflict", REPRINT if not reprint else FIRST)))
        else:
            choice.devices.append(device)
    choice.refused = [r for _, r in sorted(refused, key=lambda pair: pair[0])]
    return choice


def _listed(session: Session, codes: Any, scope: Scope, refused: list) -> list[tuple[int, Device]]:
    if not isinstance(codes, list) or len(codes) > MAX_RUN:
        raise invalid(_l("list at most %(max)s devices in one run", max=MAX_RUN), [{"field": "devices"}])
    found, seen = [], set()
    for index, code in enumerate(codes):
        try:
            device = resolvers.resolve(session, code, scope)
        except FleetError as e:
            refused.append((index, Refused(code, e.code, e.text or e.message)))
            continue
        if device.id not in seen:
            seen.add(device.id)
            found.append((index, device))
    return found


def _printed_before(session: Session, devices: list[Device]) -> set[int]:
    ids, printed = [d.id for d in devices], set()
    for start in range(0, len(ids), 500):
        printed.update(session.scalars(select(Event.device_id).where(
            Event.device_id.in_(ids[start:start + 500]), Event.action == "label_printed")))
    return printed


def skip_after(used: Iterable[Any], stock: labels.Stock) -> int:
    """How many cells to skip on a part-used sheet whose ``used`` cells (numbers from 1, row by row)
    were ticked: printing starts after the last used cell, so a label never lands on a used one."""
    cells = []
    for value in used:
        try:
            cells.append(int(value))
        except (TypeError, ValueError):
            cells.append(0)
    if not cells:
        return 0
    if stock.kind != "sheet":
        raise invalid(_l("%(stock)s is a roll: it has no used cells to skip", stock=stock.name),
                      [{"field": "used"}])
    wrong = sorted({c for c in cells if not 1 <= c <= stock.per_page})
    if wrong:
        raise invalid(_l("cell %(cell)s is not on %(stock)s: its cells are 1-%(last)s", cell=wrong[0],
                         stock=stock.name, last=stock.per_page), [{"field": "used", "cells": wrong}])
    if max(cells) == stock.per_page:
        raise invalid(_l("the last cell of the sheet is used: take a new sheet"), [{"field": "used"}])
    return max(cells)


def print_chosen(session: Session, choice: Choice, reason: str | None, sheet: Sheet, fmt: str,
                 actor: str) -> Printed:
    """Record the printable devices of ``choice`` as one run (a ``label_printed`` event each, as the API
    records them), in the caller's transaction."""
    if not choice.devices:
        raise FleetError("conflict", _l("nothing can be printed: every device was refused"),
                         [{"ref": r.ref, "message": str(r.reason)} for r in choice.refused[:100]])
    before = session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0
    run = record_prints(session, choice.devices, reason or None, sheet.stock.id, sheet.printer, fmt, actor)
    session.flush()
    ids = [e.id for e in session.scalars(select(Event).where(Event.id > before, Event.action == "label_printed"))
           if e.data.get("run") == run]
    return Printed(run, len(choice.devices), min(ids), max(ids))


def recorded_run(session: Session, run: str, first: int, last: int, scope: Scope) -> tuple[list[Device], dict]:
    """The devices of a recorded run (those ``scope`` sees, in print order) and its first event's data
    (stock, format, printer); ``not_found`` when the range holds no event of the run."""
    if not 0 <= last - first <= SPAN:
        raise FleetError("not_found", _l("print run %(run)s not found", run=run[:8]), {"ref": run})
    events = [e for e in session.scalars(select(Event).options(selectinload(Event.device)).where(
        Event.id >= first, Event.id <= last, Event.action == "label_printed").order_by(Event.id))
        if e.data.get("run") == run]
    devices = [e.device for e in events if scope.sees_device(e.device)]
    if not devices:
        raise FleetError("not_found", _l("print run %(run)s not found", run=run[:8]), {"ref": run})
    return devices, events[0].data


def first_page_png(sheet: Sheet, items: list[labels.LabelData], dpi: int = 72) -> bytes:
    """The first page of a run as PNG (a sheet with its skipped cells empty, or a roll's first label)."""
    if sheet.stock.kind == "roll":
        return labels.label_png(sheet.stock, items[0], dpi=max(dpi, 150))
    room = sheet.stock.per_page - sheet.skip
    pdf = labels.labels_pdf(sheet.stock, items[:room], skip=sheet.skip, calibration=sheet.calibration)
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()
    _outline_cells(image, sheet, dpi / 25.4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _outline_cells(image: Image.Image, sheet: Sheet, px: float) -> None:
    """The sheet's cells outlined in grey on the picture (they are not printed), the used ones crossed."""
    draw, stock = ImageDraw.Draw(image), sheet.stock
    for index in range(stock.per_page):
        x, y = stock.cell(index)
        box = (x * px, y * px, (x + stock.label_width) * px, (y + stock.label_height) * px)
        draw.rounded_rectangle(box, radius=stock.corner_radius * px, outline=(150, 160, 170))
        if index < sheet.skip:
            draw.line(box, fill=(170, 0, 0))
            draw.line((box[0], box[3], box[2], box[1]), fill=(170, 0, 0))
