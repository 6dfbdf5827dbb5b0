"""Pre-printed tag batches: labels carrying tags allocated ahead of any device. The first scan of
such a label together with a device's serial binds the two (``tag_bound``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import labels
from fleet import lifecycle, resolvers
from fleet.access.policy import Scope
from fleet.asset_tags import allocate_tag, in_number_order, parse_tag
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.labelling.content import PROGRAMME, label_url
from fleet.models import Device, Event, LabelBatch, PreprintedTag

MAX_BATCH = 1_000


def create_batch(session: Session, count: Any, stock_id: str, prefix: str, actor: str) -> LabelBatch:
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_BATCH:
        raise invalid(_l("count must be a whole number 1-%(max)s", max=MAX_BATCH), [{"field": "count"}])
    batch = LabelBatch(count=count, stock=stock_id, created_by=actor)
    session.add(batch)
    session.flush()
    session.add_all(PreprintedTag(tag=allocate_tag(session, prefix), batch_id=batch.id) for _ in range(count))
    session.flush()
    return batch


def batch_tags(session: Session, batch: LabelBatch) -> list[str]:
    return list(session.scalars(select(PreprintedTag.tag).where(PreprintedTag.batch_id == batch.id)
                                .order_by(*in_number_order(PreprintedTag.tag))))


def batch_rows(session: Session, batch: LabelBatch) -> list[dict]:
    rows = session.execute(select(PreprintedTag.tag, Device.serial)
                           .outerjoin(Device, Device.id == PreprintedTag.device_id)
                           .where(PreprintedTag.batch_id == batch.id).order_by(*in_number_order(PreprintedTag.tag)))
    return [{"tag": tag, "serial": serial} for tag, serial in rows]


def batch_label(tag: str, public_url: str) -> labels.LabelData:
    return labels.LabelData(asset_tag=tag, serial="", qr_text=label_url(public_url, tag), programme=PROGRAMME)


def preprinted(session: Session, code: Any) -> PreprintedTag | None:
    """The pre-printed tag a scanned code names, if it is one (bound or not)."""
    try:
        m = resolvers.match(code)
    except FleetError:
        return None
    if m.column != "asset_tag":
        return None
    return session.get(PreprintedTag, m.value)


def bind(session: Session, code: Any, serial: Any, scope: Scope) -> lifecycle.Outcome:
    """Bind a pre-printed tag to the device with `serial` (one ``scope`` sees), as its actor: the label's
    first scan with the serial."""
    if not isinstance(serial, str) or not serial.strip():
        raise invalid(_l("the device's serial is required to bind a pre-printed label"), [{"field": "serial"}])
    tag = preprinted(session, code)
    if tag is None:
        raise FleetError("not_found", _l("no pre-printed label %(code)s", code=repr(code)), {"ref": code})
    device = resolvers.resolve(session, serial, scope, lock=True)
    if tag.device_id is not None:
        if tag.device_id == device.id:
            return lifecycle.Outcome(device, session.scalar(
                select(Event).where(Event.device_id == device.id, Event.action == "tag_bound")
                .order_by(Event.seq.desc()).limit(1)), already=True)
        raise FleetError("conflict", _l("the label %(tag)s is on another device already", tag=tag.tag),
                         {"tag": tag.tag})
    outcome = lifecycle.apply(session, device, "tag_bound", {"tag": parse_tag(tag.tag), "batch": tag.batch_id},
                              scope.actor, via="labels")
    tag.device_id = device.id
    tag.bound_by = scope.actor
    session.flush()
    return outcome
