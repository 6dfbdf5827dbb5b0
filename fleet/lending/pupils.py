"""Pupils: the minimum the loan agreement needs, scoped to their school.

A pupil has a school-register id, a name, a class, a guardian (who signs), and an eligibility
group of the programme with its basis and the date it is valid until. A personal code is never
required; a school that keeps one has it validated (the old format with its checksum, or the new
``32…`` one) and it is shown only inside that school. The school register's CSV export is
``fleet.lending.register_import``'s. A class is listed in register order (the Latvian alphabet), classes in
natural order (1.a < 2.b < 10.a). Reads take the caller's ``Scope``: a pupil of a school outside it is
``not_found``; ``school_of`` is the school a page is about.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from fleet import paging, tables
from fleet.access.policy import Scope
from fleet.errors import FleetError, invalid
from fleet.i18n import LOCALES, Text, _l, translations
from fleet.models import EligibilityGroup, Pupil, School

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
_OLD_CODE = re.compile(r"(\d{2})(\d{2})(\d{2})-?([012])(\d{4})", re.ASCII)  # \d alone takes "١" too
_NEW_CODE = re.compile(r"3[2-9]\d{4}-?\d{5}", re.ASCII)
_CODE_WEIGHTS = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

FIELDS = ("register_id", "given_name", "family_name", "grade", "guardian_name", "guardian_email", "guardian_phone",
          "eligibility", "eligibility_basis", "eligibility_valid_until", "personal_code")
LIMITS = {"register_id": 40, "given_name": 100, "family_name": 100, "grade": 10, "guardian_name": 200,
          "guardian_email": 200, "guardian_phone": 40, "eligibility_basis": 500}
REQUIRED = ("register_id", "given_name", "family_name", "grade", "guardian_name")

# A field as a person reads it (a form's label, a bad line's reason when the file has no such column).
FIELD_LABELS = {
    "register_id": _l("Register id"), "given_name": _l("Given name"), "family_name": _l("Family name"),
    "grade": _l("Class"), "guardian_name": _l("Guardian"), "guardian_email": _l("Guardian's e-mail"),
    "guardian_phone": _l("Guardian's phone"), "eligibility": _l("Eligibility group"),
    "eligibility_basis": _l("Eligibility basis"), "eligibility_valid_until": _l("Eligible until"),
    "personal_code": _l("Personal code"),
}


def validate_personal_code(value: str) -> str:
    """The code in the form ``DDMMYY-CNNNN`` (old, with its checksum and a real date) or
    ``32NNNN-NNNNN`` (new, since 2017); ValueError otherwise."""
    code = value.strip()
    if _NEW_CODE.fullmatch(code):
        digits = code.replace("-", "")
        return f"{digits[:6]}-{digits[6:]}"
    m = _OLD_CODE.fullmatch(code)
    if not m:
        raise ValueError(_l("a personal code is DDMMYY-NNNNN, or 32NNNN-NNNNN since 2017"))
    day, month, year, century = int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))
    try:
        date(1800 + 100 * century + year, month, day)
    except ValueError:
        raise ValueError(_l("the personal code's date part is not a date")) from None
    digits = [int(c) for c in code.replace("-", "")]
    check = (1101 - sum(d * w for d, w in zip(digits[:10], _CODE_WEIGHTS, strict=True))) % 11
    if check != digits[10]:
        raise ValueError(_l("the personal code's check digit is wrong"))
    digits_s = "".join(map(str, digits))
    return f"{digits_s[:6]}-{digits_s[6:]}"


@dataclass
class _Checked:
    values: dict[str, Any]
    errors: list[dict]


def check_fields(session: Session, data: dict, partial: bool, groups: dict[str, EligibilityGroup]) -> _Checked:
    """Validate the fields of `data` (all of them, or for a PATCH those given)."""
    values: dict[str, Any] = {}
    errors: list[dict] = []
    for field in FIELDS:
        if field not in data:
            if not partial and field in REQUIRED:
                errors.append({"field": field, "message": _l("is required")})
            continue
        raw = data[field]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if field in REQUIRED:
                errors.append({"field": field, "message": _l("must not be empty")})
            else:
                values[field] = None
            continue
        if not isinstance(raw, str):
            errors.append({"field": field, "message": _l("must be text")})
            continue
        value = raw.strip()
        if field in LIMITS and len(value) > LIMITS[field]:
            errors.append({"field": field, "message": _l("must be at most %(max_length)s characters",
                                                         max_length=LIMITS[field])})
        elif field == "guardian_email" and not _EMAIL.match(value):
            errors.append({"field": field, "message": _l("is not an e-mail address")})
        elif field == "guardian_phone" and not _PHONE.match(value):
            errors.append({"field": field, "message": _l("is not a phone number")})
        elif field == "register_id" and ("\n" in value or "\r" in value):
            errors.append({"field": field, "message": _l("must be on one line (a stray quote in the file?)")})
        elif field == "eligibility":
            code = group_code(value, groups)
            if code is None:
                errors.append({"field": field, "message": _l("unknown group; one of %(groups)s",
                                                             groups=GroupNames(groups))})
            else:
                values[field] = code
        elif field == "eligibility_valid_until":
            try:
                values[field] = date.fromisoformat(value)
            except ValueError:
                errors.append({"field": field, "message": _l("must be a date YYYY-MM-DD")})
        elif field == "personal_code":
            try:
                values[field] = validate_personal_code(value)
            except ValueError as e:
                errors.append({"field": field, "message": e.args[0]})  # a Text: in the reader's language
        else:
            values[field] = value
    return _Checked(values, errors)


def basis_missing(values: dict, pupil: Pupil | None, groups: dict[str, EligibilityGroup]) -> Text | None:
    group = values.get("eligibility", pupil.eligibility if pupil else None)
    basis = values.get("eligibility_basis", pupil.eligibility_basis if pupil else None)
    if group and groups[group].needs_basis and not basis:
        return _l("the group %(group)s needs its reason in eligibility_basis", group=repr(group))
    return None


def flatten(data: Any) -> dict:
    """The API's nested form ({guardian: {name, email, phone}, eligibility: {group, basis,
    valid_until}} or eligibility as a code) as the model's flat fields."""
    if not isinstance(data, dict):
        raise invalid(_l("the body must be a JSON object"))
    flat = {k: v for k, v in data.items() if k not in ("guardian", "eligibility")}
    unknown = sorted(set(flat) - set(FIELDS))
    if unknown:
        raise invalid(_l("unknown field(s): %(fields)s", fields=", ".join(unknown)),
                      [{"field": f, "message": _l("unknown field")} for f in unknown])
    if "guardian" in data:
        guardian = data["guardian"]
        if not isinstance(guardian, dict):
            raise invalid(_l("guardian must be an object {name, email, phone}"), [{"field": "guardian"}])
        for key in ("name", "email", "phone"):
            if key in guardian:
                flat[f"guardian_{key}"] = guardian[key]
    if "eligibility" in data:
        e = data["eligibility"]
        if isinstance(e, dict):
            for key, field in (("group", "eligibility"), ("basis", "eligibility_basis"),
                               ("valid_until", "eligibility_valid_until")):
                if key in e:
                    flat[field] = e[key]
        else:
            flat["eligibility"] = e
    return flat


def groups_by_code(session: Session) -> dict[str, EligibilityGroup]:
    return {g.code: g for g in session.scalars(select(EligibilityGroup).order_by(EligibilityGroup.code))}


def _group_keys(group: EligibilityGroup) -> set[str]:
    keys = set()
    for name in (group.code, group.name_lv, group.name_en):
        keys.add(tables.header_key(name))
        keys.add(tables.header_key(re.sub(r"\([^)]*\)", " ", name)))  # "Cits (ar pamatojumu)" as "Cits"
    return keys - {""}


def group_code(value: str, groups: dict[str, EligibilityGroup]) -> str | None:
    """The code of the group ``value`` names: its code or its Latvian or English name, without regard to
    case, diacritics or punctuation ("Daudzbērnu ģimene", "DAUDZBERNU GIMENE", "large family"); None if none."""
    key = tables.header_key(value)
    for code, group in groups.items():
        if key in _group_keys(group):
            return code
    return None


def group_name(group: EligibilityGroup | None, locale: str) -> str:
    """The group's name in ``locale`` (Latvian or English)."""
    if group is None:
        return ""
    return group.name_lv if locale == "lv" else group.name_en


class GroupNames(Text):
    """The groups' names, as a refusal lists them: in the reader's language."""

    __slots__ = ("names",)

    def __init__(self, groups: dict[str, EligibilityGroup]):
        super().__init__("")
        self.names = {locale: "; ".join(f"\"{name}\"" for name in sorted(
            (group_name(g, locale) for g in groups.values()), key=collation_key)) for locale in LOCALES}

    def in_(self, locale) -> str:
        if not isinstance(locale, str):
            locale = next((code for code in LOCALES if translations(code) is locale), "en")
        return self.names.get(locale, self.names.get("en", ""))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GroupNames) and self.names == other.names

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.names.items())))


def school_by_reg(session: Session, reg: str, scope: Scope) -> School:
    """The school, if the scope sees its pupils; else ``not_found`` as if it did not exist."""
    school = session.scalar(select(School).where(School.registration_number == reg))
    if school is None or not scope.sees_school(school.id):
        raise FleetError("not_found", _l("school %(school)s not found", school=repr(reg)), {"ref": reg})
    return school


def schools_of(session: Session, scope: Scope) -> list[School]:
    """The schools whose pupils (and desk) the caller sees, by name: school IT its own, admins every school."""
    query = select(School).order_by(School.name, School.registration_number)
    if not scope.all_schools:
        query = query.where(School.id.in_(sorted(scope.school_ids)))
    return list(session.scalars(query))


def school_of(session: Session, scope: Scope, reg: Any) -> School | None:
    """The school a pupils' or desk page is about: ``?school=`` (``not_found`` outside the scope), else the caller's
    only school; None when the caller must pick one."""
    if isinstance(reg, str) and reg.strip():
        return school_by_reg(session, reg.strip(), scope)
    if not scope.all_schools and len(scope.school_ids) == 1:
        return session.get(School, next(iter(scope.school_ids)))
    return None


def create(session: Session, school: School, data: Any) -> Pupil:
    groups = groups_by_code(session)
    checked = check_fields(session, flatten(data), partial=False, groups=groups)
    if not checked.errors and (reason := basis_missing(checked.values, None, groups)):
        checked.errors.append({"field": "eligibility_basis", "message": reason})
    if checked.errors:
        raise invalid(_l("the pupil is not valid; nothing was saved"), checked.errors)
    if session.scalar(select(Pupil.id).where(Pupil.school_id == school.id,
                                             Pupil.register_id == checked.values["register_id"])):
        raise FleetError("duplicate", _l("pupil %(pupil)s is already registered at this school",
                                         pupil=repr(checked.values["register_id"])),
                         {"field": "register_id"})
    pupil = Pupil(school_id=school.id, **checked.values)
    session.add(pupil)
    session.flush()
    return pupil


def update(session: Session, pupil: Pupil, data: Any) -> Pupil:
    if pupil.anonymised_at is not None:
        raise FleetError("conflict", _l("the pupil's data was purged; nothing to change"), {"ref": pupil.id})
    groups = groups_by_code(session)
    flat = flatten(data)
    if "register_id" in flat:
        raise invalid(_l("register_id cannot change"), [{"field": "register_id"}])
    checked = check_fields(session, flat, partial=True, groups=groups)
    if not checked.errors and (reason := basis_missing(checked.values, pupil, groups)):
        checked.errors.append({"field": "eligibility_basis", "message": reason})
    if checked.errors:
        raise invalid(_l("the change is not valid; nothing was saved"), checked.errors)
    for field, value in checked.values.items():
        setattr(pupil, field, value)
    session.flush()
    return pupil


def get(session: Session, pupil_id: int, scope: Scope) -> Pupil:
    pupil = session.get(Pupil, pupil_id)
    if pupil is None or not scope.sees_school(pupil.school_id):
        raise FleetError("not_found", _l("pupil %(pupil)s not found", pupil=pupil_id), {"ref": pupil_id})
    return pupil


def listing(session: Session, school: School, grade: str | None = None, limit: int = paging.DEFAULT_LIMIT,
            after: int | None = None) -> tuple[list[Pupil], int | None]:
    """A school's pupils by class and name, ``limit`` of them after pupil ``after`` (a class list,
    page by page). (pupils, the last one's id when more follow)"""
    order = (Pupil.grade, Pupil.family_name, Pupil.given_name, Pupil.id)
    query = select(Pupil).where(Pupil.school_id == school.id, Pupil.anonymised_at.is_(None))
    if grade:
        query = query.where(Pupil.grade == grade)
    if after is not None:
        last = session.get(Pupil, after)
        if last is None or last.school_id != school.id:
            raise invalid(_l("the 'after' cursor is not one this list gave out"), [{"field": "after"}])
        query = query.where(tuple_(*order) > tuple_(last.grade, last.family_name, last.given_name, last.id))
    return paging.split(session.scalars(query.order_by(*order).limit(limit + 1)).all(), limit)


# The Latvian alphabet's order (q w x y, not Latvian, where the Latin alphabet has them).
_ALPHABET = "aābcčdeēfgģhiījkķlļmnņopqrsštuūvwxyzž"
_RANK = {c: i for i, c in enumerate(_ALPHABET)}


def collation_key(text: str | None) -> tuple:
    """``text`` as the Latvian alphabet sorts it: ā after a, č after c, š after s, ž after z, no matter
    the case; a letter with another diacritic (ö, é) sorts as its base letter just after it; digits and
    punctuation before letters. Databases collate differently (SQLite by code point, PostgreSQL by its
    locale), so lists a person reads in order are sorted with this key in Python."""
    primary, secondary = [], []
    for c in unicodedata.normalize("NFC", text or "").lower():
        if c in _RANK:
            primary.append(1000 + 2 * _RANK[c])
            secondary.append(0)
            continue
        base = unicodedata.normalize("NFKD", c)[:1]
        if base in _RANK:
            primary.append(1000 + 2 * _RANK[base] + 1)
            secondary.append(ord(c))
        elif c.isspace() or c in "-'’.":
            primary.append(0)  # "Ozola-Bērziņa" and "Ozola Bērziņa" together, before "Ozolaa"
            secondary.append(ord(c))
        else:
            primary.append(10 + ord(c) if ord(c) < 990 else 2000 + ord(c))
            secondary.append(0)
    return tuple(primary), tuple(secondary), text or ""


def register_order(pupil: Pupil) -> tuple:
    """A pupil's place in the class register: family name, then given name, in the Latvian alphabet."""
    return collation_key(pupil.family_name), collation_key(pupil.given_name), pupil.register_id, pupil.id


def class_order(grade: str) -> tuple:
    """A class name's natural order: 1.a < 2.b < 10.a (numbers as numbers, letters in the Latvian alphabet)."""
    parts = re.findall(r"\d+|\D+", grade.strip())
    return tuple((0, int(p), ()) if p.isdigit() else (1, 0, collation_key(p.strip(" .")))
                 for p in parts), grade


def class_list(session: Session, school: School, grade: str) -> list[Pupil]:
    """A class's pupils (those not anonymised) in register order (``register_order``)."""
    rows = session.scalars(select(Pupil).where(Pupil.school_id == school.id, Pupil.grade == grade.strip(),
                                               Pupil.anonymised_at.is_(None))).all()
    return sorted(rows, key=register_order)


def class_sizes(session: Session, school: School) -> list[tuple[str, int]]:
    """The school's classes in natural order (``class_order``) with how many pupils each has."""
    rows = session.execute(select(Pupil.grade, func.count()).where(Pupil.school_id == school.id,
                                                                   Pupil.anonymised_at.is_(None))
                           .group_by(Pupil.grade)).all()
    return sorted(((grade, count) for grade, count in rows), key=lambda r: class_order(r[0]))


def classes(session: Session, school: School) -> list[str]:
    """The school's classes in natural order: 1.a < 2.b < 10.a."""
    return [grade for grade, _ in class_sizes(session, school)]


SEARCH_LIMIT = 100


def search(session: Session, school: School, text: str, limit: int = SEARCH_LIMIT) -> list[Pupil]:
    """The school's pupils whose name (given, family, or both) or register id holds ``text``, without
    regard to case or diacritics ("berzina" finds "Bērziņa"), in class then register order; at most
    ``limit``. (Compared in Python: SQLite and PostgreSQL fold diacritics differently, and a school's
    pupils are a few thousand at most.)"""
    words = tables.header_key(text).split()
    if not words:
        return []
    found = []
    for pupil in session.scalars(select(Pupil).where(Pupil.school_id == school.id, Pupil.anonymised_at.is_(None))):
        haystack = tables.header_key(f"{pupil.given_name} {pupil.family_name} {pupil.register_id}")
        if all(word in haystack for word in words) or pupil.register_id.strip().lower() == text.strip().lower():
            found.append(pupil)
    found.sort(key=lambda p: (class_order(p.grade), register_order(p)))
    return found[:limit]


def eligible_on(pupil: Pupil, day: date) -> bool:
    """Whether the pupil belongs to a target group on `day` (a group without an end date holds)."""
    return pupil.eligibility is not None and (pupil.eligibility_valid_until is None
                                              or pupil.eligibility_valid_until >= day)


def to_json(pupil: Pupil, show_personal_code: bool) -> dict:
    out = {
        "id": pupil.id, "school": pupil.school.registration_number, "register_id": pupil.register_id,
        "given_name": pupil.given_name, "family_name": pupil.family_name, "grade": pupil.grade,
        "guardian": {"name": pupil.guardian_name, "email": pupil.guardian_email, "phone": pupil.guardian_phone},
        "eligibility": {"group": pupil.eligibility, "basis": pupil.eligibility_basis,
                        "valid_until": pupil.eligibility_valid_until.isoformat()
                        if pupil.eligibility_valid_until else None},
    }
    if show_personal_code:
        out["personal_code"] = pupil.personal_code
    return out
