"""Loans: a school lends a laptop to a pupil under an agreement the guardian signs.

A hand-over applies ``hand_over`` through the lifecycle (the device row locked) and makes the
agreement; the database allows one active loan per device and one per pupil (partial unique
indexes), so concurrent hand-overs cannot both win. A class hand-out pairs pupils with devices,
each pair on its own (a savepoint each), and prints every agreement into one PDF. Returns, the
end-of-year collection and swaps are ``fleet.lending.returns``'. Lost and stolen end a loan through
the lifecycle's own actions.

Every use case takes the caller's ``Scope`` (``fleet.access.policy``): the pupils, loans and devices
outside it answer ``not_found``, and its actor signs the events. A hand-out queues the guardian's
signing link in the outbox in the same transaction as the loan (``fleet.outbox``), so the API and
the desk page call one function and a hand-out that rolls back mails nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fleet import lifecycle, outbox, resolvers
from fleet.access.policy import Scope
from fleet.config import SmtpConfig
from fleet.errors import FleetError, invalid
from fleet.i18n import _l, api_locale
from fleet.lending import agreements, pupils
from fleet.models import Agreement, Device, Document, Loan, Pupil, months_before, utcnow
from labels import documents as print_shop

MAX_CLASS = 60


@dataclass(frozen=True)
class HandOver:
    """What a hand-over asks for, as the caller sent it (checked by ``hand_over``)."""

    device: Any  # a serial or an asset tag
    pupil: Any  # the pupil's id
    accessories: Any = None  # accessory codes; None: none
    language: Any = "lv"
    condition: Any = "new"


@dataclass(frozen=True)
class Handed:
    loan: Loan
    agreement: Agreement
    sign_url: str
    mailed: bool = False  # the signing link is queued for the guardian


def checked_accessories(value: Any) -> list[str]:
    if value is None:
        return []
    if (not isinstance(value, list) or any(a not in agreements.ACCESSORIES for a in value)
            or len(set(value)) != len(value)):
        raise invalid("accessories must be a list of distinct codes: " + ", ".join(agreements.ACCESSORIES),
                      [{"field": "accessories"}])
    return list(value)


def hand_over(session: Session, scope: Scope, order: HandOver, public_url: str,
              smtp: SmtpConfig | None = None) -> Handed:
    """Lend the device to the pupil: the loan, the ``hand_over`` event, the agreement, and (with
    ``smtp``) the signing link queued for the guardian."""
    items = checked_accessories(order.accessories)
    if order.language not in agreements.LANGUAGES:
        raise invalid(_l("language must be lv or en"), [{"field": "language"}])
    if order.condition not in agreements.CONDITIONS:
        raise invalid(_l("condition must be one of %(conditions)s", conditions=", ".join(agreements.CONDITIONS)),
                      [{"field": "condition"}])
    if not isinstance(order.pupil, int) or isinstance(order.pupil, bool):
        raise invalid(_l("pupil must be the pupil's id"), [{"field": "pupil"}])
    pupil = pupils.get(session, order.pupil, scope)
    device = resolvers.resolve(session, order.device, scope, lock=True)
    if pupil.anonymised_at is not None:
        raise FleetError("conflict", _l("the pupil's data was purged"), {"pupil": pupil.id})
    if device.school_id != pupil.school_id:
        raise FleetError("conflict", _l("the device belongs to another school than the pupil's"),
                         {"device": device.serial, "pupil": pupil.id})
    lifecycle.require_source(device, "hand_over", via="loans")  # before the loan row: on loan is not a duplicate
    if session.scalar(select(Loan.id).where(Loan.pupil_id == pupil.id, Loan.status == "active")):
        raise FleetError("conflict", _l("the pupil has a laptop on loan already; return or swap it first"),
                         {"pupil": pupil.id})
    loan = Loan(device_id=device.id, pupil_id=pupil.id, school_id=pupil.school_id, status="active", accessories=items,
                condition=order.condition, handed_over_by=scope.actor, eligible=pupils.eligible_on(pupil, date.today()))
    session.add(loan)
    session.flush()  # the partial unique indexes speak here: one active loan per device, per pupil
    lifecycle.apply(session, device, "hand_over", {"loan": loan.id}, scope.actor, via="loans")
    agreement, sign_url = agreements.create(session, loan, order.language, public_url)
    mailed = outbox.enqueue_link(session, smtp, loan, agreement, sign_url)
    return Handed(loan, agreement, sign_url, mailed)


def class_handout(
    session: Session, scope: Scope, pairs: Any, accessories: Any, public_url: str, smtp: SmtpConfig | None = None,
    language: Any = "lv",
) -> tuple[list[Handed], list[dict], bytes | None]:
    """Each {pupil, device} pair on its own (its loan and its e-mail in a savepoint): the loans
    made, the pairs refused (with index and code), and one PDF holding every new agreement."""
    if not isinstance(pairs, list) or not 1 <= len(pairs) <= MAX_CLASS:
        raise invalid(f"pairs must be a list of 1-{MAX_CLASS} {{pupil, device}}", [{"field": "pairs"}])
    checked_accessories(accessories)
    done, failed = [], []
    for index, pair in enumerate(pairs):
        try:
            if not isinstance(pair, dict):
                raise invalid("each pair is {pupil, device}")
            order = HandOver(pair.get("device"), pair.get("pupil"), pair.get("accessories", accessories), language)
            with session.begin_nested():
                done.append(hand_over(session, scope, order, public_url, smtp))
        except FleetError as e:
            failed.append({"index": index, "code": e.code, "message": e.localized(api_locale()),
                           "pupil": pair.get("pupil") if isinstance(pair, dict) else None})
        except IntegrityError:
            on_loan = _l("the device or the pupil is on loan already")
            failed.append({"index": index, "code": "duplicate", "message": on_loan.in_(api_locale()),
                           "pupil": pair.get("pupil") if isinstance(pair, dict) else None})
    pdf = print_shop.agreements_pdf([agreements.rendered(h.agreement) for h in done]) if done else None
    return done, failed, pdf


def get(session: Session, loan_id: int, scope: Scope) -> Loan:
    loan = session.get(Loan, loan_id)
    if loan is None or not scope.sees_school(loan.school_id):
        raise FleetError("not_found", _l("loan %(loan)s not found", loan=loan_id), {"ref": loan_id})
    return loan


def active_loan(session: Session, device: Device) -> Loan | None:
    return session.scalar(select(Loan).where(Loan.device_id == device.id, Loan.status == "active"))


def provided_to_target_group(session: Session, until: date | None = None) -> int:
    """The milestone count: devices whose first hand-over went to a pupil eligible that day, with
    the agreement signed; a device lent again counts once."""
    first = (select(Loan.device_id, func.min(Loan.id).label("loan_id")).group_by(Loan.device_id).subquery())
    query = (select(func.count()).select_from(first)
             .join(Loan, Loan.id == first.c.loan_id)
             .join(Agreement, and_(Agreement.loan_id == Loan.id, Agreement.status == "signed"))
             .where(Loan.eligible.is_(True)))
    if until is not None:
        query = query.where(func.date(Loan.handed_over_at) <= until)
    return session.scalar(query)


def purge(session: Session, months: int, now: datetime | None = None) -> int:
    """Anonymise pupils with no active loan whose last loan ended more than `months` ago (or who
    never had one and were added that long ago): names, guardian, codes go; the loans, the counts
    and the agreements' hashes stay; the stored PDFs that carry the names are deleted. Idempotent:
    a purged pupil is not touched again. Returns how many pupils were anonymised."""
    now = now or utcnow()
    cutoff = months_before(now, months)
    last_end = (select(func.max(Loan.ended_at)).where(Loan.pupil_id == Pupil.id).scalar_subquery())
    active = select(Loan.id).where(Loan.pupil_id == Pupil.id, Loan.status == "active").exists()
    candidates = session.scalars(select(Pupil).where(
        Pupil.anonymised_at.is_(None), ~active,
        or_(last_end < cutoff, and_(last_end.is_(None), Pupil.created_at < cutoff)))).all()
    for pupil in candidates:
        pupil.given_name = pupil.family_name = pupil.guardian_name = ""
        pupil.register_id = f"purged-{pupil.id}"
        pupil.guardian_email = pupil.guardian_phone = pupil.personal_code = pupil.eligibility_basis = None
        pupil.anonymised_at = now
        loans = session.scalars(select(Loan).where(Loan.pupil_id == pupil.id)).all()
        digests = {loan.return_act_sha256 for loan in loans}
        for agreement in session.scalars(select(Agreement).where(Agreement.loan_id.in_([x.id for x in loans]))):
            digests |= {agreement.original_sha256, agreement.signed_sha256, agreement.scan_sha256}
            agreement.snapshot, agreement.token_hash, agreement.token_expires_at = {}, None, None
        session.execute(delete(Document).where(Document.sha256.in_([d for d in digests if d])))
    session.flush()
    return len(candidates)
