"""``/desk``: the school desk's start page — the school's classes and where each stands (pupils, laptops
on loan, agreements awaiting a signature and signed), with the way from each class to its hand-out,
signing at the desk, the agreements roster and the end-of-year collection; one laptop's return; the
finders' reports not handled yet (a device and a finder's message, never pupil data).

School IT of one school gets its school; an admin (or IT of several schools) picks one (``?school=``).
"""

from __future__ import annotations

from flask import g, render_template, request
from sqlalchemy import select

from fleet import db, found_reports
from fleet.lending import pupils, roster
from fleet.models import Device
from fleet.web.blueprint import bp
from fleet.web.pages import page


def school_choice():
    """(the school of ``?school=`` or the caller's only one — None when one must be picked, the schools to
    pick from: none for whoever has only one)."""
    session, scope = db.session(), g.principal.scope
    school = pupils.school_of(session, scope, request.args.get("school"))
    schools = pupils.schools_of(session, scope)
    return school, schools if len(schools) > 1 or school is None else []


@bp.get("/desk", endpoint="desk")
@page("loans:write")
def desk():
    session, scope = db.session(), g.principal.scope
    school, schools = school_choice()
    classes = summary = None
    if school is not None:
        classes = roster.classes(session, school)
        summary = roster.summary(session, scope, school)
    reports = [r for r in found_reports.unhandled(session, scope)
               if school is None or r.school_id == school.id]
    devices = {d.id: d for d in session.scalars(select(Device).where(Device.id.in_({r.device_id for r in reports})))}
    return render_template("desk/index.html", school=school, schools=schools, classes=classes, summary=summary,
                           reports=[(r, devices.get(r.device_id)) for r in reports])
