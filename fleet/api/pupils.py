"""Pupils of a school: register, read, change, list by class, import the school register's CSV."""

from __future__ import annotations

from flask import g, jsonify, request

from fleet import db
from fleet.api import bp, render
from fleet.errors import invalid
from fleet.http import body, created, endpoint
from fleet.lending import pupils
from fleet.models import EligibilityGroup


def _json(pupil) -> dict:
    """The personal code, where a school keeps one, is shown inside the pupil's school only."""
    principal = g.principal
    return pupils.to_json(pupil, principal.school_scoped and pupil.school_id in principal.school_ids)


@bp.get("/eligibility-groups")
@endpoint("catalog:read")
def eligibility_groups():
    rows = db.session().query(EligibilityGroup).order_by(EligibilityGroup.code)
    return jsonify(render.page([{"code": r.code, "name_lv": r.name_lv, "name_en": r.name_en,
                                 "needs_basis": r.needs_basis} for r in rows], None))


@bp.post("/schools/<reg>/pupils")
@endpoint("pupils:write")
def create_pupil(reg: str):
    s = db.session()
    pupil = pupils.create(s, pupils.school_by_reg(s, reg, g.principal.scope), body())
    s.commit()
    return created(_json(pupil))


@bp.get("/schools/<reg>/pupils")
@endpoint("pupils:read")
def list_pupils(reg: str):
    s = db.session()
    rows = pupils.listing(s, pupils.school_by_reg(s, reg, g.principal.scope), request.args.get("grade"))
    return jsonify(render.page([_json(p) for p in rows], None))


@bp.post("/schools/<reg>/pupils/import")
@endpoint("pupils:write")
def import_pupils(reg: str):
    """Multipart ``file``: the school register's CSV export; all or nothing."""
    s = db.session()
    school = pupils.school_by_reg(s, reg, g.principal.scope)
    upload = request.files.get("file")
    if upload is None:
        raise invalid("a CSV file is required (multipart field 'file')", [{"field": "file"}])
    counts = pupils.import_csv(s, school, upload.read())
    s.commit()
    return jsonify(counts)


@bp.get("/pupils/<int:pupil_id>")
@endpoint("pupils:read")
def get_pupil(pupil_id: int):
    return jsonify(_json(pupils.get(db.session(), pupil_id, g.principal.scope)))


@bp.patch("/pupils/<int:pupil_id>")
@endpoint("pupils:write")
def update_pupil(pupil_id: int):
    s = db.session()
    pupil = pupils.update(s, pupils.get(s, pupil_id, g.principal.scope), body())
    s.commit()
    return jsonify(_json(pupil))
