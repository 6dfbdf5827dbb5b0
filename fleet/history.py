"""The tamper-evident history: hashing an event into its device's chain, and verifying chains.

``hash = SHA-256(previous hash of this device + canonical JSON of the event)``, where the
canonical JSON has sorted keys, no insignificant whitespace, UTF-8, and the time as UTC with
microseconds. The first event of a device chains to the empty string.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from json.encoder import encode_basestring as _encode_string  # what json.dumps uses for text, ensure_ascii=False
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.models import Device, Event, VerifyRun


def canonical(event: Event, serial: str) -> bytes:
    at = event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "device": serial,
        "seq": event.seq,
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "at": at,
        "actor": event.actor,
        "data": event.data,
        "nonce": event.nonce,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(previous: str, event: Event, serial: str) -> str:
    return hashlib.sha256(previous.encode() + canonical(event, serial)).hexdigest()


def dumps(data: dict) -> str:
    """An event's data as canonical JSON (as it stands inside ``canonical``)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_DEVICE, _DATA = "\x00device\x00", "\x00data\x00"  # stand-ins no serial or data can hold


class SharedEvent:
    """``chain_hash`` for many events that differ only in their device and data (the first events
    of a manifest's devices): the rest of the canonical form is encoded once, and each event
    costs a string join and a SHA-256. The bytes hashed are exactly ``canonical``'s."""

    def __init__(self, event) -> None:
        stand_in = SimpleNamespace(seq=event.seq, action=event.action, from_status=event.from_status,
                                   to_status=event.to_status, at=event.at, actor=event.actor, data=_DATA,
                                   nonce=event.nonce)
        text = canonical(stand_in, _DEVICE).decode()
        data_at, device_at = text.index(json.dumps(_DATA)), text.index(json.dumps(_DEVICE))
        if not data_at < device_at:  # sorted keys: "data" comes before "device"
            raise AssertionError("canonical key order changed")
        self._head = text[:data_at]
        self._middle = text[data_at + len(json.dumps(_DATA)):device_at]
        self._tail = text[device_at + len(json.dumps(_DEVICE)):]

    def hash(self, previous: str, serial: str, data_json: str) -> str:
        """The chain hash of this event for device ``serial`` with data ``data_json`` (``dumps``)."""
        text = previous + self._head + data_json + self._middle + _encode_string(serial) + self._tail
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    serial: str
    seq: int | None
    event_id: int | None
    reason: str  # in English, for the log and `fleet verify`
    kind: str = ""  # what broke: "deleted" (an event before seq), "edited" (event seq), "truncated", "status"

    def __str__(self) -> str:
        where = f"event #{self.event_id} (seq {self.seq})" if self.event_id else "its history"
        return f"device {self.serial}: {where}: {self.reason}"


def verify_device(device: Device, events: list[Event]) -> Break | None:
    """The first inconsistency in one device's chain, or None when it is intact."""
    previous = ""
    status = None
    for expected_seq, ev in enumerate(events, start=1):
        if ev.seq != expected_seq:
            reason = f"sequence jumps from {expected_seq - 1} to {ev.seq}: an event was deleted"
            return Break(device.serial, ev.seq, ev.id, reason, "deleted")
        if chain_hash(previous, ev, device.serial) != ev.hash:
            return Break(device.serial, ev.seq, ev.id, "hash does not match its content: the event was edited",
                         "edited")
        previous = ev.hash
        if ev.to_status is not None:
            status = ev.to_status
    if len(events) != device.history_length or previous != device.history_head:
        reason = (f"history ends at seq {len(events)} but the device records {device.history_length}: "
                  "events were deleted")
        return Break(device.serial, None, None, reason, "truncated")
    if status != device.status:
        reason = f"status {device.status!r} differs from the history's {status!r}: the status was edited"
        return Break(device.serial, None, None, reason, "status")
    return None


def verify_all(session: Session, batch: int = 1000) -> tuple[int, Break | None]:
    """Walk every device's chain in id order; (devices checked, the first break or None)."""
    last_id, checked = 0, 0
    while True:
        page = select(Device).where(Device.id > last_id).order_by(Device.id).limit(batch)
        devices = session.scalars(page).unique().all()
        if not devices:
            return checked, None
        ids = [d.id for d in devices]
        by_device: dict[int, list[Event]] = {i: [] for i in ids}
        for ev in session.scalars(select(Event).where(Event.device_id.in_(ids)).order_by(Event.device_id, Event.seq)):
            by_device[ev.device_id].append(ev)
        for d in devices:
            checked += 1
            broken = verify_device(d, by_device[d.id])
            if broken:
                return checked, broken
        last_id = ids[-1]
        session.expunge_all()


def run_and_record(session: Session, actor: str) -> VerifyRun:
    """``verify_all``, and its result kept as a ``VerifyRun`` (added to the session, committed by the caller)."""
    checked, broken = verify_all(session)
    run = VerifyRun(actor=actor[:100], checked=checked)
    if broken is not None:
        run.broken_serial, run.broken_event_id, run.broken_seq = broken.serial[:100], broken.event_id, broken.seq
        run.reason = broken.reason[:300]
    session.add(run)
    session.flush()
    return run


def latest_run(session: Session) -> VerifyRun | None:
    """The newest ``fleet verify`` result kept, or None when it never ran."""
    return session.scalar(select(VerifyRun).order_by(VerifyRun.id.desc()).limit(1))
