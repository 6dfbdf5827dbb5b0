"""Loans: hand-over (one, or a whole class), the agreement and its signing, return, swap, and the
documents (agreement, signed copy, paper scan, return act) served from the document store."""

from __future__ import annotations

from flask import Response, current_app, g, request

from fleet import db, document_store
from fleet.access import policy
from fleet.api import bp, render
from fleet.api.schemas import lending as schemas
from fleet.errors import FleetError, invalid
from fleet.http import ERROR, File, Raw, body, created, disposition, endpoint, require_document
from fleet.i18n import _l
from fleet.lending import agreements, loans, pupils, returns
from fleet.models import Founder

FOUND = {404: ERROR}
CHANGED = {404: ERROR, 409: ERROR}
_SHA = {"X-Content-SHA256": "the file's SHA-256 (as the agreement records it)"}
_PDF = File(("application/pdf",), "the PDF", _SHA)


def _public_url() -> str:
    return current_app.config["FLEET"].public_url


def _smtp():
    return current_app.config["FLEET"].smtp


def _handed(handed: loans.Handed) -> dict:
    answer = render.loan(handed.loan, handed.agreement, handed.sign_url)
    answer["agreement"]["mailed"] = "queued" if handed.mailed else None
    return answer


def _file(digest: str | None, name: str) -> Response:
    doc = document_store.get(db.session(), digest)
    response = Response(doc.data, mimetype=doc.content_type)
    response.headers["Content-Disposition"] = disposition(name)
    response.headers["X-Content-SHA256"] = doc.sha256
    return response


@bp.post("/loans")
@endpoint("loans:write", body=schemas.LoanIn, answers={201: schemas.Loan, **CHANGED})
def create_loan(body: schemas.LoanIn):
    """Hand a laptop to a pupil: the loan, its agreement, and the guardian's signing link (e-mailed
    through the outbox when the guardian has an address and e-mail is set up)."""
    session = db.session()
    order = loans.HandOver(body.device, body.pupil, body.accessories, body.language, body.condition)
    handed = loans.hand_over(session, g.principal.scope, order, _public_url(), _smtp())
    session.commit()  # the loan and its e-mail together: a hand-out that rolls back queues nothing
    return created(_handed(handed))


@bp.post("/loans/class")
@endpoint("loans:write", body=schemas.ClassIn, answers={200: (
    File(("application/pdf",), "one PDF with every new agreement (with Accept: application/json instead: the "
         "loans made and the pairs refused)",
         {"X-Fleet-Loans": "how many loans were made", "X-Fleet-Failed": "how many pairs were refused"}),
    schemas.ClassResult)})
def class_handout(body: schemas.ClassIn):
    """A whole class at once: each pair ``{pupil, device}`` on its own (with its own ``accessories`` and
    ``language`` when they differ from the class's).

    The answer is one PDF with every agreement (``copies``: 2 prints each twice, for the school to keep
    one); the loans made and the pairs refused are in the ``X-Fleet-Loans`` and ``X-Fleet-Failed`` headers,
    or with ``Accept: application/json`` the same as a JSON body with no PDF. When no pair could be handed
    out: ``invalid_input``, each refused pair a detail (``field`` pairs.N, its ``code`` and ``message``)."""
    session = db.session()
    pairs = [pair.model_dump(exclude_none=True) for pair in body.pairs]
    done, failed, pdf = loans.class_handout(session, g.principal.scope, pairs, body.accessories, _public_url(), _smtp(),
                                            body.language, body.copies)
    failed = [{"field": f"pairs.{f['index']}", **f} for f in failed]
    if not done:
        refused = _l("no pair could be handed out (%(count)s refused); nothing was changed", count=len(failed))
        raise invalid(refused, failed)
    session.commit()
    made = [_handed(h) for h in done]
    if request.accept_mimetypes.best == "application/json":
        return current_app.response_class(schemas.ClassResult(loans=made, failed=failed).model_dump_json(),
                                          mimetype="application/json")
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = disposition("agreements.pdf")
    response.headers["X-Fleet-Loans"] = str(len(made))
    response.headers["X-Fleet-Failed"] = str(len(failed))
    return response


@bp.get("/loans/<int:loan_id>")
@endpoint("loans:write", answers={200: schemas.Loan, **FOUND})
def get_loan(loan_id: int):
    """One loan with its agreement."""
    session = db.session()
    loan = loans.get(session, loan_id, g.principal.scope)
    return render.loan(loan, agreements.for_loan(session, loan))


@bp.get("/loans/<int:loan_id>/agreement.pdf")
@endpoint(policy.DOCUMENTS["signed_agreement"], query=schemas.AgreementQuery, answers={200: _PDF, **FOUND},
          documents=True)
def agreement_pdf(loan_id: int, query: schemas.AgreementQuery):
    """The signed copy once signed, else the original awaiting signature; ``?original=1`` the original."""
    session = db.session()
    agreement = agreements.for_loan(session, loans.get(session, loan_id, g.principal.scope))
    original = bool(query.original) or not agreement.signed_sha256
    require_document("agreement" if original else "signed_agreement")
    return _file(agreement.original_sha256 if original else agreement.signed_sha256, f"{agreement.number}.pdf")


@bp.get("/loans/<int:loan_id>/agreement/scan")
@endpoint(policy.DOCUMENTS["paper_scan"], answers={
    200: File(("application/pdf", "image/png", "image/jpeg"), "the signed paper as the school scanned it", _SHA),
    **FOUND})
def agreement_scan(loan_id: int):
    """The paper agreement's scan (``not_found`` unless it was signed on paper)."""
    session = db.session()
    agreement = agreements.for_loan(session, loans.get(session, loan_id, g.principal.scope))
    return _file(agreement.scan_sha256, f"{agreement.number}-scan")


@bp.post("/loans/<int:loan_id>/agreement/link")
@endpoint("loans:write", answers={200: schemas.Agreement, **CHANGED})
def agreement_link(loan_id: int):
    """A fresh signing link (the old one stops working), for a lost e-mail or the school's tablet."""
    session = db.session()
    agreement = agreements.for_loan(session, loans.get(session, loan_id, g.principal.scope))
    url = agreements.new_link(session, agreement, _public_url())
    session.commit()
    return render.agreement(agreement, url)


_PAPER = Raw({"multipart/form-data": {"type": "object", "required": ["file", "signer_name"], "properties": {
    "file": {"type": "string", "contentMediaType": "application/octet-stream",
             "description": "the signed paper: PDF, PNG or JPEG (by content), at most 10 MiB"},
    "signer_name": {"type": "string", "minLength": 1, "maxLength": 200}}}}, "the signed paper")


@bp.post("/loans/<int:loan_id>/agreement/paper")
@endpoint("loans:write", body=_PAPER, answers={200: schemas.Agreement, **CHANGED, 413: ERROR})
def agreement_paper(loan_id: int):
    """Multipart ``file`` (the signed paper: PDF, PNG or JPEG, by content) and ``signer_name``."""
    session = db.session()
    agreement = agreements.for_loan(session, loans.get(session, loan_id, g.principal.scope))
    upload = request.files.get("file")
    scan = upload.read(agreements.MAX_SCAN_BYTES + 1) if upload is not None else None
    agreements.sign(session, agreement, "paper", request.form.get("signer_name"), scan=scan)
    session.commit()
    return render.agreement(agreement)


@bp.post("/loans/<int:loan_id>/return")
@endpoint("loans:write", body=schemas.ReturnIn, answers={200: schemas.Loan, **CHANGED})
def return_loan(loan_id: int, body: schemas.ReturnIn):
    """Take the laptop back: its condition, the accessories that came back; the return act is made."""
    session = db.session()
    loan = loans.get(session, loan_id, g.principal.scope)
    loan = returns.return_loan(session, loan, body.model_dump(), g.principal.name)
    session.commit()
    return render.loan(loan, agreements.for_loan(session, loan))


@bp.post("/loans/collect")
@endpoint("loans:write", body=schemas.CollectIn, answers={200: schemas.Collected, **CHANGED})
def collect(body: schemas.CollectIn):
    """End-of-year collection, one scanned laptop: its active loan is returned with condition ``good``
    and every accessory lent, unless the scan says otherwise (``condition``, ``accessories_missing``,
    ``notes``). ``nonce``: a station's retry is answered ``already``; ``school`` and ``grade``: the
    class collected (another school's laptop ``not_found``, another class's refused, one this class
    gave back already ``already``), and the answer's ``collection`` counts the class."""
    session = db.session()
    scope = g.principal.scope
    school = pupils.school_by_reg(session, body.school, scope) if body.school else None
    data = body.model_dump(include={"condition", "accessories_returned", "accessories_missing", "notes"},
                           exclude_none=True)
    done = returns.collect(session, scope, body.code, data, body.nonce, school, body.grade)
    session.commit()
    loan = done.loan
    counted = (returns.collection(session, school or loan.pupil.school, body.grade)
               if body.grade is not None else None)
    return {**render.loan(loan, agreements.for_loan(session, loan)), "applied": not done.already,
            "already": done.already, "device_status": loan.device.status,
            "pupil_name": f"{loan.pupil.given_name} {loan.pupil.family_name}", "grade": loan.pupil.grade,
            "collection": {"grade": counted.grade, "back": counted.back, "total": counted.total} if counted else None}


@bp.post("/loans/<int:loan_id>/swap")
@endpoint("loans:write", body=schemas.SwapIn, answers={201: schemas.Loan, **CHANGED})
def swap(loan_id: int, body: schemas.SwapIn):
    """A replacement laptop: the old loan is returned (and replaced), a new one made under a new agreement."""
    session = db.session()
    scope = g.principal.scope
    loan = loans.get(session, loan_id, scope)
    handed = returns.swap(session, scope, loan, body.model_dump(exclude_none=True), _public_url())
    session.commit()
    return created(render.loan(handed.loan, handed.agreement, handed.sign_url))


@bp.get("/loans/<int:loan_id>/return-act.pdf")
@endpoint(policy.DOCUMENTS["return_act"], answers={200: _PDF, **FOUND})
def return_act(loan_id: int):
    """The return act (``not_found`` until the laptop is returned)."""
    loan = loans.get(db.session(), loan_id, g.principal.scope)
    return _file(loan.return_act_sha256, f"return-{loan.id}.pdf")


_TEMPLATE = Raw({"application/json": {"type": "object", "description": "an agreement template "
                                      "(labels.documents template JSON: language, version, sections)"}})


@bp.post("/founders/<code>/agreement-templates")
@endpoint("templates:write", body=_TEMPLATE, answers={201: schemas.TemplateSaved, **CHANGED})
def add_template(code: str):
    """A founder's own agreement text, as a new version (``labels.documents`` template JSON)."""
    session = db.session()
    founder = session.query(Founder).filter_by(code=code).one_or_none()
    if founder is None:
        raise FleetError("not_found", f"founder {code!r} not found", {"ref": code})
    row = agreements.save_template(session, founder, body(), g.principal.name)
    session.commit()
    return created({"founder": code, "language": row.language, "version": row.version})
