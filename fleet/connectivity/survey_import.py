"""A founder's file of survey answers: one row a school, its submission, for many schools at once.

The file is CSV (``,`` or ``;``, UTF-8 with or without a byte-order mark, or Windows-1257: ``fleet.tables``) or
XLSX (its first sheet: ``fleet.xlsx``). The header row names a ``school`` column (the school's registration
number; also ``skola`` or ``registration number``) and one column a question: its key (``pupils``,
``contracted_down_mbps`` …), or its label in Latvian or English, compared without case or diacritics. Each row is
a school's submission, checked in full (``fleet.connectivity.questionnaire``).

All or nothing: every bad line is listed (``line`` as the file counts them, the header line 1; ``field``,
``reason``, ``message``): an answer refused, a school that is not the importer's (``not_found``) or is twice in
the file (``duplicate``); nothing is saved while one is bad. Saved as ``source="import"`` by "<user> (import:
<file>)"; a school whose latest version holds the same submission gets no new version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import tables, xlsx
from fleet.access.policy import Scope
from fleet.connectivity import questionnaire, survey
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.models import School, SurveyAnswer, SurveyRound
from fleet.reports import counting

MAX_BYTES = 2 * 1024 * 1024  # as a school register's import (fleet.lending.register_import); a founder's file of
MAX_ROWS = 2_000  # its schools is a few kB a school, and Latvia has some 600 schools
SCHOOL_HEADERS = ("school", "skola", "registration number", "registracijas numurs", "school registration number")
_WHOLE = re.compile(r"^-?\d+\.0+$")  # 1000.0: a whole number as a spreadsheet may store it


@dataclass(frozen=True)
class Imported:
    """The versions saved (or kept: the same submission), in the file's order."""

    answers: list[tuple[School, SurveyAnswer]]


def _columns() -> dict[str, str]:
    """Each header a question may have (its key, its English and Latvian labels) → the question's key."""
    out: dict[str, str] = {}
    for q in questionnaire.QUESTIONS:
        for name in (q.key, q.label.in_("en"), q.label.in_("lv")):
            out.setdefault(tables.header_key(name), q.key)
    return out


def rows_of(data: bytes) -> list[tuple[int, list[str]]]:
    """(line, cells) of a CSV or XLSX file that hold text, the header first."""
    if len(data) > MAX_BYTES:
        raise FleetError("too_large", _l("a survey file may be at most %(mib)s MiB", mib=MAX_BYTES // (1024 * 1024)))
    if data[:4] == b"PK\x03\x04":
        rows = [(line, [_whole(c.strip()) for c in cells]) for line, cells in xlsx.sheet_rows(data, MAX_ROWS)]
    else:
        rows = [(line, [str(c) for c in cells]) for line, cells in tables.csv_rows(tables.decode(data))
                if "".join(cells).strip()]
    if len(rows) - 1 > MAX_ROWS:
        raise FleetError("too_large", _l("a survey file may have at most %(max)s rows", max=MAX_ROWS))
    return rows


def _whole(cell: str) -> str:
    return cell[:cell.index(".")] if _WHOLE.match(cell) else cell


def _header(line: int, header: list[str]) -> tuple[int, dict[int, str]]:
    """The school's column and each question's column; ``invalid_input`` naming every bad header."""
    known, errors, school, columns = _columns(), [], None, {}
    for i, name in enumerate(header):
        key = tables.header_key(name)
        if not key:
            continue
        if key in SCHOOL_HEADERS:
            if school is not None:
                errors.append({"line": line, "field": "school", "reason": "duplicate",
                               "message": _l("two columns name the school")})
            school = i
        elif key in known:
            if known[key] in columns.values():
                errors.append({"line": line, "field": known[key], "reason": "duplicate",
                               "message": _l("two columns answer %(question)s", question=known[key])})
            columns[i] = known[key]
        else:
            errors.append({"line": line, "field": str(name)[:60], "reason": "unknown_question",
                           "message": _l("%(key)s is not a question of the survey", key=str(name)[:60])})
    if school is None:
        errors.append({"line": line, "field": "school", "reason": "required",
                       "message": _l("no school column (a header \"school\": the registration number)")})
    if errors:
        raise invalid(_l("the file's header is not usable; nothing was imported"), errors)
    return school, columns


def checked(session: Session, scope: Scope, data: bytes,
            today: date) -> list[tuple[int, School, dict[str, Any]]]:
    """(line, school, answers) of every row; ``invalid_input`` listing every bad line."""
    rows = rows_of(data)
    if not rows:
        raise invalid(_l("the file is empty"), [{"line": 1, "field": "school", "reason": "required",
                                                 "message": _l("no header and no rows")}])
    (header_line, header), body = rows[0], rows[1:]
    school_column, columns = _header(header_line, header)
    if not body:
        raise invalid(_l("the file has no school's answers"), [{"line": header_line + 1, "field": "school",
                                                               "reason": "required", "message": _l("no rows")}])
    regs = {cells[school_column].strip() for _, cells in body if school_column < len(cells)}
    schools = {s.registration_number: s for s in session.scalars(
        select(School).where(School.registration_number.in_(sorted(r for r in regs if r))))}
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    out = []
    for line, cells in body:
        cells = cells + [""] * (len(header) - len(cells))
        if len(cells) > len(header) and "".join(cells[len(header):]).strip():
            errors.append({"line": line, "field": "", "reason": "too_many_values",
                           "message": _l("has %(count)s value(s) where the header has %(width)s columns",
                                         count=len(cells), width=len(header))})
            continue
        reg = cells[school_column].strip()
        school = schools.get(reg)
        if not reg:
            errors.append({"line": line, "field": "school", "reason": "required",
                           "message": _l("the school's registration number is empty")})
        elif school is None or not scope.sees_school(school.id):
            errors.append({"line": line, "field": "school", "reason": "not_found",
                           "message": _l("school %(reg)s is not one of yours (or not known)", reg=repr(reg))})
        elif reg in seen:
            errors.append({"line": line, "field": "school", "reason": "duplicate",
                           "message": _l("school %(reg)s is on line %(first)s already", reg=reg, first=seen[reg])})
        else:
            seen[reg] = line
        clean, problems = questionnaire.check({key: cells[i] for i, key in columns.items()}, complete=True,
                                              today=today)
        errors += [{"line": line, **p.as_detail()} for p in problems]
        if school is not None and not problems and reg and seen.get(reg) == line:
            out.append((line, school, clean))
    if errors:
        lines = sorted({e["line"] for e in errors})
        shown = ", ".join(str(n) for n in lines[:20]) + (" …" if len(lines) > 20 else "")
        raise invalid(_l("%(count)s bad line(s) (%(lines)s); nothing was imported", count=len(lines), lines=shown),
                      errors)
    return out


def import_answers(session: Session, scope: Scope, survey_round: SurveyRound, data: bytes, filename: str, *,
                   today: date | None = None) -> Imported:
    """Every school's submission from a founder's file, all or nothing; the caller commits. ``conflict`` when the
    round takes no answers today."""
    today = today or counting.today()
    survey.check_open(survey_round, today)
    rows = checked(session, scope, data, today)
    name = PurePath((filename or "").replace("\\", "/")).name or "file"
    room = survey.MAX_SAVED_BY - len(scope.actor) - len(" (import: )")
    saved_by = f"{scope.actor} (import: {name[:max(room, 8)]})"
    saved = [(school, survey.save(session, scope, survey_round, school.id, answers, submit=True, source="import",
                                  today=today, saved_by=saved_by))
             for _, school, answers in rows]
    session.flush()
    return Imported(saved)
