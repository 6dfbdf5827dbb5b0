"""The guardian's signing page, ``/sign/{token}``: no account, on a phone or on the school's tablet.

The page shows the agreement (and its PDF), asks for the signer's name, a drawn signature and an
explicit consent tick; the form carries a CSRF token bound to the browser's session. Opened by a
signed-in school user (the tablet at the desk) the signature is recorded as made at the desk,
otherwise as made through the link. A used, replaced or expired link says so plainly.

The page is in the language the visitor chose with the switch (the ``lang`` cookie), else in the
agreement's language (``fleet.i18n``).
"""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, current_app, render_template, request, session
from flask_babel import force_locale

from fleet import db, document_store, i18n, outbox
from fleet.access import policy, sessions
from fleet.errors import FleetError
from fleet.http import disposition, personal_data
from fleet.i18n import _
from fleet.lending import agreements

bp = Blueprint("signing", __name__)
bp.before_request(personal_data)  # every page and PDF here names a pupil and a guardian: never cached
MAX_SIGNATURE_BYTES = 512 * 1024


def _refused(e: FleetError):
    status = 410 if e.code == "conflict" else 404
    return render_template("signing/refused.html", message=e.localized(),
                           expired=bool((e.details or {}).get("expired"))), status


def _language(agreement) -> str:
    """The visitor's remembered choice, else the agreement's language."""
    chosen = request.cookies.get(i18n.COOKIE)
    return chosen if chosen in i18n.LOCALES else agreement.language


FIELD_MESSAGES = {  # what the signer is asked to correct, by the field the domain refused (and its words)
    "signer_name": lambda why: _("Please write your full name (2 to 200 characters)."),
    "signature": lambda why: _("The signature could not be read (%(why)s). Please sign in the box again.", why=why),
}


@bp.get("/sign/<token>")
def page(token: str):
    try:
        agreement = agreements.by_token(db.session(), token)
    except FleetError as e:
        return _refused(e)
    data, _pdf = agreements.rendered(agreement)
    with force_locale(_language(agreement)):
        return render_template("signing/sign.html", agreement=agreement, data=data, token=token, error=None)


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
        return _sign(db_session, agreement, token)


def _sign(db_session, agreement, token: str):
    data, _pdf = agreements.rendered(agreement)

    def again(message: str, status: int = 400):
        return render_template("signing/sign.html", agreement=agreement, data=data, token=token,
                               error=message, name=request.form.get("signer_name", "")), status

    if request.form.get("consent") != "yes":
        return again(_("Please tick that you agree."))
    method = "desk" if _school_staff_present(agreement) else "link"
    try:
        image = _png(request.form.get("signature", ""))
        agreements.sign(db_session, agreement, method, request.form.get("signer_name"), image_png=image)
    except FleetError as e:
        db_session.rollback()
        if e.code == "too_large":  # more bytes, or more pixels, than a signature may have: never decoded
            return again(_("The signature image is too large. Please sign in the box again."), 413)
        details = e.details if isinstance(e.details, list) else []
        asked = [FIELD_MESSAGES[d["field"]](d.get("message", "")) for d in details
                 if isinstance(d, dict) and d.get("field") in FIELD_MESSAGES]
        return again(" ".join(asked) or e.localized())
    outbox.enqueue_signed(db_session, current_app.config["FLEET"].smtp, agreement.loan, agreement)
    db_session.commit()  # the signature and the e-mail of its copy together (fleet worker sends it)
    return render_template("signing/done.html", agreement=agreement)


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
    if not data_url.startswith(prefix):
        return None
    if len(data_url) > MAX_SIGNATURE_BYTES * 4 // 3 + len(prefix) + 4:
        raise FleetError("too_large", f"the signature is larger than {MAX_SIGNATURE_BYTES // 1024} KiB",
                         {"field": "signature", "max_bytes": MAX_SIGNATURE_BYTES})
    try:
        return base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        return None
