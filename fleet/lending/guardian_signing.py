"""The guardian's signing page, ``/sign/{token}``: no account, on a phone or on the school's tablet.

The page shows the agreement — its text as HTML, read on the page, and its PDF as a download —, the
guardian's name on record, and the signing form: the signer confirms they are that person, or gives
their own name and their relationship to the pupil (recorded and flagged for the school, and printed
as such on the signature page); the signature drawn on the box, or typed (the full name typed again —
for a keyboard or a screen reader); an explicit consent tick. The form carries a CSRF token bound to
the browser's session. Opened by a signed-in school user (the tablet at the desk) the signature is
recorded as made at the desk, otherwise as made through the link. A used, replaced or expired link
says so plainly.

After signing, the thank-you page offers the signed PDF to this browser for an hour (the link is used
up: the agreement's id is kept in the Flask session, ``COPY_SECONDS``), and the copy is e-mailed
through the outbox when the school has the guardian's address.

The page is in the language the visitor chose with the switch (the ``lang`` cookie), else in the
agreement's language (``fleet.i18n``); ``<html lang>`` and every word of its script say the same.

The form's parts (``signing/_agreement.html``, ``signing/_form.html``) and ``attempt`` are shared with
the desk's "next pupil" flow (``fleet.web.desk.signing``).
"""

from __future__ import annotations

import base64
import binascii
import time
from dataclasses import dataclass, field

from flask import Blueprint, Response, current_app, render_template, request, session
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select

from fleet import db, document_store, i18n, outbox
from fleet.access import policy, sessions
from fleet.errors import FleetError
from fleet.http import disposition, personal_data
from fleet.i18n import _
from fleet.lending import agreements
from fleet.models import Agreement, OutboxMessage
from labels.documents.signed_agreement import agreement_sections

bp = Blueprint("signing", __name__)
bp.before_request(personal_data)  # every page and PDF here names a pupil and a guardian: never cached
MAX_SIGNATURE_BYTES = 512 * 1024
COPY_SECONDS = 3600  # how long the thank-you page's browser may download the signed copy
COPIES = "signed_copies"  # the session's {agreement id: until (epoch seconds)}


def _refused(e: FleetError):
    status = 410 if e.code == "conflict" else 404
    return render_template("signing/refused.html", message=e.localized(),
                           expired=bool((e.details or {}).get("expired"))), status


def _language(agreement) -> str:
    """The visitor's remembered choice, else the agreement's language."""
    chosen = request.cookies.get(i18n.COOKIE)
    return chosen if chosen in i18n.LOCALES else agreement.language


@dataclass
class Form:
    """What the signing form said (kept to show it again) and what is wrong with it: (field id, message)."""

    values: dict = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    status: int = 400  # the answer's status when there are problems (413: a signature over its limits)


# The form's fields the domain names, and where the page's error summary links to.
ANCHORS = {"who": "who-guardian", "signer_name": "signer_name", "relationship": "relationship",
           "kind": "kind-drawn", "signature": "kind-drawn", "typed_name": "typed_name", "consent": "consent"}


def _message(problem: dict, values: dict) -> str:
    """What the signer is asked to correct, in the page's language, for one refused field."""
    name = problem["field"]
    if name == "signer_name":
        return _("Please write your full name (2 to 200 characters).")
    if name == "relationship":
        return _("Please write who you are to the pupil (for example: grandmother, foster father).")
    if name == "typed_name":
        if problem.get("expected"):
            return _("The typed signature must be your full name as written above: %(name)s.",
                     name=problem["expected"])
        return _("Please type your full name as your signature.")
    if name == "signature":
        if not values.get("signature"):
            return _("Please sign in the box with a finger or the mouse, or choose to type your name instead.")
        return _("The signature could not be read (%(why)s). Please sign in the box again.", why=problem["message"])
    if name == "consent":
        return _("Please tick that you have read the agreement and agree.")
    return _("Please choose how you sign: drawn or typed.")


def attempt(db_session, agreement: Agreement, method: str, form) -> Form:
    """Sign ``agreement`` with what the form ``form`` says (``method`` "link" or "desk"): the signed
    agreement when the returned ``Form`` has no problems; else nothing changed and the problems say why."""
    values = {k: form.get(k, "") for k in ("who", "signer_name", "relationship", "kind", "typed_name", "consent")}
    values["signature"] = form.get("signature", "")
    guardian = agreements.guardian_on_record(agreement)
    problems: list[tuple[str, str]] = []
    status = 400
    who = values["who"]
    if who not in ("guardian", "other") and not values["signer_name"].strip():
        problems.append(("who-guardian", _("Please say who is signing: %(name)s, or someone else.", name=guardian)))
    # Without the choice (a form of before it was asked, a page without its script), the name written decides
    # whether the guardian on record signed (``agreements.sign``), and no relationship is asked.
    name = guardian if who == "guardian" else values["signer_name"]
    kind = values["kind"] if values["kind"] in agreements.KINDS else "drawn"
    arguments = {"kind": kind, "typed_name": values["typed_name"], "is_guardian": {"guardian": True, "other": False}
                 .get(who), "relationship": values["relationship"], "consent": values["consent"] == "yes"}
    try:
        image = _png(values["signature"]) if kind == "drawn" else None
        errors = agreements.signing_errors(agreement, method, name, image, **arguments)
        problems += [(ANCHORS.get(e["field"], "sign-form"), _message(e, values)) for e in errors]
        if not problems:
            agreements.sign(db_session, agreement, method, name, image, **arguments)
    except FleetError as e:
        db_session.rollback()
        if e.code != "too_large":  # more bytes, or more pixels, than a signature may have: never decoded
            raise
        problems.append(("kind-drawn", _("The signature image is too large. Please sign in the box again.")))
        status = 413
    if problems:
        values["signature"] = ""  # drawn again: a picture is not sent back to the page
    return Form(values, problems, status)


def page_context(agreement: Agreement, form: Form | None = None) -> dict:
    """What the shared parts of the signing page show: the agreement's facts and text, the guardian on
    record, and the form as it was sent (with its problems)."""
    data, template = agreements.rendered(agreement)
    sections = [(Markup(heading), [Markup(p) for p in paragraphs])
                for heading, paragraphs in agreement_sections(data, template)]
    return {"agreement": agreement, "data": data, "template": template, "sections": sections,
            "guardian": data.guardian.name, "form": form or Form()}


@bp.get("/sign/<token>")
def page(token: str):
    try:
        agreement = agreements.by_token(db.session(), token)
    except FleetError as e:
        signed = _copy_kept(db.session(), token) if request.args.get("done") else None
        if signed is not None:  # the browser that signed, within the hour: its thank-you page again (sign.js
            with force_locale(_language(signed)):  # puts ?done=1 in its address: a reload, the language switch)
                mailed = db.session().scalar(select(OutboxMessage.id).where(
                    OutboxMessage.agreement_id == signed.id, OutboxMessage.kind == "signed_copy")) is not None
                return render_template("signing/done.html", agreement=signed, mailed=mailed, token=token)
        return _refused(e)
    with force_locale(_language(agreement)):
        return render_template("signing/sign.html", token=token, **page_context(agreement))


@bp.get("/sign/<token>/agreement.pdf")
def original(token: str):
    try:
        agreement = agreements.by_token(db.session(), token)
    except FleetError as e:
        return _refused(e)
    doc = document_store.get(db.session(), agreement.original_sha256)
    return Response(doc.data, mimetype="application/pdf",
                    headers={"Content-Disposition": disposition(f"{agreement.number}.pdf")})


@bp.post("/sign/<token>")
def sign(token: str):
    db_session = db.session()
    try:
        agreement = agreements.by_token(db_session, token)
    except FleetError as e:
        return _refused(e)
    with force_locale(_language(agreement)):
        method = "desk" if _school_staff_present(agreement) else "link"
        form = attempt(db_session, agreement, method, request.form)
        if form.problems:
            return render_template("signing/sign.html", token=token, **page_context(agreement, form)), form.status
        mailed = outbox.enqueue_signed(db_session, current_app.config["FLEET"].smtp, agreement.loan, agreement)
        db_session.commit()  # the signature and the e-mail of its copy together (fleet worker sends it)
        _keep_copy(agreement)
        return render_template("signing/done.html", agreement=agreement, mailed=mailed, token=token)


def _keep_copy(agreement: Agreement) -> None:
    """Let this browser download the signed copy for ``COPY_SECONDS`` (the link itself is used up)."""
    now = int(time.time())
    kept = {k: v for k, v in (session.get(COPIES) or {}).items() if isinstance(v, int) and v > now}
    kept[str(agreement.id)] = now + COPY_SECONDS
    session[COPIES] = kept


@bp.get("/sign/<token>/copy.pdf")
def copy(token: str):
    """The signed copy, to the browser that signed it through this link, for an hour after signing; else a
    plain refusal (``not_found``, 404): the link alone, or the browser alone, is not enough."""
    db_session = db.session()
    agreement = _copy_kept(db_session, token)
    if agreement is None:
        agreement = db_session.scalar(select(Agreement).where(Agreement.token_hash == agreements.hash_token(token))) \
            if 20 <= len(token) <= 100 else None
        chosen = request.cookies.get(i18n.COOKIE)
        language = chosen if chosen in i18n.LOCALES else agreement.language if agreement else i18n.current_locale()
        with force_locale(language):
            return render_template("signing/refused.html", copy_gone=True,
                                   message=_("The signed copy can be downloaded here only for an hour after "
                                             "signing. The school gives you a copy on request.")), 404
    doc = document_store.get(db_session, agreement.signed_sha256)
    return Response(doc.data, mimetype="application/pdf",
                    headers={"Content-Disposition": disposition(f"{agreement.number}.pdf")})


def _copy_kept(db_session, token: str) -> Agreement | None:
    """The signed agreement of this link when this browser signed it less than ``COPY_SECONDS`` ago; else None."""
    if not 20 <= len(token) <= 100:
        return None
    agreement = db_session.scalar(select(Agreement).where(Agreement.token_hash == agreements.hash_token(token)))
    if agreement is None or agreement.signed_sha256 is None:
        return None
    until = (session.get(COPIES) or {}).get(str(agreement.id))
    return agreement if isinstance(until, int) and until > time.time() else None


def _school_staff_present(agreement) -> bool:
    """Whether this browser is signed in as a user who lends for the pupil's school (the desk)."""
    sid = session.get("sid")
    if not sid:
        return False
    try:
        principal = sessions.principal(db.session(), sid, current_app.config["FLEET"])
    except FleetError:
        return False
    return "loans:write" in policy.PERMISSIONS.get(principal.role, ()) and policy.sees_school(
        principal, agreement.loan.school_id)


def _png(data_url: str) -> bytes | None:
    """The drawn signature from the canvas's ``data:image/png;base64,…``; over MAX_SIGNATURE_BYTES: ``too_large``."""
    prefix = "data:image/png;base64,"
    if not isinstance(data_url, str) or not data_url.startswith(prefix):
        return None
    if len(data_url) > MAX_SIGNATURE_BYTES * 4 // 3 + len(prefix) + 4:
        raise FleetError("too_large", f"the signature is larger than {MAX_SIGNATURE_BYTES // 1024} KiB",
                         {"field": "signature", "max_bytes": MAX_SIGNATURE_BYTES})
    try:
        return base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        return None
