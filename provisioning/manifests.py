"""Supplier manifests: the serial list a delivery should bring, read from what suppliers send.

CSV with ``,`` or ``;`` (the Latvian Excel default), in UTF-8 with or without a BOM or in
Windows-1257 (Baltic); or XLSX. Header names in English or Latvian. Columns: serial (required),
manufacturer, model, MAC addresses and purchase-order line (optional). A file is taken whole or
not at all: every bad line is reported with its number (the header is line 1) and its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fleet import tables, xlsx
from fleet.errors import FleetError, invalid
from fleet.i18n import Text, _l
from fleet.serials import normalize_serial

MAX_BYTES = 8 * 1024 * 1024
MAX_ROWS = 50_000

# Normalised header (lower case, no diacritics or punctuation) → field.
HEADERS = {
    "serial": "serial", "serial number": "serial", "serial no": "serial", "serialnumber": "serial",
    "sn": "serial", "s n": "serial", "serijas numurs": "serial", "serijas nr": "serial", "serijas nr.": "serial",
    "manufacturer": "manufacturer", "make": "manufacturer", "vendor": "manufacturer", "brand": "manufacturer",
    "razotajs": "manufacturer", "zimols": "manufacturer",
    "model": "model", "modelis": "model",
    "mac": "macs", "mac address": "macs", "mac addresses": "macs", "macs": "macs",
    "mac adrese": "macs", "mac adreses": "macs",
    "po line": "po_line", "purchase order line": "po_line", "po": "po_line",
    "pasutijuma rinda": "po_line", "pasutijuma pozicija": "po_line",
}
# Matched as written, in either case, before upper-casing (which would make 'FF' of 'ﬀ').
_MAC_RE = re.compile(r"[0-9A-F]{2}([:-]?)[0-9A-F]{2}(\1[0-9A-F]{2}){4}", re.IGNORECASE | re.ASCII)
_MAC_SPLIT = re.compile(r"[\s,;|/]+")
_MAC_CANONICAL = re.compile(r"[0-9A-F]{2}(?::[0-9A-F]{2}){5}", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class ManifestRow:
    line: int
    serial: str
    manufacturer: str = ""
    model: str = ""
    macs: tuple[str, ...] = ()
    po_line: str = ""


@dataclass
class _Errors:
    items: list[dict] = field(default_factory=list)

    def add(self, line: int, message: str | Text) -> None:
        self.items.append({"line": line, "message": message})


def parse_manifest(data: bytes, filename: str = "") -> list[ManifestRow]:
    """The rows of a manifest file, or ``invalid_input`` listing every bad line (or ``too_large``)."""
    if len(data) > MAX_BYTES:
        raise FleetError("too_large", _l("a manifest may be at most %(mib)s MiB", mib=MAX_BYTES // (1024 * 1024)))
    if data[:4] == b"PK\x03\x04":  # by content, not by name: XLSX is a ZIP
        table = xlsx.sheet_rows(data, MAX_ROWS)
    else:
        table = tables.csv_rows(tables.decode(data))
    return rows_from_table(table)


def parse_manifest_json(items: object) -> list[ManifestRow]:
    """``[{serial, manufacturer?, model?, macs?, po_line?}, …]`` as sent in a JSON body."""
    if not isinstance(items, list):
        raise invalid(_l("manifest must be a list of {serial, manufacturer, model}"),
                      [{"field": "manifest", "message": _l("must be a list")}])
    if not items:
        raise invalid(_l("the manifest lists no device"), [{"field": "manifest", "message": _l("lists no device")}])
    header = ["serial", "manufacturer", "model", "macs", "po_line"]
    table = [(1, header)]
    for i, item in enumerate(items, start=2):
        if not isinstance(item, dict):
            table.append((i, _NOT_AN_OBJECT))
            continue
        macs = item.get("macs", "")
        macs = " ".join(macs) if isinstance(macs, list) and all(isinstance(m, str) for m in macs) else macs
        table.append((i, [item.get(k, "") for k in header[:3]] + [macs, item.get("po_line", "")]))
    try:
        return rows_from_table(table)
    except FleetError as e:  # a list has items, not lines: report each bad item by its index
        e.details = [{"index": d["line"] - 2, "message": d["message"]} for d in e.details]
        raise


_NOT_AN_OBJECT = [None] * 5  # stands in the table for a JSON item that is not an object


def rows_from_table(table: list[tuple[int, list]]) -> list[ManifestRow]:
    table = [(n, row) for n, row in table if row is _NOT_AN_OBJECT or _holds_text(row)]
    if not table:
        raise invalid(_l("the manifest is empty"), [{"line": 1, "message": _l("no header and no rows")}])
    header_line, header = table[0]
    columns: dict[str, int] = {}
    errors = _Errors()
    for i, name in enumerate(header):
        key = HEADERS.get(tables.header_key(name))
        if key and key in columns:
            errors.add(header_line, _l("two columns mean %(field)s: %(first)s and %(second)s", field=key,
                                       first=repr(header[columns[key]]), second=repr(name)))
        elif key:
            columns[key] = i
    if "serial" not in columns:
        errors.add(header_line, _l("no serial column (expected e.g. 'serial' or 'sērijas numurs'); found %(found)s",
                                   found=", ".join(repr(str(h)) for h in header)))
        raise invalid(_l("the manifest has no serial column"), errors.items)
    if len(table) == 1:
        errors.add(header_line, _l("a header and no rows: the manifest lists no device"))
        raise invalid(_l("the manifest lists no device"), errors.items)
    if len(table) - 1 > MAX_ROWS:
        raise FleetError("too_large", _l("a manifest may have at most %(max)s rows, this one has %(count)s",
                                         max=MAX_ROWS, count=len(table) - 1))

    at = tuple(columns.get(key) for key in _FIELDS)
    width = len(header)
    rows, first_seen = [], {}
    for line, raw in table[1:]:
        if len(raw) < width:
            errors.add(line, _l("has %(count)s value(s) where the header has %(width)s columns", count=len(raw),
                                width=width))
            continue
        row = _row(line, raw, at, errors)
        if row is None:
            continue
        if row.serial in first_seen:
            errors.add(line, _l("serial %(serial)s repeats line %(line)s", serial=row.serial,
                                line=first_seen[row.serial]))
            continue
        first_seen[row.serial] = line
        rows.append(row)
    if errors.items:
        raise invalid(_l("%(count)s bad line(s); nothing was imported", count=len(errors.items)), errors.items)
    return rows


def _holds_text(row: list) -> bool:
    """Whether a row has a cell that is not blank."""
    try:
        return bool("".join(row).strip())  # every cell text: the usual case, one join
    except TypeError:
        return any(str(c).strip() for c in row if c is not None)


_FIELDS = ("serial", "manufacturer", "model", "macs", "po_line")
_COLUMN = {"manufacturer": _l("manufacturer"), "model": _l("model"), "po_line": _l("po_line")}  # a line's columns


def _row(line: int, raw: list, at: tuple[int | None, ...], errors: _Errors) -> ManifestRow | None:
    """One line's row, or None with its fault added to ``errors``; ``at`` holds the column of
    each of ``_FIELDS`` (None: the file has no such column)."""
    if raw is _NOT_AN_OBJECT:
        errors.add(line, _l("each item must be an object {serial, manufacturer, model}"))
        return None
    if any(not isinstance(c, str) for c in raw):
        errors.add(line, _l("every value must be text"))
        return None
    serial_at, manufacturer_at, model_at, macs_at, po_line_at = at
    try:
        serial = normalize_serial(raw[serial_at])
    except FleetError as e:
        errors.add(line, e.text or e.message)
        return None
    manufacturer = raw[manufacturer_at].strip() if manufacturer_at is not None else ""
    model = raw[model_at].strip() if model_at is not None else ""
    po_line = raw[po_line_at].strip() if po_line_at is not None else ""
    for key, value in (("manufacturer", manufacturer), ("model", model), ("po_line", po_line)):
        if len(value) > 100:
            errors.add(line, _l("%(field)s is longer than 100 characters", field=_COLUMN[key]))
            return None
        if "\x00" in value:
            errors.add(line, _l("%(field)s holds a NUL character", field=_COLUMN[key]))
            return None
    try:
        macs = normalize_macs(raw[macs_at]) if macs_at is not None else ()
    except ValueError as e:
        errors.add(line, e.args[0])
        return None
    return ManifestRow(line, serial, manufacturer, model, macs, po_line)


def normalize_macs(text: str) -> tuple[str, ...]:
    """MAC addresses separated by spaces, commas, ``;`` or ``|``, as ``3C:52:82:1A:2B:3C``."""
    text = text.strip()
    if not text:
        return ()
    if _MAC_CANONICAL.fullmatch(text):  # one address, written as it is kept: the usual case
        return (text.upper(),)
    macs = []
    for mac in filter(None, _MAC_SPLIT.split(text)):
        if not _MAC_RE.fullmatch(mac):
            raise ValueError(_l("%(mac)s is not a MAC address (12 hexadecimal digits, e.g. 3C:52:82:1A:2B:3C)",
                                mac=repr(mac)))
        digits = re.sub(r"[:-]", "", mac).upper()
        macs.append(":".join(digits[i:i + 2] for i in range(0, 12, 2)))
    return tuple(macs)
