"""Returns: a laptop comes back to the school — one at the desk (``return_loan``), a class at the
end of the year by scanning (``collect``), or swapped for a replacement (``swap``).

A return applies ``return`` through the lifecycle (to the school, or to repair when damaged), records
the condition and the accessories that came back and those missing, and prints the return act into
the document store in the language of the loan's agreement (its words, the condition, the
accessories); the act has its own number (``A-…``) and cites the agreement's (``L-…``). Every use
case takes the caller's ``Scope`` (``fleet.access.policy``).

The collection (``collect``) takes a scanned laptop's active loan back with condition ``good`` and
every accessory lent, unless the scan says otherwise (``condition``, ``accessories_missing``). A scan
sent again — the same ``nonce``, or a laptop already taken back by this class's collection with
nothing done to it since — is answered ``already`` and changes nothing: the scan station resends its
queue after a lost connection. ``collection`` counts the class: loans still active, and those back
today (Riga time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fleet import display_names, document_store, lifecycle, resolvers
from fleet.access.policy import Scope
from fleet.errors import FleetError, invalid, not_found
from fleet.i18n import _l, _lp
from fleet.lending import agreements
from fleet.lending.loans import Handed, HandOver, active_loan, checked_accessories, hand_over
from fleet.models import Device, Event, Loan, Pupil, School, utcnow
from labels import documents as print_shop

RETURN_CONDITIONS = ("good", "worn", "damaged")  # damaged: to repair
RIGA = ZoneInfo("Europe/Riga")  # the act's date and the collection's day are the school's


@dataclass(frozen=True)
class Collected:
    """A scan of the collection: the loan taken back, and whether it had been (``already``: nothing changed)."""

    loan: Loan
    already: bool = False


@dataclass(frozen=True)
class Collection:
    """Where a class's collection stands: ``back`` (returned today) of ``total`` (those and the loans still active)."""

    school: School
    grade: str
    back: int
    total: int

    @property
    def active(self) -> int:
        return self.total - self.back


def return_loan(session: Session, loan: Loan, data: Any, actor: str, nonce: str | None = None) -> Loan:
    """Take the laptop back: condition check, accessories, the ``return`` event, the return act."""
    if not isinstance(data, dict):
        raise invalid("the body must be {condition, accessories_returned, notes?}")
    if loan.status != "active":
        raise FleetError("conflict", _l("the loan is %(status)s, not active",
                                        status=display_names.text("loan_status", loan.status)),
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
    notes = notes.strip() if notes and notes.strip() else None
    device = lifecycle.lock_device(session, "id", loan.device_id)
    params = {"condition": condition} | ({"notes": notes} if notes else {})
    lifecycle.apply(session, device, "return", params, actor, via="loans", nonce=nonce)
    loan.status, loan.ended_at, loan.ended_by = "returned", utcnow(), actor
    loan.return_condition, loan.notes = condition, notes
    loan.accessories_returned = returned
    loan.accessories_missing = [a for a in loan.accessories if a not in returned]
    act = print_shop.return_act_pdf(_return_data(session, loan, device))
    loan.return_act_sha256 = document_store.put(session, act, "application/pdf")
    session.flush()
    return loan


def act_number(loan: Loan) -> str:
    """The return act's own number (the agreement's is ``L-…``)."""
    return f"A-{_local(loan.ended_at).year}-{loan.id:06d}"


def _local(at: datetime) -> datetime:
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(RIGA)


def _return_data(session: Session, loan: Loan, device: Device) -> print_shop.ReturnData:
    """What the act prints, in the language of the loan's agreement."""
    pupil, school = loan.pupil, loan.pupil.school
    agreement = agreements.for_loan(session, loan)
    language = agreement.language
    return print_shop.ReturnData(
        number=agreement.number, act_number=act_number(loan), language=language,
        date=_local(loan.ended_at).strftime("%Y-%m-%d"),
        school=print_shop.Party(school.name, f"VIIS {school.registration_number}"),
        guardian=print_shop.Party(pupil.guardian_name),
        pupil=print_shop.Party(f"{pupil.given_name} {pupil.family_name}",
                               _lp("agreement party", "%(grade)s grade", grade=pupil.grade).in_(language)),
        manufacturer=device.manufacturer, model=device.model, serial=device.serial, asset_tag=device.asset_tag or "",
        condition=display_names.name("return_condition", loan.return_condition, language),
        accessories_returned=agreements.accessory_names(loan.accessories_returned, language),
        accessories_missing=agreements.accessory_names(loan.accessories_missing, language),
        notes=loan.notes or "", outcome=device.status)


def on_loan(session: Session, scope: Scope, code: Any, school: School | None = None) -> Loan:
    """The active loan of the laptop ``code`` names (the desk's scan): ``not_found`` for a laptop the
    scope does not see or of another school than ``school``; ``conflict`` when it is not on loan."""
    device = _device(session, scope, code, school)
    loan = active_loan(session, device)
    if loan is None:
        raise _not_on_loan(device)
    return loan


def _device(session: Session, scope: Scope, code: Any, school: School | None) -> Device:
    device = resolvers.resolve(session, code, scope)
    if school is not None and device.school_id != school.id:
        raise not_found("device", code if isinstance(code, str) else repr(code))
    return device


def _not_on_loan(device: Device) -> FleetError:
    return FleetError("conflict", _l("%(serial)s is not on loan", serial=device.serial), {"status": device.status})


def collect(session: Session, scope: Scope, code: Any, data: Any, nonce: str | None = None,
            school: School | None = None, grade: str | None = None) -> Collected:
    """End-of-year collection: the scanned laptop's active loan is returned, with condition ``good``
    and every accessory lent unless ``data`` says otherwise (``condition``, ``accessories_missing``
    or ``accessories_returned``, ``notes``). With ``school``: a laptop of another school is
    ``not_found``; with ``grade`` (the class): a laptop lent to another class is refused, and one this
    class's collection already took back is ``already``. The same ``nonce`` again is ``already``."""
    if not isinstance(data, dict):
        raise invalid("the body must be {code, condition?, accessories_missing?, notes?}")
    device = _device(session, scope, code, school)
    if nonce is not None:
        seen = session.scalar(select(Event).where(Event.nonce == nonce))
        if seen is not None:
            if seen.device_id == device.id and seen.action == "return":
                return Collected(_last_loan(session, device), already=True)
            raise FleetError("conflict", _l("this nonce was already used for another scan"), {"nonce": nonce})
    loan = active_loan(session, device)
    if loan is None:
        last = _last_loan(session, device)
        if grade is not None and last is not None and _just_returned(session, device, last, grade):
            return Collected(last, already=True)
        raise _not_on_loan(device)
    if grade is not None and loan.pupil.grade != grade:
        raise FleetError("conflict", _l("%(serial)s is lent to a pupil of class %(other)s, not %(grade)s",
                                        serial=device.serial, other=loan.pupil.grade, grade=grade),
                         {"grade": loan.pupil.grade})
    order = {"condition": data.get("condition", "good"), "notes": data.get("notes"),
             "accessories_returned": _returned(loan, data)}
    return Collected(return_loan(session, loan, order, scope.actor, nonce=nonce))


def _returned(loan: Loan, data: dict) -> Any:
    """The accessories that came back: as sent, or every one lent but those ``accessories_missing``."""
    if "accessories_returned" in data and "accessories_missing" in data:
        raise invalid(_l("give the accessories returned or those missing, not both"),
                      [{"field": "accessories_missing"}])
    if "accessories_returned" in data and data["accessories_returned"] is not None:
        return data["accessories_returned"]
    missing = data.get("accessories_missing") or []
    if not isinstance(missing, list) or any(a not in loan.accessories for a in missing):
        raise invalid(_l("accessories missing must be some of those lent: %(lent)s",
                         lent=", ".join(loan.accessories) or "—"), [{"field": "accessories_missing"}])
    return [a for a in loan.accessories if a not in missing]


def _last_loan(session: Session, device: Device) -> Loan | None:
    return session.scalar(select(Loan).where(Loan.device_id == device.id).order_by(Loan.id.desc()).limit(1))


def _just_returned(session: Session, device: Device, loan: Loan, grade: str) -> bool:
    """The laptop's last loan, of this class, was returned and nothing has happened to it since."""
    latest = session.scalar(select(Event.action).where(Event.device_id == device.id,
                                                       Event.seq == device.history_length))
    return loan.status == "returned" and loan.pupil.grade == grade and latest == "return"


def collection(session: Session, school: School, grade: str, now: datetime | None = None) -> Collection:
    """The class's collection today: its loans back today (Riga time) of those and the ones still active."""
    today = _local(now or utcnow()).date()
    start = datetime.combine(today, time(), RIGA).astimezone(UTC)
    of_class = (select(func.count()).select_from(Loan).join(Pupil, Pupil.id == Loan.pupil_id)
                .where(Loan.school_id == school.id, Pupil.grade == grade))
    active = session.scalar(of_class.where(Loan.status == "active"))
    back = session.scalar(of_class.where(Loan.status == "returned", Loan.ended_at >= start))
    return Collection(school, grade, back, back + active)


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
