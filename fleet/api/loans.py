"""Loans: hand-over (one, or a whole class), the agreement and its signing, return, swap, and the
documents (agreement, signed copy, paper scan, return act) served from the document store."""

from __future__ import annotations

from flask import Response, current_app, g, jsonify, request

from fleet import db, document_store
from fleet.access import policy
from fleet.api import bp, render
from fleet.errors import FleetError, invalid
from fleet.http import body, created, disposition, endpoint
from fleet.lending import agreements, loans
from fleet.models import Founder


def _public_url() -> str:
    return current_app.config["FLEET"].public_url


def _smtp():
    return current_app.config["FLEET"].smtp


def _handed(handed: loans.Handed) -> dict:
    answer = render.loan(handed.loan, handed.agreement, handed.sign_url)
    answer["agreement"]["mailed"] = "queued" if handed.mailed else None
    return answer


def _pdf(digest: str | None, name: str) -> Response:
    doc = document_store.get(db.session(), digest)
    response = Response(doc.data, mimetype=doc.content_type)
    response.headers["Content-Disposition"] = disposition(name)
    response.headers["X-Content-SHA256"] = doc.sha256
    return response


@bp.post("/loans")
@endpoint("loans:write")
def create_loan():
    data = body()
    if not isinstance(data, dict):
        raise invalid("the body must be {device, pupil, accessories, language?, condition?}")
    s = db.session()
    order = loans.HandOver(data.get("device"), data.get("pupil"), data.get("accessories"),
                           data.get("language", "lv"), data.get("condition", "new"))
    handed = loans.hand_over(s, g.principal.scope, order, _public_url(), _smtp())
    s.commit()  # the loan and its e-mail together: a hand-out that rolls back queues nothing
    return created(_handed(handed))


@bp.post("/loans/class")
@endpoint("loans:write")
def class_handout():
    """``{pairs: [{pupil, device}], accessories, language?}`` → one PDF with every agreement; the
    loans made and the pairs refused are in the ``X-Fleet-Loans`` and ``X-Fleet-Failed`` headers
    (JSON), or with ``Accept: application/json`` the same as a JSON body with no PDF."""
    data = body()
    if not isinstance(data, dict):
        raise invalid("the body must be {pairs: [{pupil, device}], accessories}")
    s = db.session()
    done, failed, pdf = loans.class_handout(s, g.principal.scope, data.get("pairs"), data.get("accessories"),
                                            _public_url(), _smtp(), data.get("language", "lv"))
    s.commit()
    made = [_handed(h) for h in done]
    if pdf is None or request.accept_mimetypes.best == "application/json":
        return jsonify({"loans": made, "failed": failed}), 200 if done else 400
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = disposition("agreements.pdf")
    response.headers["X-Fleet-Loans"] = str(len(made))
    response.headers["X-Fleet-Failed"] = str(len(failed))
    return response


@bp.get("/loans/<int:loan_id>")
@endpoint("loans:write")
def get_loan(loan_id: int):
    s = db.session()
    loan = loans.get(s, loan_id, g.principal.scope)
    return jsonify(render.loan(loan, agreements.for_loan(s, loan)))


@bp.get("/loans/<int:loan_id>/agreement.pdf")
@endpoint(policy.DOCUMENTS["signed_agreement"])  # the least of the two documents it serves; decided below
def agreement_pdf(loan_id: int):
    """The signed copy once signed, else the original awaiting signature; ``?original=1`` the original."""
    s = db.session()
    agreement = agreements.for_loan(s, loans.get(s, loan_id, g.principal.scope))
    original = bool(request.args.get("original")) or not agreement.signed_sha256
    policy.require_document(g.principal, "agreement" if original else "signed_agreement")
    return _pdf(agreement.original_sha256 if original else agreement.signed_sha256, f"{agreement.number}.pdf")


@bp.get("/loans/<int:loan_id>/agreement/scan")
@endpoint(policy.DOCUMENTS["paper_scan"])
def agreement_scan(loan_id: int):
    s = db.session()
    agreement = agreements.for_loan(s, loans.get(s, loan_id, g.principal.scope))
    return _pdf(agreement.scan_sha256, f"{agreement.number}-scan")


@bp.post("/loans/<int:loan_id>/agreement/link")
@endpoint("loans:write")
def agreement_link(loan_id: int):
    """A fresh signing link (the old one stops working), for a lost e-mail or the school's tablet."""
    s = db.session()
    agreement = agreements.for_loan(s, loans.get(s, loan_id, g.principal.scope))
    url = agreements.new_link(s, agreement, _public_url())
    s.commit()
    return jsonify(render.agreement(agreement, url))


@bp.post("/loans/<int:loan_id>/agreement/paper")
@endpoint("loans:write")
def agreement_paper(loan_id: int):
    """Multipart ``file`` (the signed paper: PDF, PNG or JPEG, by content) and ``signer_name``."""
    s = db.session()
    agreement = agreements.for_loan(s, loans.get(s, loan_id, g.principal.scope))
    upload = request.files.get("file")
    scan = upload.read(agreements.MAX_SCAN_BYTES + 1) if upload is not None else None
    agreements.sign(s, agreement, "paper", request.form.get("signer_name"), scan=scan)
    s.commit()
    return jsonify(render.agreement(agreement))


@bp.post("/loans/<int:loan_id>/return")
@endpoint("loans:write")
def return_loan(loan_id: int):
    s = db.session()
    loan = loans.return_loan(s, loans.get(s, loan_id, g.principal.scope), body(), g.principal.name)
    s.commit()
    return jsonify(render.loan(loan, agreements.for_loan(s, loan)))


@bp.post("/loans/collect")
@endpoint("loans:write")
def collect():
    """End-of-year collection: ``{code, condition, accessories_returned, notes?}`` per scanned laptop."""
    data = body()
    if not isinstance(data, dict):
        raise invalid("the body must be {code, condition, accessories_returned}")
    s = db.session()
    loan = loans.collect(s, g.principal.scope, data.pop("code", None), data)
    s.commit()
    return jsonify(render.loan(loan, agreements.for_loan(s, loan)))


@bp.post("/loans/<int:loan_id>/swap")
@endpoint("loans:write")
def swap(loan_id: int):
    s = db.session()
    scope = g.principal.scope
    handed = loans.swap(s, scope, loans.get(s, loan_id, scope), body(), _public_url())
    s.commit()
    return created(render.loan(handed.loan, handed.agreement, handed.sign_url))


@bp.get("/loans/<int:loan_id>/return-act.pdf")
@endpoint(policy.DOCUMENTS["return_act"])
def return_act(loan_id: int):
    loan = loans.get(db.session(), loan_id, g.principal.scope)
    return _pdf(loan.return_act_sha256, f"return-{loan.id}.pdf")


@bp.post("/founders/<code>/agreement-templates")
@endpoint("templates:write")
def add_template(code: str):
    """A founder's own agreement text, as a new version (``labels.agreements`` template JSON)."""
    s = db.session()
    founder = s.query(Founder).filter_by(code=code).one_or_none()
    if founder is None:
        raise FleetError("not_found", f"founder {code!r} not found", {"ref": code})
    row = agreements.save_template(s, founder, body(), g.principal.name)
    s.commit()
    return created({"founder": code, "language": row.language, "version": row.version})
