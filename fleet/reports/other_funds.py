"""Other funds' serial registers and the programme's configuration: the serials another fund or measure paid for
(REACT-EU, cohesion measure 4.2.1.5 …), imported from that fund's register so that the double-funding check
(``fleet.reports.funding``) finds a programme device with the same serial; the funding sources' budgets; the
programme's targets (added or changed).

The register comes as CSV (``,`` or ``;``, UTF-8 or Windows-1257, ``fleet.tables``) or XLSX (``fleet.xlsx``) with
a ``serial`` column (or ``sērijas numurs``). It is taken all or nothing: every bad line is listed with its line
number (an empty or malformed serial, one twice in the file), and nothing is imported while one is bad. Serials
already on the register from the same source are left as they are (importing a register again adds only the new).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import tables, xlsx
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.models import FundingSource, OtherFundSerial, ProgrammeTarget
from fleet.serials import normalize_serial

HEADERS = ("serial", "serial number", "serijas numurs", "serijas nr")  # compared as fleet.tables.header_key does
MAX_ROWS = 200_000  # REACT-EU's register holds 25,687
REFERENCE_LENGTH = 200


@dataclass(frozen=True)
class Imported:
    added: int
    already: int  # on the register from this source before


def source(session: Session, code: str) -> FundingSource:
    found = session.get(FundingSource, code) if isinstance(code, str) else None
    if found is None:
        codes = ", ".join(session.scalars(select(FundingSource.code).order_by(FundingSource.code)))
        raise invalid(_l("unknown funding source %(source)s; the sources: %(codes)s", source=repr(code), codes=codes),
                      [{"field": "source", "reason": "unknown_source"}])
    return found


def rows_of(data: bytes) -> list[tuple[int, list]]:
    """(line, cells) of a CSV or XLSX file, the header first."""
    if data[:4] == b"PK\x03\x04":
        return xlsx.sheet_rows(data, MAX_ROWS)
    return tables.csv_rows(tables.decode(data))


def serials_in(data: bytes) -> list[str]:
    """The normalised serials of a register's file; ``invalid_input`` listing every bad line."""
    rows = rows_of(data)
    if not rows:
        raise invalid(_l("the file is empty"), [{"line": 1, "message": _l("no header")}])
    header_line, header = rows[0]
    keys = [tables.header_key(h) for h in header]
    column = next((i for i, k in enumerate(keys) if k in HEADERS), None)
    if column is None:
        raise invalid(_l("the file has no serial column (a header \"serial\" or \"sērijas numurs\")"),
                      [{"line": header_line, "field": "serial", "message": _l("no serial column")}])
    errors, seen, serials = [], {}, []
    for line, cells in rows[1:]:
        raw = cells[column] if column < len(cells) else ""
        raw = "" if raw is None else str(raw)
        if not raw.strip():
            errors.append({"line": line, "field": "serial", "message": _l("the serial is empty")})
            continue
        try:
            serial = normalize_serial(raw)
        except FleetError as e:
            errors.append({"line": line, "field": "serial", "message": e.text or e.message})
            continue
        if serial in seen:
            errors.append({"line": line, "field": "serial",
                           "message": _l("serial %(serial)s is on line %(first)s already", serial=serial,
                                         first=seen[serial])})
            continue
        seen[serial] = line
        serials.append(serial)
    if errors:
        lines = ", ".join(str(e["line"]) for e in errors[:20]) + (" …" if len(errors) > 20 else "")
        raise invalid(_l("%(count)s bad line(s) (%(lines)s); nothing was imported", count=len(errors), lines=lines),
                      errors)
    return serials


def import_register(session: Session, data: bytes, code: str, reference: str, actor: str) -> Imported:
    """Add the serials of another fund's register (all or nothing); the caller commits."""
    found = source(session, code)
    reference = " ".join((reference or "").split())
    if not 1 <= len(reference) <= REFERENCE_LENGTH:
        raise invalid(_l("the reference (the register or contract the serials come from) is required, at most "
                         "%(max)s characters", max=REFERENCE_LENGTH), [{"field": "reference"}])
    serials = serials_in(data)
    known: set[str] = set()
    for start in range(0, len(serials), 1_000):
        chunk = serials[start:start + 1_000]
        known |= set(session.scalars(select(OtherFundSerial.serial).where(
            OtherFundSerial.source == found.code, OtherFundSerial.serial.in_(chunk))))
    new = [s for s in serials if s not in known]
    session.add_all(OtherFundSerial(serial=s, source=found.code, reference=reference, imported_by=actor) for s in new)
    session.flush()
    return Imported(len(new), len(known))


def set_budget(session: Session, code: str, amount: str) -> FundingSource:
    """A source's budget in EUR ("15000000.00"); "none" clears it."""
    found = source(session, code)
    if amount.strip().lower() in ("none", "-"):
        found.budget = None
        return found
    try:
        value = Decimal(amount.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value.as_tuple().exponent < -2 or value >= 10**12:
        raise invalid(_l("the budget must be an amount in EUR with at most 2 decimals, e.g. 15000000.00"),
                      [{"field": "amount"}])
    found.budget = value
    session.flush()
    return found


def set_target(session: Session, due_on: date, count: int, wording_lv: str | None,
               wording_en: str | None) -> ProgrammeTarget:
    """Add the target due on ``due_on`` or change it (a wording not given is kept; a new target needs both)."""
    errors = []
    if count < 1:
        errors.append({"field": "count", "message": _l("must be at least 1")})
    target = session.scalar(select(ProgrammeTarget).where(ProgrammeTarget.due_on == due_on))
    for field, value in (("wording_lv", wording_lv), ("wording_en", wording_en)):
        if target is None and not (value or "").strip():
            errors.append({"field": field, "message": _l("a new target needs its wording in Latvian and English")})
    if errors:
        raise invalid(_l("the target is not valid; nothing was saved"), errors)
    if target is None:
        target = ProgrammeTarget(due_on=due_on)
        session.add(target)
    target.target = count
    if (wording_lv or "").strip():
        target.wording_lv = wording_lv.strip()
    if (wording_en or "").strip():
        target.wording_en = wording_en.strip()
    session.flush()
    return target
