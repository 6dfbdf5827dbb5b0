"""The page a label's QR code opens, ``/d/<tag>``: whose laptop it is and how to return it, without
login and without any pupil's data. A signed-in member of staff who may see the device goes to its
device page instead (``fleet.web.device_page``); everyone else gets this page, unchanged.

The owner is the school's founder, in Latvian in the dative ("pieder Rīgas valstspilsētas
pašvaldībai") where its name ends in a word whose dative is certain, else in a wording that needs no
declension ("īpašnieks: …"); then the school with its address and phone (what is on record; nothing
when empty). For a laptop reported lost or stolen the page says so and offers a short "I found it"
form (``POST /d/<tag>``: a message and an optional contact, no login, the form's CSRF token,
throttled per sender address — ``fleet.found_reports.report``) that reaches the school's desk and
the device's page. A refusal (empty, too long, throttled) is shown with its code; nothing is kept.
"""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from fleet import db, found_reports, resolvers
from fleet.access import policy
from fleet.asset_tags import parse_tag
from fleet.errors import FleetError, invalid
from fleet.i18n import _, _l, current_locale
from fleet.models import Device
from fleet.web.blueprint import bp
from fleet.web.pages import page, signed_in

# A founder's last word whose dative is certain (feminine nouns of the 4th and 5th declension that
# founders are named with): "Rīgas valstspilsētas pašvaldība" → "… pašvaldībai"; "… dome" → "… domei".
DATIVES = {"pašvaldība": "pašvaldībai", "dome": "domei", "padome": "padomei"}


def dative(name: str | None) -> str | None:
    """``name`` in the Latvian dative when its last word is one of ``DATIVES`` (the words before it are
    genitives and stay as they are), else None (the page then words it without declension)."""
    words = (name or "").split()
    if not words:
        return None
    last = words[-1]
    ending = DATIVES.get(last.lower())
    if ending is None:
        return None
    if last[:1].isupper():
        ending = ending[:1].upper() + ending[1:]
    return " ".join([*words[:-1], ending])


def _device(tag: str) -> Device | None:
    try:
        return db.session().scalar(select(Device).where(Device.asset_tag == parse_tag(tag)))
    except FleetError:
        return None


def _page(device: Device, refusal: FleetError | None = None, sent: dict | None = None, status: int = 200):
    founder = device.school.founder.name if device.school else None
    owner_dative = dative(founder) if current_locale() == "lv" else None
    return render_template("finder/device.html", device=device, school=device.school, founder=founder,
                           owner_dative=owner_dative, reportable=device.status in found_reports.REPORTABLE,
                           refusal=refusal, sent=sent or {}, thanks=request.args.get("sent") == "1",
                           max_message=found_reports.MAX_MESSAGE, max_contact=found_reports.MAX_CONTACT), status


@bp.get("/d/<tag>")
@bp.get("/D/<tag>")
def device_page(tag: str):
    device = _device(tag)
    if device is None:
        return render_template("finder/unknown.html", tag=tag), 404
    staff = signed_in()
    if staff is not None and policy.allows(staff, "devices:read") and policy.can_see_device(staff, device):
        return redirect(url_for("web.device", ref=device.asset_tag), 303)
    return _page(device)


@bp.post("/d/<tag>", endpoint="finder_report")
@bp.post("/D/<tag>", endpoint="finder_report_upper")
def finder_report(tag: str):
    """The finder's "I found it": a ``FoundReport`` for the device's school, then this page again with
    thanks (303); refused, the page with the reason and what was typed."""
    device = _device(tag)
    if device is None:
        return render_template("finder/unknown.html", tag=tag), 404
    session = db.session()
    message, contact = request.form.get("message", ""), request.form.get("contact", "")
    address = found_reports.address_key(request.remote_addr, current_app.secret_key or "")
    try:
        found_reports.report(session, device, message, contact, address)
        session.commit()
    except FleetError as e:
        session.rollback()
        return _page(device, e, {"message": message, "contact": contact}, e.status)
    return redirect(f"{request.script_root}/d/{device.asset_tag}?sent=1#thanks", 303)


@bp.post("/devices/<path:ref>/found-reports/handled", endpoint="found_reports_handled")
@page("loans:write")
def found_reports_handled(ref: str):
    """The school has dealt with a finder's report (``report``: its id; none: every open one of the
    device): it leaves the desk's list and stays on the device's page, marked handled."""
    session, scope = db.session(), g.principal.scope
    device = resolvers.resolve(session, ref, scope)  # another school's device: not_found
    report_id = request.form.get("report", "").strip()
    if report_id:
        if not report_id.isdigit():
            raise invalid(_l("report must be an id (a whole number)"), [{"field": "report"}])
        found = found_reports.handle(session, scope, int(report_id), g.principal.name)
        if found.device_id != device.id:
            raise FleetError("not_found", _l("report %(report)s not found", report=report_id), {"ref": report_id})
        count = 1
    else:
        count = found_reports.handle_all(session, scope, device, g.principal.name)
    session.commit()
    flash(_("Finders' reports marked handled: %(count)s.", count=count), "ok")
    return redirect(url_for("web.device", ref=device.asset_tag or device.serial) + "#found-reports", 303)
