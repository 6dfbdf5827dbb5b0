"""``/desk/agreements``: the agreements roster — every loan of the school with its agreement's state in
words (awaiting a signature and for how long, signed by link, at the desk or on paper, void), who signed
when it was not the guardian on record (to check), when the guardian was reminded; by class and state, a
page at a time. Actions on the loans ticked (or one loan's own button): new signing links printed (the
agreements re-rendered with the new QR codes) or e-mailed, one message per guardian; per loan: the
agreement printed again, the signed copy, a paper-signed scan uploaded, signing at the desk now
(``fleet.lending.roster``, ``fleet.lending.agreements``)."""

from __future__ import annotations

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for

from fleet import db, paging
from fleet.errors import FleetError, invalid
from fleet.http import disposition
from fleet.i18n import _, _l
from fleet.lending import agreements, loans, roster
from fleet.web.blueprint import bp
from fleet.web.desk.index import school_choice
from fleet.web.pages import page

PAGE_SIZE = 100
STATE_NAMES = {  # the roster's filter, in words
    "awaiting_signature": _l("awaiting signature"), "signed": _l("signed (any way)"),
    "signed_link": _l("signed by link"), "signed_desk": _l("signed at the desk"),
    "signed_paper": _l("signed on paper"), "void": _l("void"),
}


def _config():
    return current_app.config["FLEET"]


@bp.get("/desk/agreements", endpoint="desk_agreements")
@page("agreements:read")
def agreements_roster():
    return _roster()


def _roster(refusal: FleetError | None = None, status: int = 200, result: roster.Mailed | None = None):
    session, scope = db.session(), g.principal.scope
    school, schools = school_choice()
    args = request.args
    grade, state = (args.get("class") or "").strip(), args.get("state") or ""
    rows, next_url, summary, classes = [], None, None, []
    kept = {k: v for k, v in (("school", school.registration_number if school else None), ("class", grade),
                              ("state", state)) if v}
    if school is not None:
        try:
            after = paging.decode_cursor(args["after"]) if args.get("after") else None
            rows, last = roster.listing(session, scope, school, grade, state, PAGE_SIZE, after)
        except FleetError as e:
            if e.code != "invalid_input":
                raise
            refusal, status, rows, last = refusal or e, 400, [], None
        if last is not None:
            next_url = url_for("web.desk_agreements", **kept, after=paging.encode_cursor(last))
        summary = roster.summary(session, scope, school, grade or None) if not refusal else None
        classes = [c.grade for c in roster.classes(session, school)]
    return render_template("desk/agreements.html", school=school, schools=schools, rows=rows, grade=grade,
                           state=state, states=STATE_NAMES, classes=classes, summary=summary, next_url=next_url,
                           first_url=url_for("web.desk_agreements", **kept) if args.get("after") else None,
                           kept=kept,
                           refusal=refusal, result=result, mail=_config().smtp is not None), status


@bp.post("/desk/agreements/links", endpoint="desk_links")
@page("loans:write")
def new_links():
    """The loans ticked (``loan``, repeated) or one loan's own button (``only``): new signing links,
    ``action=print`` (one PDF) or ``action=email`` (one message per guardian)."""
    session, scope = db.session(), g.principal.scope
    chosen = [request.form["only"]] if request.form.get("only") else request.form.getlist("loan")
    action = request.form.get("action") or request.args.get("action")
    try:
        if action == "email":
            done = roster.email_links(session, scope, chosen, _config().public_url, _config().smtp)
            session.commit()
            return render_template("desk/agreements_sent.html", done=done,
                                   back=url_for("web.desk_agreements", **_kept_form()))
        if action != "print":
            raise invalid(_l("choose to print or to e-mail the new links"), [{"field": "action"}])
        pdf = roster.print_links(session, scope, chosen, _config().public_url)
        session.commit()
    except FleetError as e:
        session.rollback()
        if e.code == "not_found":
            raise
        return _roster(refusal=e, status=e.status)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = disposition("agreements.pdf")
    return response


def _kept_form() -> dict:
    return {k: v for k in ("school", "class", "state") if (v := request.form.get(k) or request.args.get(k))}


@bp.route("/desk/agreements/<int:loan_id>/paper", methods=["GET", "POST"], endpoint="desk_paper")
@page("loans:write")
def paper(loan_id: int):
    """A paper-signed agreement: its scan (PDF, PNG or JPEG), the signer's name and, when the signer is not
    the guardian on record, their relationship to the pupil (flagged on the roster for the school to check)."""
    session, scope = db.session(), g.principal.scope
    loan = loans.get(session, loan_id, scope)
    agreement = agreements.for_loan(session, loan)
    back = url_for("web.desk_agreements", school=loan.pupil.school.registration_number,
                   **{"class": loan.pupil.grade})
    if request.method == "GET":
        return render_template("desk/agreements_paper.html", loan=loan, agreement=agreement, back=back)
    upload = request.files.get("file")
    scan = upload.read(agreements.MAX_SCAN_BYTES + 1) if upload is not None and upload.filename else None
    try:
        relationship = (request.form.get("relationship") or "").strip()
        agreements.sign(session, agreement, "paper", request.form.get("signer_name"), scan=scan,
                        is_guardian=False if relationship else None, relationship=relationship or None)
        session.commit()
    except FleetError as e:
        session.rollback()
        return render_template("desk/agreements_paper.html", loan=loan, agreement=agreement, back=back,
                               refusal=e, signer_name=request.form.get("signer_name", ""),
                               relationship=request.form.get("relationship", "")), e.status
    flash(_("Agreement %(number)s is signed on paper; the scan is kept with it.", number=agreement.number), "ok")
    return redirect(back, 303)
