"""One device's page, ``/devices/<ref>`` (``ref``: a serial, an asset tag or a scanned label URL): its
status, school, contract and funding, the active loan to those who lend, its history newest first with
the hash chain's verdict (``fleet verify``'s check for this device), its refused scans, its label, and a
small form for each action the role may apply in the device's status now.

An action's form posts to ``/devices/<ref>/actions/<action>``, which applies it through the same use
case as the API (``fleet.scanning.act``): done, it says so and comes back here (303); refused, the page
shows why, with the refusal's status, and nothing changed. Another school's device is ``not_found``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import flash, g, redirect, render_template, request, url_for

from fleet import db, devices, display_names, found_reports, history, lifecycle, resolvers, scanning
from fleet import refused_scans as refused
from fleet.errors import FleetError
from fleet.http import record_access
from fleet.i18n import Text, _, _l
from fleet.lending import agreements, loans
from fleet.models import Device, Event
from fleet.web.blueprint import bp
from fleet.web.pages import page

# What an action's parameters and an event's data are called on the page (others show as their code).
LABELS = {
    "image": _l("image name"), "station": _l("imaging station"), "school": _l("school registration number"),
    "method": _l("wipe method"), "fault": _l("fault"), "notes": _l("notes"),
    "police_report": _l("police report number"), "reason": _l("reason"), "text": _l("note text"),
    "asset_tag": _l("asset tag"), "delivery": _l("delivery"), "condition": _l("condition"),
    "manufacturer": _l("manufacturer"), "model": _l("model"), "contract": _l("contract number"),
    "loan_outcome": _l("loan ended as"), "replaces": _l("replaces the tag"), "error": _l("error"),
}
LONG = frozenset({"notes", "fault", "reason", "text"})  # a text area, not a line
NOT_ON_PAGE = frozenset({"delivery"})  # receiving against a delivery is the scan station's work


@dataclass(frozen=True)
class Field:
    name: str
    label: Text | str
    required: bool
    long: bool


@dataclass(frozen=True)
class ActionForm:
    action: str
    fields: list[Field]


@dataclass(frozen=True)
class Verdict:
    """The hash chain's verdict for the page: intact, or broken at event ``seq`` and why."""

    intact: bool
    seq: int | None = None
    why: Text | None = None


WHY = {
    "edited": _l("this event was changed after it was written"),
    "deleted": _l("an event before this one was deleted"),
    "truncated": _l("events after this one were deleted"),
    "status": _l("the device's status was changed outside its history"),
}


def verdict(events: list[Event], broken: history.Break | None) -> Verdict:
    if broken is None:
        return Verdict(True)
    return Verdict(False, broken.seq if broken.seq is not None else len(events), WHY[broken.kind])


def _forms(device: Device) -> list[ActionForm]:
    forms = []
    for action in devices.actions_now(g.principal.scope, device):
        fields = [Field(p.name, LABELS.get(p.name, p.name), p.required, p.name in LONG)
                  for p in action.params if p.name not in NOT_ON_PAGE]
        forms.append(ActionForm(action.name, fields))
    return forms


def _canonical(device: Device) -> str:
    return device.asset_tag or device.serial


def _active_loan(device: Device):
    """The active loan and its agreement, to a role that lends and sees the pupil's school (recorded in the
    access log: it names a pupil); otherwise (None, None)."""
    session, scope = db.session(), g.principal.scope
    if device.status != "on_loan" or not scope.allows("loans:write") or not scope.personal_data:
        return None, None
    loan = loans.active_loan(session, device)
    if loan is None or not scope.sees_school(loan.school_id):
        return None, None
    try:
        agreement = agreements.for_loan(session, loan)
    except FleetError:  # (every loan has one; a page does not fail for want of it)
        agreement = None
    record_access("personal_data")
    return loan, agreement


def _found(device: Device) -> list:
    """Finders' reports of the device (``fleet.found_reports``), to a role that may see personal data and
    sees the report's school: they hold the finder's words and contact."""
    scope = g.principal.scope
    if not scope.personal_data:
        return []
    return [r for r in found_reports.for_device(db.session(), device.id) if scope.sees_school(r.school_id)]


def _render(device: Device, refusal: FleetError | None = None, status: int = 200, posted: str | None = None):
    session = db.session()
    loan, agreement = _active_loan(device)
    events, broken = devices.history_of(session, device)
    forms = _forms(device)
    asks_school = any(f.name == "school" for form in forms for f in form.fields)
    schools = devices.destinations(session, device) if asks_school else []  # ship, transfer: a list to pick from
    return render_template(
        "devices/device.html", device=device, ref=_canonical(device), loan=loan, agreement=agreement,
        events=list(reversed(events)), verdict=verdict(events, broken), labels=LABELS,
        refused=refused.of_device(session, g.principal, device), forms=forms, schools=schools,
        refusal=refusal, posted=posted, sent=request.form if posted else {}, found=_found(device),
        print_url="/labels?" + urlencode({"devices": _canonical(device)})), status


@bp.get("/devices/<path:ref>", endpoint="device")
@page("devices:read")
def device_page(ref: str):
    return _render(resolvers.resolve(db.session(), ref, g.principal.scope))


@bp.post("/devices/<path:ref>/actions/<action>", endpoint="device_action")
@page("devices:act")
def device_action(ref: str, action: str):
    session, scope = db.session(), g.principal.scope
    device = resolvers.resolve(session, ref, scope)  # another school's device: the not_found page
    known = lifecycle.ACTIONS.get(action)
    names = [p.name for p in known.params if p.name not in NOT_ON_PAGE] if known else []
    params = {name: request.form[name].strip() for name in names if request.form.get(name, "").strip()}
    try:
        done = scanning.act(session, scope, device.serial, action, params)
        session.commit()
    except FleetError as e:
        session.rollback()
        return _render(resolvers.resolve(session, ref, scope), refusal=e, status=e.status, posted=action)
    what = display_names.name("action", action)
    if done.outcome.already:
        flash(_("Already done (%(action)s): nothing changed.", action=what), "ok")
    else:
        flash(_("Done: %(action)s. Status now: %(status)s.", action=what,
                status=display_names.name("status", done.device.status)), "ok")
    return redirect(url_for("web.device", ref=_canonical(done.device)), 303)
