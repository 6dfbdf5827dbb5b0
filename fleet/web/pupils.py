"""Pupils' pages, ``/pupils``: a school's pupils by class (in register order, ``pupils.class_list``),
found by name or register id, added, changed, and imported from the school register's CSV export
(``register_import.import_classes``: all or nothing, every bad line listed with its number).

School IT sees its own schools (``?school=REG``, by default its only one); an admin picks the school.
Reading needs ``pupils:read``, changing ``pupils:write``; both are recorded in the access log by
``page()``. Another school's pupil is ``not_found``. The personal code, where a school keeps one, is
shown and edited inside the pupil's school only (as the API shows it). A class links to its hand-out
at the desk (``web.desk_handout``) and a pupil's loans to the agreements roster (``web.desk_agreements``).
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from fleet import db, display_names
from fleet.errors import FleetError, invalid
from fleet.i18n import _, _l, current_locale
from fleet.lending import pupils, register_import
from fleet.models import Device, Loan, Pupil, School
from fleet.web.blueprint import bp
from fleet.web.pages import page

# The form's fields, in the order the page shows them (register id only when adding).
FORM_FIELDS = ("register_id", "given_name", "family_name", "grade", "guardian_name", "guardian_email",
               "guardian_phone", "eligibility", "eligibility_basis", "eligibility_valid_until", "personal_code")


def _picker(session, school: School | None) -> list[School]:
    """The schools to pick from: none for school IT of one school, else every school the reader sees."""
    principal = g.principal
    if principal.school_scoped and len(principal.school_ids) == 1:
        return []
    return pupils.schools_of(session, g.principal.scope)


def _shows_code(school_id: int) -> bool:
    """The personal code is shown inside the pupil's school only (school IT of that school)."""
    principal = g.principal
    return principal.school_scoped and school_id in principal.school_ids


def _lent(session, rows: list[Pupil]) -> dict[int, Device]:
    """The laptop on loan to each of ``rows`` that has one."""
    found = session.execute(select(Loan.pupil_id, Device).join(Device, Device.id == Loan.device_id)
                            .where(Loan.pupil_id.in_([p.id for p in rows] or [-1]), Loan.status == "active"))
    return dict(found.all())


def _group_names() -> list[tuple[str, str]]:
    """(code, name in the page's language) of every eligibility group, in the order of the names."""
    locale = current_locale()
    groups = pupils.groups_by_code(db.session())
    return sorted(((code, pupils.group_name(group, locale)) for code, group in groups.items()),
                  key=lambda r: pupils.collation_key(r[1]))


@bp.get("/pupils", endpoint="pupils")
@page("pupils:read")
def pupil_list():
    session = db.session()
    school = pupils.school_of(session, g.principal.scope, request.args.get("school"))
    grade = (request.args.get("class") or "").strip() or None
    text = (request.args.get("q") or "").strip()
    classes = pupils.class_sizes(session, school) if school is not None else []
    rows: list[Pupil] = []
    status, refusal = 200, None
    if school is not None and text:
        rows = pupils.search(session, school, text)
    elif school is not None and grade:
        rows = pupils.class_list(session, school, grade)
        if not rows:
            refusal = FleetError("not_found", _l("class %(grade)s has no pupils at this school",
                                                 grade=repr(grade)), {"ref": grade})
            status = 404
    return render_template("pupils/list.html", school=school, schools=_picker(session, school), grade=grade,
                           text=text, classes=classes, rows=rows, lent=_lent(session, rows),
                           limited=bool(text) and len(rows) >= pupils.SEARCH_LIMIT,
                           refusal=refusal), status


def _form_values(source, adding: bool, shows_code: bool) -> dict[str, str]:
    fields = [f for f in FORM_FIELDS if (adding or f != "register_id") and (shows_code or f != "personal_code")]
    return {f: source.get(f, "") for f in fields}


def _pupil_values(pupil: Pupil) -> dict[str, str]:
    values = {f: getattr(pupil, f) for f in FORM_FIELDS}
    return {f: "" if v is None else str(v) for f, v in values.items()}


def _field_errors(refusal: FleetError | None) -> dict[str, list]:
    out: dict[str, list] = {}
    for d in (refusal.details if refusal is not None and isinstance(refusal.details, list) else []):
        if isinstance(d, dict) and d.get("field"):
            out.setdefault(d["field"], []).append(d.get("message", ""))
    return out


def _loans(session, pupil: Pupil) -> list[Loan]:
    return list(session.scalars(select(Loan).where(Loan.pupil_id == pupil.id)
                                .order_by(Loan.handed_over_at.desc(), Loan.id.desc())))


def _pupil_page(pupil: Pupil, values: dict | None = None, refusal: FleetError | None = None, status: int = 200):
    session = db.session()
    shows_code = _shows_code(pupil.school_id)
    current = _pupil_values(pupil)
    if not shows_code:
        current.pop("personal_code")
    return render_template("pupils/pupil.html", pupil=pupil, school=pupil.school, shows_code=shows_code,
                           values=values if values is not None else current, groups=_group_names(),
                           labels=pupils.FIELD_LABELS, errors=_field_errors(refusal), refusal=refusal,
                           group=display_names.name("eligibility", pupil.eligibility) if pupil.eligibility else "",
                           loans=_loans(session, pupil)), status


@bp.get("/pupils/<int:pupil_id>", endpoint="pupil")
@page("pupils:read")
def pupil_page(pupil_id: int):
    return _pupil_page(pupils.get(db.session(), pupil_id, g.principal.scope))


@bp.post("/pupils/<int:pupil_id>", endpoint="pupil_save")
@page("pupils:write")
def pupil_save(pupil_id: int):
    session = db.session()
    pupil = pupils.get(session, pupil_id, g.principal.scope)
    values = _form_values(request.form, adding=False, shows_code=_shows_code(pupil.school_id))
    try:
        pupils.update(session, pupil, values)
        session.commit()
    except FleetError as e:
        session.rollback()
        return _pupil_page(pupils.get(session, pupil_id, g.principal.scope), values, e, e.status)
    name = " ".join((pupil.given_name, pupil.family_name))
    flash(_("Saved: %(name)s.", name=name), "ok")
    return redirect(url_for("web.pupil", pupil_id=pupil.id), 303)


def _new_page(session, school: School | None, values: dict, refusal: FleetError | None = None, status: int = 200):
    return render_template("pupils/new.html", school=school, schools=_picker(session, school), values=values,
                           shows_code=school is not None and _shows_code(school.id), groups=_group_names(),
                           labels=pupils.FIELD_LABELS, errors=_field_errors(refusal), refusal=refusal), status


@bp.get("/pupils/new", endpoint="pupil_new")
@page("pupils:write")
def pupil_new():
    session = db.session()
    school = pupils.school_of(session, g.principal.scope, request.args.get("school"))
    values = {"grade": (request.args.get("class") or "").strip()}
    return _new_page(session, school, values)


@bp.post("/pupils/new", endpoint="pupil_create")
@page("pupils:write")
def pupil_create():
    session = db.session()
    school = pupils.school_of(session, g.principal.scope, request.form.get("school"))
    shows_code = school is not None and _shows_code(school.id)
    values = _form_values(request.form, adding=True, shows_code=shows_code)
    try:
        if school is None:
            raise invalid(_l("choose the school"), [{"field": "school", "message": _l("is required")}])
        pupil = pupils.create(session, school, values)
        session.commit()
    except FleetError as e:
        session.rollback()
        return _new_page(session, school, values, e, e.status)
    name = " ".join((pupil.given_name, pupil.family_name))
    flash(_("Added: %(name)s, class %(grade)s.", name=name, grade=pupil.grade), "ok")
    return redirect(url_for("web.pupil", pupil_id=pupil.id), 303)


def _import_page(session, school: School | None, refusal: FleetError | None = None, status: int = 200):
    return render_template("pupils/import.html", school=school, schools=_picker(session, school),
                           headers=IMPORT_HEADERS, groups=_group_names(), refusal=refusal), status


# The columns the import reads, as the school register names them (others are ignored).
IMPORT_HEADERS = ("Skolēna ID", "Vārds", "Uzvārds", "Klase", "Likumiskais pārstāvis", "Likumiskā pārstāvja e-pasts",
                  "Tālrunis", "Mērķa grupa", "Pamatojums", "Derīga līdz", "Personas kods")


@bp.get("/pupils/import", endpoint="pupil_import")
@page("pupils:write")
def pupil_import():
    session = db.session()
    return _import_page(session, pupils.school_of(session, g.principal.scope, request.args.get("school")))


@bp.post("/pupils/import", endpoint="pupil_import_save")
@page("pupils:write")
def pupil_import_save():
    session = db.session()
    school = pupils.school_of(session, g.principal.scope, request.form.get("school"))
    upload = request.files.get("file")
    try:
        if school is None:
            raise invalid(_l("choose the school"), [{"field": "school", "message": _l("is required")}])
        if upload is None or not upload.filename:
            raise invalid(_l("choose the school register's CSV file"), [{"field": "file",
                                                                         "message": _l("is required")}])
        counts, grades = register_import.import_classes(session, school, upload.read())
        session.commit()
    except FleetError as e:
        session.rollback()
        return _import_page(session, school, e, e.status)
    flash(_("Imported. New pupils: %(created)s; updated: %(updated)s.", created=counts["created"],
            updated=counts["updated"]), "ok")
    where = {"school": school.registration_number}
    if len(grades) == 1:
        where["class"] = grades[0]
    return redirect(url_for("web.pupils", **where), 303)
