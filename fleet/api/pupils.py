"""Pupils of a school: register, read, change, list by class, import the school register's CSV."""

from __future__ import annotations

from flask import g, request

from fleet import db
from fleet.api import bp, render
from fleet.api.schemas import Listing, Page
from fleet.api.schemas import lending as schemas
from fleet.errors import invalid
from fleet.http import ERROR, Raw, body, created, endpoint
from fleet.i18n import _l
from fleet.lending import pupils, register_import
from fleet.models import EligibilityGroup

# Described by the models, checked by fleet.lending.pupils, which reports every bad field at once.
_PUPIL = Raw({"application/json": schemas.PupilIn}, "the pupil (guardian and eligibility nested or flat)")
_CHANGE = Raw({"application/json": schemas.PupilChange}, "the fields to change")
_CSV = Raw({"multipart/form-data": {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "contentMediaType": "text/csv",
             "description": "the school register's CSV export (; or , — UTF-8 or Windows-1257; "
                            "eligibility groups by code or by Latvian or English name)"}}}},
           "the school register's export")


def _json(pupil) -> dict:
    """The personal code, where a school keeps one, is shown inside the pupil's school only."""
    principal = g.principal
    return pupils.to_json(pupil, principal.school_scoped and pupil.school_id in principal.school_ids)


@bp.get("/eligibility-groups")
@endpoint("catalog:read", answers={200: Listing[schemas.EligibilityGroup]})
def eligibility_groups():
    """The programme's eligibility groups (a pupil's ``eligibility.group``)."""
    rows = db.session().query(EligibilityGroup).order_by(EligibilityGroup.code)
    return render.listing([{"code": r.code, "name_lv": r.name_lv, "name_en": r.name_en,
                            "needs_basis": r.needs_basis} for r in rows])


@bp.post("/schools/<reg>/pupils")
@endpoint("pupils:write", body=_PUPIL, answers={201: schemas.Pupil, 404: ERROR, 409: ERROR})
def create_pupil(reg: str):
    """Register a pupil at a school (``duplicate`` when the register id is known there)."""
    session = db.session()
    pupil = pupils.create(session, pupils.school_by_reg(session, reg, g.principal.scope), body())
    session.commit()
    return created(_json(pupil))


@bp.get("/schools/<reg>/pupils")
@endpoint("pupils:read", query=schemas.PupilQuery, answers={200: Page[schemas.Pupil], 404: ERROR})
def list_pupils(reg: str, query: schemas.PupilQuery):
    """A school's pupils by class and name (``?grade=`` one class), a page at a time."""
    session = db.session()
    school = pupils.school_by_reg(session, reg, g.principal.scope)
    rows, last = pupils.listing(session, school, query.grade, query.limit, query.after)
    return render.paged([_json(p) for p in rows], last)


@bp.post("/schools/<reg>/pupils/import")
@endpoint("pupils:write", body=_CSV, answers={200: schemas.PupilImport, 404: ERROR, 413: ERROR})
def import_pupils(reg: str):
    """Multipart ``file``: the school register's CSV export; all or nothing."""
    session = db.session()
    school = pupils.school_by_reg(session, reg, g.principal.scope)
    upload = request.files.get("file")
    if upload is None:
        raise invalid(_l("a CSV file is required (multipart field 'file')"), [{"field": "file"}])
    counts = register_import.import_csv(session, school, upload.read())
    session.commit()
    return counts


@bp.get("/pupils/<int:pupil_id>")
@endpoint("pupils:read", answers={200: schemas.Pupil, 404: ERROR})
def get_pupil(pupil_id: int):
    """One pupil."""
    return _json(pupils.get(db.session(), pupil_id, g.principal.scope))


@bp.patch("/pupils/<int:pupil_id>")
@endpoint("pupils:write", body=_CHANGE, answers={200: schemas.Pupil, 404: ERROR, 409: ERROR})
def update_pupil(pupil_id: int):
    """Change a pupil's fields (not its register id)."""
    session = db.session()
    pupil = pupils.update(session, pupils.get(session, pupil_id, g.principal.scope), body())
    session.commit()
    return _json(pupil)
