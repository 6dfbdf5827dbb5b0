#!/usr/bin/env python3
"""Verify an evidence pack of the laptop programme offline, with nothing but Python 3.11+ (standard library
only). Run it inside the unzipped pack::

    python3 verify.py            # the pack is the directory this script is in
    python3 verify.py PACK_DIR   # or name it

It checks, in this order, and stops at the first failure (printed as ``FAIL …``, exit status 1):

1. every device of ``devices.csv`` has its history ``history/<serial>.jsonl``; each line is ``<hash> <event>``,
   the event's canonical JSON exactly as it was hashed; the chain is recomputed, ``hash = SHA-256(previous
   hash + event)`` (the first event chains to the empty string), each event's ``seq`` follows the one before,
   and the last hash equals the device's ``history_head`` in ``devices.csv``;
2. every signed agreement ``agreements/<sha256>.pdf`` has the SHA-256 its name says, and is the agreement
   of a device in ``devices.csv`` (its ``agreement_sha256``);
3. ``SHA256SUMS`` lists every other file of the pack with its SHA-256, and each file matches.

When all holds it prints ``OK`` and what it checked, exit status 0.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from pathlib import Path

HEX64 = re.compile(r"[0-9a-f]{64}")
SUMS = "SHA256SUMS"
CHUNK = 1 << 20


class Failure(Exception):
    """The first thing that does not hold: its message names the file, the device and the event."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def devices(pack: Path) -> dict[str, dict[str, str]]:
    """devices.csv's rows by serial."""
    path = pack / "devices.csv"
    if not path.is_file():
        raise Failure("devices.csv: missing")
    with open(path, encoding="utf-8", newline="") as f:
        rows = {row["serial"]: row for row in csv.DictReader(f)}
    return rows


def chain(pack: Path, serial: str, head: str) -> int:
    """Recompute one device's chain from its history file; the number of events."""
    name = f"history/{serial}.jsonl"
    path = pack / name
    if not path.is_file():
        raise Failure(f"{name}: missing (device {serial} is in devices.csv)")
    previous, seq = "", 0
    with open(path, "rb") as f:
        for number, line in enumerate(f, start=1):
            recorded, _, event = line.rstrip(b"\n").partition(b" ")
            recorded = recorded.decode("ascii", "replace")
            try:
                body = json.loads(event)
            except ValueError:
                raise Failure(f"{name}: device {serial}, line {number}: not an event's JSON") from None
            at = body.get("seq") if isinstance(body, dict) else None
            if not HEX64.fullmatch(recorded):
                raise Failure(f"{name}: device {serial}, seq {at}: no recorded hash")
            if body.get("device") != serial:
                raise Failure(f"{name}: device {serial}, seq {at}: the event names device {body.get('device')!r}")
            if at != seq + 1:
                raise Failure(f"{name}: device {serial}, seq {at}: expected seq {seq + 1} (an event is missing "
                              "or out of order)")
            if hashlib.sha256(previous.encode() + event).hexdigest() != recorded:
                raise Failure(f"{name}: device {serial}, seq {at}: the hash does not match the event's content "
                              "(the event was changed)")
            previous, seq = recorded, at
    if previous != head:
        raise Failure(f"{name}: device {serial}: the history ends in {previous or 'nothing'}, but devices.csv "
                      f"records the head {head} (events are missing or were added)")
    return seq


def histories(pack: Path, rows: dict[str, dict[str, str]]) -> int:
    events = sum(chain(pack, serial, row["history_head"]) for serial, row in rows.items())
    folder = pack / "history"
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.name.removesuffix(".jsonl") not in rows:
            raise Failure(f"history/{path.name}: not the history of any device in devices.csv")
    return events


def agreements(pack: Path, rows: dict[str, dict[str, str]]) -> int:
    signed = {row["agreement_sha256"] for row in rows.values()}
    folder = pack / "agreements"
    checked = 0
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        name = f"agreements/{path.name}"
        stated = path.name.removesuffix(".pdf")
        if not HEX64.fullmatch(stated) or not path.name.endswith(".pdf"):
            raise Failure(f"{name}: not named <sha256>.pdf")
        actual = file_sha256(path)
        if actual != stated:
            raise Failure(f"{name}: its SHA-256 is {actual}, not the one its name says (the file was changed)")
        if stated not in signed:
            raise Failure(f"{name}: not the signed agreement of any device in devices.csv")
        checked += 1
    return checked


def sums(pack: Path) -> int:
    path = pack / SUMS
    if not path.is_file():
        raise Failure(f"{SUMS}: missing")
    listed = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            digest, _, name = line.rstrip("\n").partition("  ")
            if not HEX64.fullmatch(digest) or not name:
                raise Failure(f"{SUMS}: line {number} is not '<sha256>  <file>'")
            listed[name] = digest
    for name, digest in listed.items():
        target = pack / name
        if not target.is_file():
            raise Failure(f"{name}: listed in {SUMS} but missing")
        if file_sha256(target) != digest:
            raise Failure(f"{name}: its SHA-256 differs from {SUMS}'s (the file was changed)")
    for target in sorted(p for p in pack.rglob("*") if p.is_file()):
        name = target.relative_to(pack).as_posix()
        if name != SUMS and name not in listed:
            raise Failure(f"{name}: not listed in {SUMS}")
    return len(listed)


def verify(pack: Path) -> str:
    """What was checked, or ``Failure`` naming the first thing that does not hold."""
    rows = devices(pack)
    events = histories(pack, rows)
    signed = agreements(pack, rows)
    files = sums(pack)
    return f"{len(rows)} devices, {events} events, {signed} signed agreements, {files} files"


def main(argv: list[str]) -> int:
    pack = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    try:
        checked = verify(pack)
    except Failure as failure:
        print(f"FAIL {failure}")
        return 1
    print(f"OK {checked}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
