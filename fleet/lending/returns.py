"""Returns: a laptop comes back to the school — one at the desk (``return_loan``), a class at the
end of the year by scanning (``collect``), or swapped for a replacement (``swap``).

A return applies ``return`` through the lifecycle (to the school, or to repair when damaged), records
the condition and the accessories that came back and those missing, and prints the return act into
the document store. Every use case takes the caller's ``Scope`` (``fleet.access.policy``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fleet import display_names, document_store, lifecycle, resolvers
from fleet.access.policy import Scope
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.lending import agreements
from fleet.lending.loans import Handed, HandOver, active_loan, checked_accessories, hand_over
from fleet.models import Device, Loan, utcnow
from labels import documents as print_shop

RETURN_CONDITIONS = ("good", "worn", "damaged")  # damaged: to repair


def return_loan(session: Session, loan: Loan, data: Any, actor: str) -> Loan:
    """Take the laptop back: condition check, accessories, the ``return`` event, the return act."""
    if not isinstance(data, dict):
        raise invalid("the body must be {condition, accessories_returned, notes?}")
    if loan.status != "active":
        raise FleetError("conflict", _l("the loan is %(status)s, not active", status=loan.status),
                         {"status": loan.status})
    errors = []
    condition = data.get("condition")
    if condition not in RETURN_CONDITIONS:
        errors.append({"field": "condition", "message": "one of " + ", ".join(RETURN_CONDITIONS)})
    try:
        returned = checked_accessories(data.get("accessories_returned", []))
    except FleetError:
        errors.append({"field": "accessories_returned", "message": "a list of accessory codes"})
        returned = []
    notes = data.get("notes")
    if notes is not None and (not isinstance(notes, str) or len(notes) > 1000):
        errors.append({"field": "notes", "message": "text of at most 1000 characters"})
    if errors:
        raise invalid(_l("the return is not complete; nothing was changed"), errors)
    device = lifecycle.lock_device(session, "id", loan.device_id)
    params = {"condition": condition} | ({"notes": notes.strip()} if notes and notes.strip() else {})
    lifecycle.apply(session, device, "return", params, actor, via="loans")
    loan.status, loan.ended_at, loan.ended_by = "returned", utcnow(), actor
    loan.return_condition, loan.notes = condition, notes
    loan.accessories_returned = returned
    loan.accessories_missing = [a for a in loan.accessories if a not in returned]
    act = print_shop.return_act_pdf(_return_data(loan, device))
    loan.return_act_sha256 = document_store.put(session, act, "application/pdf")
    session.flush()
    return loan


def _return_data(loan: Loan, device: Device) -> print_shop.ReturnData:
    pupil, school = loan.pupil, loan.pupil.school
    return print_shop.ReturnData(
        number=f"A-{loan.ended_at.year}-{loan.id:06d}", language="lv", date=loan.ended_at.strftime("%Y-%m-%d"),
        school=print_shop.Party(school.name, f"VIIS {school.registration_number}"),
        guardian=print_shop.Party(pupil.guardian_name),
        pupil=print_shop.Party(f"{pupil.given_name} {pupil.family_name}", f"{pupil.grade} klase"),
        manufacturer=device.manufacturer, model=device.model, serial=device.serial, asset_tag=device.asset_tag or "",
        condition=display_names.name("return_condition", loan.return_condition, "lv"),
        accessories_returned=agreements.accessory_names(loan.accessories_returned, "lv"),
        accessories_missing=agreements.accessory_names(loan.accessories_missing, "lv"),
        notes=loan.notes or "", outcome=device.status)


def collect(session: Session, scope: Scope, code: Any, data: Any) -> Loan:
    """End-of-year collection: scan a laptop, its active loan is returned."""
    device = resolvers.resolve(session, code, scope)
    loan = active_loan(session, device)
    if loan is None:
        raise FleetError("conflict", _l("%(serial)s is not on loan", serial=device.serial), {"status": device.status})
    return return_loan(session, loan, data, scope.actor)


def swap(session: Session, scope: Scope, loan: Loan, data: Any, public_url: str) -> Handed:
    """A replacement laptop: the old one returned (usually damaged), a new loan under a new agreement
    (its link is in the answer, not mailed: the guardian is usually at the desk)."""
    if not isinstance(data, dict):
        raise invalid("the body must be {device, condition, accessories?, notes?}")
    old_loan = return_loan(session, loan, {k: data[k] for k in ("condition", "notes") if k in data}
                           | {"accessories_returned": data.get("accessories_returned", loan.accessories)}, scope.actor)
    old_loan.status = "replaced"
    order = HandOver(data.get("device"), loan.pupil_id, data.get("accessories", loan.accessories),
                     agreements.for_loan(session, old_loan).language)
    handed = hand_over(session, scope, order, public_url)
    old_loan.replaced_by_id = handed.loan.id
    session.flush()
    return handed
