"""The school register's export imported (E-klase, Mykoob: ``;`` or ``,``, UTF-8 or Windows-1257, Latvian or
English headers): all or nothing, every bad line reported with its number and the file's own column; a pupil
already known by register id is updated. The fields are checked as ``fleet.lending.pupils`` checks a form's.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import tables
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.lending import pupils
from fleet.models import Pupil, School

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5_000

# Normalised header (tables.header_key) → field; English and Latvian as school registers (E-klase, Mykoob)
# and the people who edit their exports in Excel write them.
HEADERS = {
    "register id": "register_id", "id": "register_id", "registra id": "register_id", "registra nr": "register_id",
    "skolena id": "register_id", "skolena nr": "register_id", "skolena numurs": "register_id",
    "e klases id": "register_id", "eklases id": "register_id", "mykoob id": "register_id",
    "registra numurs": "register_id", "izglitojama id": "register_id", "pupil id": "register_id",
    "given name": "given_name", "first name": "given_name", "vards": "given_name", "skolena vards": "given_name",
    "izglitojama vards": "given_name",
    "family name": "family_name", "last name": "family_name", "surname": "family_name", "uzvards": "family_name",
    "skolena uzvards": "family_name", "izglitojama uzvards": "family_name",
    "class": "grade", "grade": "grade", "klase": "grade", "klases nosaukums": "grade", "klase grupa": "grade",
    "guardian name": "guardian_name", "guardian": "guardian_name", "likumiskais parstavis": "guardian_name",
    "likumiska parstavja vards uzvards": "guardian_name", "likumiska parstavja vards": "guardian_name",
    "parstavis": "guardian_name", "vecaks": "guardian_name", "vecaki": "guardian_name",
    "vecaka vards uzvards": "guardian_name", "aizbildnis": "guardian_name",
    "guardian email": "guardian_email", "guardian e mail": "guardian_email", "e pasts": "guardian_email",
    "epasts": "guardian_email", "email": "guardian_email", "e mail": "guardian_email",
    "likumiska parstavja e pasts": "guardian_email", "likumiska parstavja epasts": "guardian_email",
    "parstavja e pasts": "guardian_email", "vecaka e pasts": "guardian_email", "e pasta adrese": "guardian_email",
    "guardian phone": "guardian_phone", "phone": "guardian_phone", "talrunis": "guardian_phone",
    "talr": "guardian_phone", "talr. nr": "guardian_phone", "telefons": "guardian_phone",
    "mobilais talrunis": "guardian_phone", "likumiska parstavja talrunis": "guardian_phone",
    "parstavja talrunis": "guardian_phone", "vecaka talrunis": "guardian_phone",
    "eligibility group": "eligibility", "eligibility": "eligibility", "merka grupa": "eligibility",
    "merkgrupa": "eligibility", "grupa": "eligibility", "atbalsta grupa": "eligibility",
    "eligibility basis": "eligibility_basis", "basis": "eligibility_basis", "pamatojums": "eligibility_basis",
    "merka grupas pamatojums": "eligibility_basis",
    "valid until": "eligibility_valid_until", "eligible until": "eligibility_valid_until",
    "deriga lidz": "eligibility_valid_until", "derigs lidz": "eligibility_valid_until",
    "merka grupa deriga lidz": "eligibility_valid_until", "statuss derigs lidz": "eligibility_valid_until",
    "personal code": "personal_code", "personas kods": "personal_code", "p.k": "personal_code",
    "pk": "personal_code",
}


def import_csv(session: Session, school: School, data: bytes) -> dict[str, int]:
    """The school register's export, all or nothing: ``{created, updated}``."""
    counts, _ = import_classes(session, school, data)
    return counts


def import_classes(session: Session, school: School, data: bytes) -> tuple[dict[str, int], list[str]]:
    """``import_csv``, and the classes the file holds in natural order (the page opens the class)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise FleetError("too_large", _l("a pupil list may be at most %(mib)s MiB",
                                         mib=MAX_IMPORT_BYTES // (1024 * 1024)))
    rows = [(n, row) for n, row in tables.csv_rows(tables.decode(data)) if "".join(row).strip()]
    if not rows:
        raise invalid(_l("the file is empty"), [{"line": 1, "message": _l("no header and no rows")}])
    header_line, header = rows[0]
    columns, errors = {}, []
    for i, name in enumerate(header):
        field = HEADERS.get(tables.header_key(name))
        if field in columns:
            errors.append({"line": header_line, "message": _l("two columns mean %(field)s", field=field)})
        elif field:
            columns[field] = i
    missing = [f for f in pupils.REQUIRED if f not in columns]
    if missing:
        errors.append({"line": header_line, "message": _l("missing column(s): %(columns)s",
                                                          columns=", ".join(missing))})
    if errors:
        raise invalid(_l("the file's header is not usable; nothing was imported"), errors)
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        raise FleetError("too_large", _l("a pupil list may have at most %(max)s rows", max=MAX_IMPORT_ROWS))
    groups = pupils.groups_by_code(session)
    existing = {p.register_id: p for p in session.scalars(select(Pupil).where(Pupil.school_id == school.id))}
    seen: dict[str, int] = {}
    checked_rows = []
    for line, raw in rows[1:]:
        if len(raw) < len(header):
            errors.append({"line": line, "message": _l("has %(count)s value(s) where the header has %(width)s columns",
                                                       count=len(raw), width=len(header))})
            continue
        values = {field: raw[i] for field, i in columns.items()}
        checked = pupils.check_fields(session, values, partial=False, groups=groups)
        pupil = existing.get(checked.values.get("register_id"))
        if not checked.errors and (reason := pupils.basis_missing(checked.values, pupil, groups)):
            checked.errors.append({"field": "eligibility_basis", "message": reason})
        for e in checked.errors:
            field = e["field"]
            name = header[columns[field]].strip() if field in columns else pupils.FIELD_LABELS[field]
            errors.append({"line": line, "field": field,
                           "message": _l("%(field)s %(message)s", field=name, message=e["message"])})
        register_id = checked.values.get("register_id")
        if register_id in seen:
            errors.append({"line": line, "message": _l("register id %(register_id)s repeats line %(line)s",
                                                       register_id=register_id, line=seen[register_id])})
        elif register_id:
            seen[register_id] = line
        if pupil is not None and pupil.anonymised_at is not None:
            errors.append({"line": line, "message": _l("pupil %(register_id)s was purged and cannot be imported again",
                                                       register_id=register_id)})
        checked_rows.append((pupil, checked.values))
    if errors:
        raise invalid(_l("%(count)s bad line(s); nothing was imported", count=len({e["line"] for e in errors})),
                      errors)
    created = updated = 0
    grades = sorted({values["grade"] for _, values in checked_rows}, key=pupils.class_order)
    for pupil, values in checked_rows:
        if pupil is None:
            session.add(Pupil(school_id=school.id, **values))
            created += 1
        else:
            for field, value in values.items():
                setattr(pupil, field, value)
            updated += 1
    session.flush()
    return {"created": created, "updated": updated}, grades
