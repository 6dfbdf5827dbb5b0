"""A laptop taken back at the desk, ``/desk/return?school=REG``: scan it, see whose it is and what was
lent with it, tick what came back, the condition and notes, commit (``returns.return_loan``).

``GET ?code=`` finds the laptop's active loan (``returns.on_loan``: another school's laptop is
``not_found``, one not on loan a ``conflict`` in words, with its status) and shows the pupil, the class,
the agreement's number and state, the accessories and the condition at hand-over, and the return form:
every accessory lent ticked, the condition (good, worn, damaged — damaged sends the laptop to repair),
notes. ``POST`` takes it back and comes back (303) to ``?done=LOAN``: what was returned and missing,
where the laptop went, and the return act to print (its PDF, ``GET /api/v1/loans/<id>/return-act.pdf``,
opens with the browser's session), with the scan field ready for the next pupil. Permission
``loans:write`` (school IT of the school, admins).
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from fleet import db, display_names
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.lending import agreements, loans, pupils, returns
from fleet.models import Loan, School
from fleet.web.blueprint import bp
from fleet.web.pages import page


def _loan_in(session, school: School | None, loan_id: str | None) -> Loan:
    """The loan a form or ``?done=`` names, of the page's school and the reader's scope (else ``not_found``)."""
    text = (loan_id or "").strip()
    if not (text.isascii() and text.isdigit() and 0 < int(text) < 2**31):
        raise invalid(_l("choose a loan"), [{"field": "loan"}])
    loan = loans.get(session, int(text), g.principal.scope)
    if school is not None and loan.school_id != school.id:
        raise FleetError("not_found", _l("loan %(loan)s not found", loan=int(text)), {"ref": int(text)})
    return loan


def _render(session, school: School | None, *, loan: Loan | None = None, done: Loan | None = None,
            code: str = "", sent: dict | None = None, refusal: FleetError | None = None, status: int = 200):
    agreement = agreements.for_loan(session, loan) if loan is not None else None
    done_agreement = agreements.for_loan(session, done) if done is not None else None
    schools = pupils.schools_of(session, g.principal.scope)
    return render_template(
        "desk/return.html", school=school, schools=schools if len(schools) > 1 else [], loan=loan,
        agreement=agreement, done=done, done_agreement=done_agreement,
        act_number=returns.act_number(done) if done is not None and done.ended_at else None, code=code,
        conditions=display_names.names("return_condition"), sent=sent or {}, refusal=refusal), status


@bp.get("/desk/return", endpoint="desk_return")
@page("loans:write")
def desk_return():
    session = db.session()
    school = pupils.school_of(session, g.principal.scope, request.args.get("school"))
    code = (request.args.get("code") or "").strip()
    loan = done = None
    try:
        if school is not None and request.args.get("done"):
            done = _loan_in(session, school, request.args.get("done"))
            done = done if done.return_act_sha256 else None  # a loan not returned (yet): nothing to say
        if school is not None and code:
            loan = returns.on_loan(session, g.principal.scope, code, school)
    except FleetError as e:
        session.rollback()
        return _render(session, school, done=done, code=code, refusal=e, status=e.status)
    return _render(session, school, loan=loan, done=done, code=code)


@bp.post("/desk/return", endpoint="desk_return_post")
@page("loans:write")
def desk_return_post():
    session = db.session()
    school = pupils.school_of(session, g.principal.scope, request.form.get("school"))
    loan = _loan_in(session, school, request.form.get("loan"))
    sent = {"condition": request.form.get("condition"), "accessories": request.form.getlist("accessory"),
            "notes": request.form.get("notes", "")}
    try:
        data = {"condition": sent["condition"], "accessories_returned": sent["accessories"],
                "notes": sent["notes"].strip() or None}
        returns.return_loan(session, loan, data, g.principal.scope.actor)
        session.commit()
    except FleetError as e:
        session.rollback()
        loan = session.get(Loan, loan.id)
        if loan.status != "active":
            return _render(session, school, refusal=e, status=e.status)
        return _render(session, school, loan=loan, code=request.form.get("code", ""), sent=sent, refusal=e,
                       status=e.status)
    reg = (school or loan.pupil.school).registration_number
    return redirect(url_for("web.desk_return", school=reg, done=loan.id), 303)
