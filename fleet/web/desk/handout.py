"""The class hand-out, ``/desk/handout?school=REG&class=7.b``: a whole class gets its laptops in one
sitting at the school's desk.

Without a class the page offers the school's classes (and, for whoever may see several schools, the
school). With one it lists the class's pupils in register order (``pupils.class_list``) with their
eligibility group and whether each has a laptop already; the scan field keeps the focus: a scanned or
typed laptop code + Enter pairs the laptop with the next pupil without one, or with the pupil chosen
first (a click on the row, or the pupil's register id scanned from the pupil's card: Follett Destiny's
order). Every scan is checked at once by ``POST /desk/handout/check`` (``loans.handout_check``: the
laptop exists in scope, belongs to the school, is at the school, is not on loan and not paired in this
sitting); a refusal is shown in words with its code. The pairs live in the page's form (hidden
inputs, and the browser's localStorage so that a reload keeps them); each may be undone.

One action commits the class (``POST /desk/handout`` → ``loans.class_handout``, each pair on its own):
the result page says how many loans were made, lists the refused pairs with their reasons, links the
one PDF with every agreement of the sitting (``GET /desk/handout/agreements.pdf?loans=…&copies=1|2``,
each agreement's stored original, only loans the reader's scope sees) and the guardians'
signing at the desk (``web.desk_sign``). Permission ``loans:write`` (school IT of the school, admins).
"""

from __future__ import annotations

from flask import Response, current_app, g, render_template, request, url_for
from sqlalchemy import select

from fleet import db, display_names
from fleet.errors import FleetError, invalid
from fleet.http import disposition
from fleet.i18n import _l, current_locale
from fleet.lending import agreements, loans, pupils
from fleet.models import Device, Loan, School
from fleet.web.blueprint import bp
from fleet.web.pages import page


def _roster(session, school: School, grade: str) -> list[dict]:
    """The class in register order: each pupil with the laptop on loan to them (None if none)."""
    class_pupils = pupils.class_list(session, school, grade)
    lent = dict(session.execute(
        select(Loan.pupil_id, Device.serial).join(Device, Device.id == Loan.device_id)
        .where(Loan.pupil_id.in_([p.id for p in class_pupils] or [-1]), Loan.status == "active")).all())
    return [{"pupil": p, "lent": lent.get(p.id),
             "group": display_names.name("eligibility", p.eligibility) if p.eligibility else ""}
            for p in class_pupils]


def _page(session, school: School | None, grade: str | None, refusal: FleetError | None = None, status: int = 200):
    schools = pupils.schools_of(session, g.principal.scope) if school is None or not g.principal.school_scoped or \
        len(g.principal.school_ids) > 1 else []
    classes = pupils.class_sizes(session, school) if school is not None else []
    roster = _roster(session, school, grade) if school is not None and grade else []
    if school is not None and grade and not roster:
        refusal = refusal or FleetError("not_found", _l("class %(grade)s has no pupils at this school",
                                                        grade=repr(grade)), {"ref": grade})
        status = 404 if status == 200 else status
    accessories = display_names.names("accessory")
    return render_template("desk/handout.html", school=school, grade=grade, schools=schools, classes=classes,
                           roster=roster, waiting=sum(1 for r in roster if not r["lent"]),
                           accessories=accessories, default_accessories=("charger",),
                           languages=agreements.LANGUAGES, refusal=refusal), status


@bp.route("/desk/handout", methods=["GET", "POST"], endpoint="desk_handout")
@page("loans:write")
def handout():
    session = db.session()
    source = request.form if request.method == "POST" else request.args
    school = pupils.school_of(session, g.principal.scope, source.get("school"))
    grade = (source.get("class") or "").strip() or None
    if request.method == "GET" or school is None or grade is None:
        if request.method == "POST" and (school is None or grade is None):
            return _page(session, school, grade, invalid(_l("choose the school and the class first"),
                                                         [{"field": "class"}]), 400)
        return _page(session, school, grade)
    try:
        pairs, accessories, language, copies = _order(request.form)
    except FleetError as e:
        return _page(session, school, grade, e, 400)
    class_ids = {r["pupil"].id for r in _roster(session, school, grade)}
    outside = [p["pupil"] for p in pairs if p["pupil"] not in class_ids]
    if outside:
        return _page(session, school, grade, invalid(_l("a pupil of another class was sent; nothing was handed out"),
                                                     [{"field": "pupil"}]), 400)
    fleet_config = current_app.config["FLEET"]
    done, failed, _ = loans.class_handout(session, g.principal.scope, pairs, accessories, fleet_config.public_url,
                                          fleet_config.smtp, language, copies, locale=current_locale(), pdf=False,
                                          in_words=True)
    session.commit() if done else session.rollback()
    names = {r["pupil"].id: r["pupil"] for r in _roster(session, school, grade)}
    for f in failed:
        f["device"] = pairs[f["index"]]["device"]
        f["name"] = names.get(f["pupil"])
    loan_ids = ",".join(str(h.loan.id) for h in done)
    pdf_url = url_for("web.desk_handout_pdf", school=school.registration_number, loans=loan_ids,
                      copies=copies) if done else None
    return render_template("desk/handout_done.html", school=school, grade=grade, done=done, failed=failed,
                           copies=copies, pdf_url=pdf_url,
                           storage_key=f"fleet-handout:{school.registration_number}:{grade}")


def _order(form) -> tuple[list[dict], list[str], str, int]:
    """The form's pairs (``pupil`` and ``device`` fields side by side; ``custom-<id>`` marks a pupil whose
    ``accessories-<id>`` and ``language-<id>`` differ from the class's), the class's accessories and
    language, and the copies of each agreement. Bad input: ``invalid_input``, nothing handed out."""
    pupil_ids, devices = form.getlist("pupil"), form.getlist("device")
    if not pupil_ids:
        raise invalid(_l("no laptop was paired with a pupil yet: scan a laptop first"), [{"field": "pupil"}])
    if len(pupil_ids) != len(devices) or len(pupil_ids) > loans.MAX_CLASS:
        raise invalid(_l("the pairs sent do not match; reload the page"), [{"field": "device"}])
    accessories = form.getlist("accessories")
    if any(a not in agreements.ACCESSORIES for a in accessories):
        raise invalid(_l("an unknown accessory was sent"), [{"field": "accessories"}])
    language = form.get("language", "lv")
    if language not in agreements.LANGUAGES:
        raise invalid(_l("language must be lv or en"), [{"field": "language"}])
    copies = 2 if form.get("copies") == "2" else 1
    if form.get("copies") not in (None, "1", "2"):
        raise invalid(_l("copies must be 1 or 2"), [{"field": "copies"}])
    pairs, seen = [], set()
    for raw, device in zip(pupil_ids, devices, strict=True):
        if not raw.isdigit() or not device.strip():
            raise invalid(_l("the pairs sent do not match; reload the page"), [{"field": "pupil"}])
        pupil = int(raw)
        if pupil in seen:
            raise invalid(_l("a pupil was paired twice; undo one of the pairs"), [{"field": "pupil"}])
        seen.add(pupil)
        pair = {"pupil": pupil, "device": device.strip()}
        if form.get(f"custom-{pupil}"):
            own = form.getlist(f"accessories-{pupil}")
            if any(a not in agreements.ACCESSORIES for a in own):
                raise invalid(_l("an unknown accessory was sent"), [{"field": f"accessories-{pupil}"}])
            pair["accessories"] = list(dict.fromkeys(own))
            own_language = form.get(f"language-{pupil}") or language
            if own_language not in agreements.LANGUAGES:
                raise invalid(_l("language must be lv or en"), [{"field": f"language-{pupil}"}])
            pair["language"] = own_language
        pairs.append(pair)
    return pairs, list(dict.fromkeys(accessories)), language, copies


@bp.post("/desk/handout/check", endpoint="desk_handout_check")
@page("loans:write")
def check():
    """One scan checked before it is paired: a fragment naming the laptop (``data-serial``, ``data-tag``), or
    4xx with the refusal in the page's language (``data-code``)."""
    session = db.session()
    form = request.form
    try:
        school = pupils.school_of(session, g.principal.scope, form.get("school"))
        if school is None:
            raise invalid(_l("choose the school first"), [{"field": "school"}])
        pupil = form.get("pupil") or None
        if pupil is not None and not pupil.isdigit():
            raise invalid(_l("pupil must be the pupil's id"), [{"field": "pupil"}])
        device = loans.handout_check(session, g.principal.scope, school, form.get("code"), form.getlist("paired"),
                                     int(pupil) if pupil else None)
    except FleetError as e:
        return render_template("desk/handout_check.html", refusal=e), e.status
    return render_template("desk/handout_check.html", device=device)


@bp.get("/desk/handout/agreements.pdf", endpoint="desk_handout_pdf")
@page("loans:write")
def agreements_pdf():
    """The agreements of a sitting in one PDF (``?loans=1,2,3&copies=2``)."""
    raw = [part.strip() for part in request.args.get("loans", "").split(",") if part.strip()]
    if not raw or any(not part.isdigit() for part in raw):
        raise invalid(_l("loans must be 1-%(max)s loan numbers", max=loans.MAX_CLASS), [{"field": "loans"}])
    copies = request.args.get("copies", "1")
    pdf = loans.class_agreements_pdf(db.session(), g.principal.scope, [int(part) for part in raw],
                                     int(copies) if copies in ("1", "2") else copies)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = disposition("agreements.pdf")  # inline: the browser shows it to print
    return response
