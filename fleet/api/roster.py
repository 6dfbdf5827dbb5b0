"""The agreements roster: a school's loans with their agreements' state, and the counts by state
(``fleet.lending.roster``). School IT sees its own schools; another school answers ``not_found``."""

from __future__ import annotations

from flask import g

from fleet import db
from fleet.api import bp, render
from fleet.api.schemas import Page
from fleet.api.schemas import roster as schemas
from fleet.errors import invalid
from fleet.http import ERROR, endpoint
from fleet.i18n import _l
from fleet.lending import pupils, roster

FOUND = {404: ERROR}


def item(row: roster.Row) -> dict:
    loan, agreement, pupil = row.loan, row.agreement, row.pupil
    out = {"id": loan.id, "status": loan.status,
           "device": {"serial": loan.device.serial, "asset_tag": loan.device.asset_tag},
           "pupil": {"id": pupil.id, "given_name": pupil.given_name, "family_name": pupil.family_name,
                     "grade": pupil.grade},
           "handed_over_at": render.when(loan.handed_over_at), "agreement": None}
    if agreement is not None:
        out["agreement"] = {
            "number": agreement.number, "status": agreement.status, "state": row.state, "method": agreement.method,
            "signed_at": render.when(agreement.signed_at), "signer_name": agreement.signer_name,
            "signer_is_guardian": agreement.signer_is_guardian, "signer_relationship": agreement.signer_relationship,
            "reminded_at": render.when(agreement.reminded_at), "reminders": agreement.reminders or 0,
            "age_days": row.age(), "pdf": f"/api/v1/loans/{loan.id}/agreement.pdf"}
    return out


@bp.get("/loans")
@endpoint("agreements:read", query=schemas.RosterQuery, answers={200: Page[schemas.RosterItem], **FOUND})
def roster_loans(query: schemas.RosterQuery):
    """A school's loans (active or ended) by class and pupil's name, each with its agreement's state
    (``?state=``: awaiting_signature, signed — by any method —, signed_link, signed_desk, signed_paper,
    void), its signer (``signer_is_guardian`` false: someone else signed, to check) and reminders; a page
    at a time. ``?school=`` may be left out by a member of one school's IT."""
    session, scope = db.session(), g.principal.scope
    school = pupils.school_of(session, scope, query.school)
    if school is None:
        raise invalid(_l("school is required: the school's registration number"), [{"field": "school"}])
    rows, last = roster.listing(session, scope, school, query.class_, query.state, query.limit, query.after)
    return render.paged([item(r) for r in rows], last)


@bp.get("/schools/<reg>/agreements/summary")
@endpoint("agreements:read", query=schemas.SummaryQuery, answers={200: schemas.AgreementSummary, **FOUND})
def agreements_summary(reg: str, query: schemas.SummaryQuery):
    """A school's agreements counted by state, those awaiting a signature by age (under 7 days, 7-30,
    over 30), the ones signed by someone other than the guardian on record, and those reminded."""
    session, scope = db.session(), g.principal.scope
    school = pupils.school_by_reg(session, reg, scope)
    s = roster.summary(session, scope, school, query.class_)
    return {"school": s.school, "total": s.total, "active": s.active, "states": s.states,
            "awaiting_by_age": s.awaiting_by_age, "signer_differs": s.signer_differs, "reminded": s.reminded}
