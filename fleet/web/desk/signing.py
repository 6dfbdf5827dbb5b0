"""The guardians signing at the desk's tablet, one after another: ``/desk/sign?school=REG&class=7.b``.

The school IT person opens the flow for a class; it goes to the class's next unsigned agreement (awaiting
signature, the loan active) in register order (``pupils.class_list``), ``/desk/sign/<loan_id>``: the same
agreement text and signing form as the guardian's link page (``signing/_agreement.html``, ``_form.html``), in a
tablet layout without the staff bar — the parent holds the tablet and sees only this pupil's agreement; a small
"stop" link takes the school IT person back. No token, no QR code, no sign-in of the guardian: the signature is
recorded as made at the desk (method ``desk``). Then "pass the tablet to the next parent: <pupil>", and on to
the next. "Skip this pupil" (the parent is not here) moves on without signing; the skipped ones are kept in the
session for the class until the flow ends. When none are left: back to the roster (or the desk), with a word of
how many signed and how many were skipped. An agreement signed already (at the same time, by link) says so and
moves on.

The signed copy is e-mailed to the guardian through the outbox when the school has an address; the tablet never
offers one family's copy to the next.
"""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from fleet import db, outbox
from fleet.errors import FleetError, invalid
from fleet.i18n import _, _l
from fleet.lending import agreements, loans, pupils
from fleet.lending.guardian_signing import attempt, page_context
from fleet.models import Agreement, Loan, Pupil, School
from fleet.web.blueprint import bp
from fleet.web.pages import page, url_if

SKIPPED = "desk_skipped"  # the session's {"<school reg>/<class>": [loan ids skipped]}
SIGNED = "desk_signed"  # the session's {"<school reg>/<class>": how many signed in this sitting}


def _school(db_session, reg: str | None) -> School:
    """The school of ``?school=``; without one the reader's only school; else ``invalid`` (say which)."""
    school = pupils.school_of(db_session, g.principal.scope, reg)
    if school is not None:
        return school
    raise invalid(_l("say which school: ?school= and its registration number"), [{"field": "school"}])


def _grade(value: str | None) -> str:
    grade = (value or "").strip()
    if not grade or len(grade) > 10:
        raise invalid(_l("say which class: ?class=, for example 7.b"), [{"field": "class"}])
    return grade


def _key(school: School, grade: str) -> str:
    return f"{school.registration_number}/{grade}"


def _unsigned(db_session, school: School, grade: str, skipped: set[int]) -> list[tuple[Pupil, Loan]]:
    """The class's pupils whose active loan's agreement awaits signature, in register order, without the skipped."""
    rows = db_session.execute(
        select(Loan, Agreement).join(Agreement, Agreement.loan_id == Loan.id).join(Pupil, Pupil.id == Loan.pupil_id)
        .where(Pupil.school_id == school.id, Pupil.grade == grade, Loan.status == "active",
               Agreement.status == "awaiting_signature")).all()
    waiting = {loan.pupil_id: loan for loan, _agreement in rows if loan.id not in skipped}
    return [(pupil, waiting[pupil.id]) for pupil in pupils.class_list(db_session, school, grade) if pupil.id in waiting]


def _skipped(school: School, grade: str) -> set[int]:
    return set((session.get(SKIPPED) or {}).get(_key(school, grade), []))


def _next(db_session, school: School, grade: str, after: Loan | None = None) -> tuple[Pupil, Loan] | None:
    """The next pupil to sign: the first unsigned and not skipped after ``after``'s pupil, else from the start."""
    waiting = [(p, loan) for p, loan in _unsigned(db_session, school, grade, _skipped(school, grade))
               if after is None or loan.id != after.id]
    if after is not None:
        order = pupils.register_order(after.pupil)
        later = [(p, loan) for p, loan in waiting if pupils.register_order(p) > order]
        if later:
            return later[0]
    return waiting[0] if waiting else None


def _finish(school: School, grade: str):
    """No one left to sign: the flow's session state cleared, a word of the sitting, back to the roster."""
    key = _key(school, grade)
    skipped = len((session.get(SKIPPED) or {}).get(key, []))
    signed = (session.get(SIGNED) or {}).get(key, 0)
    for name in (SKIPPED, SIGNED):
        kept = dict(session.get(name) or {})
        kept.pop(key, None)
        session[name] = kept
    flash(_("Signing at the desk for class %(grade)s is done: %(signed)s signed, %(skipped)s skipped.",
            grade=grade, signed=signed, skipped=skipped), "ok")
    return redirect(_back(school, grade), 303)


def _back(school: School, grade: str) -> str:
    """Where the school IT person goes when the flow stops: the class's roster, else the desk, else home."""
    return (url_if("web.desk_agreements", school=school.registration_number, **{"class": grade})
            or url_if("web.desk", school=school.registration_number) or url_for("web.home"))


def _loan_url(school: School, grade: str, loan: Loan) -> str:
    return url_for("web.desk_sign_loan", loan_id=loan.id, school=school.registration_number, **{"class": grade})


@bp.get("/desk/sign")
@page("loans:write")
def desk_sign():
    """The class's next unsigned agreement, or back to the roster when none is left."""
    db_session = db.session()
    school = _school(db_session, request.args.get("school"))
    grade = _grade(request.args.get("class"))
    if request.args.get("restart"):
        kept = dict(session.get(SKIPPED) or {})
        kept.pop(_key(school, grade), None)
        session[SKIPPED] = kept
    following = _next(db_session, school, grade)
    if following is None:
        return _finish(school, grade)
    return redirect(_loan_url(school, grade, following[1]), 303)


def _context(db_session, loan_id: int) -> tuple[Loan, School, str]:
    loan = loans.get(db_session, loan_id, g.principal.scope)  # another school's: not_found
    school = loan.pupil.school
    if request.args.get("school") and request.args["school"].strip() != school.registration_number:
        raise FleetError("not_found", _l("loan %(loan)s not found", loan=loan_id), {"ref": loan_id})
    grade = (request.args.get("class") or "").strip() or loan.pupil.grade
    return loan, school, grade


@bp.route("/desk/sign/<int:loan_id>", methods=["GET", "POST"])
@page("loans:write")
def desk_sign_loan(loan_id: int):
    """One pupil's agreement on the tablet: the form (GET), signed at the desk (POST), then the next pupil."""
    db_session = db.session()
    loan, school, grade = _context(db_session, loan_id)
    agreement = agreements.for_loan(db_session, loan)
    common = {"school": school, "grade": grade, "loan": loan, "stop_url": _back(school, grade)}
    if agreement.status != "awaiting_signature" or loan.status != "active":
        following = _next(db_session, school, grade, after=loan)
        return render_template("desk/sign_next.html", signed_already=agreement.status == "signed",
                               done=None, following=following,
                               next_url=_loan_url(school, grade, following[1]) if following else None, **common)
    if request.method == "GET":
        return render_template("desk/sign.html", form_action=request.full_path.rstrip("?"),
                               **page_context(agreement), **common)
    form = attempt(db_session, agreement, "desk", request.form)
    if form.problems:
        return render_template("desk/sign.html", form_action=request.full_path.rstrip("?"),
                               **page_context(agreement, form), **common), form.status
    mailed = outbox.enqueue_signed(db_session, current_app.config["FLEET"].smtp, loan, agreement)
    db_session.commit()
    counts = dict(session.get(SIGNED) or {})
    counts[_key(school, grade)] = counts.get(_key(school, grade), 0) + 1
    session[SIGNED] = counts
    following = _next(db_session, school, grade, after=loan)
    return render_template("desk/sign_next.html", signed_already=False, done=agreement, mailed=mailed,
                           following=following,
                           next_url=_loan_url(school, grade, following[1]) if following else None, **common)


@bp.post("/desk/sign/<int:loan_id>/skip")
@page("loans:write")
def desk_sign_skip(loan_id: int):
    """The parent is not here: this pupil is left for later (the roster), the flow moves on."""
    db_session = db.session()
    loan, school, grade = _context(db_session, loan_id)
    kept = dict(session.get(SKIPPED) or {})
    key = _key(school, grade)
    kept[key] = sorted(set(kept.get(key, [])) | {loan.id})
    session[SKIPPED] = kept
    following = _next(db_session, school, grade, after=loan)
    if following is None:
        return _finish(school, grade)
    return redirect(_loan_url(school, grade, following[1]), 303)
