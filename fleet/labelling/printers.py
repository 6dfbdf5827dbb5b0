"""Printer calibration profiles: which a caller may see, finding one by name, creating and
changing one (a shift in millimetres per axis, a default stock, the school it is at)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import labels
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.models import Printer, School


@dataclass(frozen=True)
class PrinterScope:
    """Which printer profiles a caller may see and change: None = all, else those of these schools."""

    school_ids: frozenset[int] | None

    def sees(self, printer: Printer) -> bool:
        return self.school_ids is None or printer.school_id in self.school_ids


def printer(session: Session, name: Any, scope: PrinterScope) -> Printer | None:
    if name is None:
        return None
    row = session.scalar(select(Printer).where(Printer.name == name)) if isinstance(name, str) else None
    if row is None or not scope.sees(row):
        raise invalid(_l("no printer profile %(name)s", name=repr(name)), [{"field": "printer"}])
    return row


def find_printer(session: Session, name: str, scope: PrinterScope) -> Printer:
    row = session.scalar(select(Printer).where(Printer.name == name))
    if row is None or not scope.sees(row):
        raise FleetError("not_found", _l("printer profile %(name)s not found", name=repr(name)), {"ref": name})
    return row


def printer_by_id(session: Session, printer_id: int, scope: PrinterScope) -> Printer:
    """A profile by its id (the administration pages' address of it); another school's is ``not_found``."""
    row = session.get(Printer, printer_id)
    if row is None or not scope.sees(row):
        raise FleetError("not_found", _l("printer profile %(name)s not found", name=printer_id), {"ref": printer_id})
    return row


def printers(session: Session, scope: PrinterScope) -> list[Printer]:
    """The profiles this caller may see, by name."""
    query = select(Printer).order_by(Printer.name)
    if scope.school_ids is not None:
        query = query.where(Printer.school_id.in_(sorted(scope.school_ids)))
    return list(session.scalars(query))


def calibration(row: Printer | None) -> labels.Calibration:
    return labels.Calibration(row.offset_x, row.offset_y) if row is not None else labels.Calibration()


MAX_SHIFT = 20.0  # mm; a printer that shifts more needs a service, not a profile
_SHIFT = f"{MAX_SHIFT:g}"


def save_printer(session: Session, data: Any, scope: PrinterScope, existing: Printer | None = None) -> Printer:
    if not isinstance(data, dict):
        raise invalid(_l("the body must be a JSON object {name, offset_x, offset_y, stock?, school?}"))
    errors, row = [], existing or Printer()
    if existing is None:
        name = data.get("name")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 100:
            errors.append({"field": "name", "message": _l("a name of 1-100 characters is required")})
        else:
            row.name = name.strip()
    for axis in ("offset_x", "offset_y"):
        if axis in data or existing is None:
            value = data.get(axis, 0)
            if not isinstance(value, int | float) or isinstance(value, bool) or abs(value) > MAX_SHIFT:
                errors.append({"field": axis, "message": _l("a shift in millimetres, -%(max)s to %(max)s",
                                                            max=_SHIFT)})
            else:
                setattr(row, axis, round(float(value), 2))
    if "stock" in data:
        if data["stock"] is not None and data["stock"] not in labels.STOCKS:
            errors.append({"field": "stock", "message": _l("unknown label stock"), "known": sorted(labels.STOCKS)})
        else:
            row.stock = data["stock"]
    if existing is None:
        row.school_id = _printer_school(session, data.get("school"), scope, errors)
    if errors:
        raise invalid(_l("the printer profile is not valid; nothing was saved"), errors)
    if existing is None:
        if session.scalar(select(Printer.id).where(Printer.name == row.name)):
            raise FleetError("duplicate", _l("a printer profile %(name)s exists already", name=repr(row.name)),
                             {"field": "name"})
        session.add(row)
    session.flush()
    return row


def _printer_school(session: Session, reg: Any, scope: PrinterScope, errors: list) -> int | None:
    if reg is None:
        if scope.school_ids is not None and len(scope.school_ids) == 1:
            return next(iter(scope.school_ids))
        if scope.school_ids is not None:
            errors.append({"field": "school", "message": _l("say which of your schools the printer is at")})
        return None
    school = session.scalar(select(School).where(School.registration_number == reg)) if isinstance(reg, str) else None
    if school is None or (scope.school_ids is not None and school.id not in scope.school_ids):
        errors.append({"field": "school", "message": _l("no school %(school)s", school=repr(reg))})
        return None
    return school.id
