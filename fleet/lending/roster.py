"""The agreements roster: every loan of a school with its agreement's state, where each class stands,
and new signing links for guardians — printed, or e-mailed one message per guardian.

States of an agreement as the roster names them (``STATES``): ``awaiting_signature``, ``signed``
(any method), ``signed_link``, ``signed_desk``, ``signed_paper`` (signed by that method), ``void``.
The roster lists every loan of the school, active or ended (a returned laptop's agreement stays the
evidence of its loan); the counts of ``summary`` are over the same loans. A loan's age while awaiting
is counted in whole days from the agreement's issue.

A guardian is one e-mail address within a school (compared without case): a family with several
children gets one message listing each child's link. The signing link's token is stored only hashed,
so every new link (printed, e-mailed, a reminder) is issued anew: ``agreements.new_link`` re-renders
the agreement with the new link's QR code, and the old link stops working.

Every use case takes the caller's ``Scope``: loans of other schools answer ``not_found``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select, tuple_
from sqlalchemy.orm import Session, contains_eager

from fleet import document_store, outbox, paging
from fleet.access.policy import Scope
from fleet.config import SmtpConfig
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.lending import agreements, pupils
from fleet.models import Agreement, Loan, Pupil, School, utcnow
from labels import documents as print_shop

STATES = ("awaiting_signature", "signed", "signed_link", "signed_desk", "signed_paper", "void")
METHODS = ("link", "desk", "paper")
AGE_BANDS = (("under_7", 0, 7), ("from_7_to_30", 7, 31), ("over_30", 31, None))  # days: [low, high)
MAX_BULK = 200


def checked_state(value: Any) -> str | None:
    """``?state=``: one of ``STATES`` (empty: every state); else ``invalid_input`` naming them."""
    if value in (None, ""):
        return None
    if value not in STATES:
        raise invalid(_l("state must be one of %(states)s", states=", ".join(STATES)),
                      [{"field": "state", "message": _l("must be one of %(values)s", values=", ".join(STATES)),
                        "allowed": list(STATES)}])
    return value


def checked_class(value: Any) -> str | None:
    """``?class=``: a class as the pupils' records write it (at most 10 characters); empty: all classes."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value.strip()) > pupils.LIMITS["grade"] or not value.strip().isprintable():
        raise invalid(_l("class must be a class of the school, e.g. 7.b"), [{"field": "class"}])
    return value.strip()


def _state_filter(state: str):
    if state == "signed":
        return Agreement.status == "signed"
    if state.startswith("signed_"):
        return and_(Agreement.status == "signed", Agreement.method == state.removeprefix("signed_"))
    return Agreement.status == state


def state_of(agreement: Agreement | None) -> str:
    """The roster's state of an agreement (a signed one by its method)."""
    if agreement is None:
        return "void"
    if agreement.status == "signed":
        return f"signed_{agreement.method}" if agreement.method in METHODS else "signed"
    return agreement.status


def age_days(agreement: Agreement | None, now: datetime | None = None) -> int | None:
    """Whole days an agreement has been awaiting its signature (None once signed or void)."""
    if agreement is None or agreement.status != "awaiting_signature":
        return None
    return max(0, ((now or utcnow()) - agreement.created_at).days)


@dataclass(frozen=True)
class Row:
    """One loan of the roster: the loan (its device and pupil loaded) and its agreement."""

    loan: Loan
    agreement: Agreement | None

    @property
    def pupil(self) -> Pupil:
        return self.loan.pupil

    @property
    def state(self) -> str:
        return state_of(self.agreement)

    def age(self, now: datetime | None = None) -> int | None:
        return age_days(self.agreement, now)

    @property
    def signer_differs(self) -> bool:
        return self.agreement is not None and self.agreement.signer_is_guardian is False


def _query(school: School, grade: str | None, state: str | None):
    query = (select(Loan, Agreement).join(Loan.pupil).outerjoin(Agreement, Agreement.loan_id == Loan.id)
             .options(contains_eager(Loan.pupil))
             .where(Loan.school_id == school.id))
    if grade:
        query = query.where(Pupil.grade == grade)
    if state:
        query = query.where(_state_filter(state))
    return query


ORDER = (Pupil.grade, Pupil.family_name, Pupil.given_name, Loan.id)


def listing(session: Session, scope: Scope, school: School, grade: Any = None, state: Any = None,
            limit: int = paging.DEFAULT_LIMIT, after: int | None = None) -> tuple[list[Row], int | None]:
    """A page of the school's loans by class and pupil's name (a loan after loan ``after``): (rows,
    the last loan's id when another page follows)."""
    if not scope.sees_school(school.id):
        raise FleetError("not_found", _l("school %(school)s not found", school=repr(school.registration_number)))
    grade, state = checked_class(grade), checked_state(state)
    query = _query(school, grade, state)
    if after is not None:
        last = session.get(Loan, after)
        if last is None or last.school_id != school.id:
            raise invalid(_l("the 'after' cursor is not one this list gave out"), [{"field": "after"}])
        query = query.where(tuple_(*ORDER) > tuple_(last.pupil.grade, last.pupil.family_name,
                                                     last.pupil.given_name, last.id))
    found = session.execute(query.order_by(*ORDER).limit(limit + 1)).all()
    return paging.split([Row(loan, agreement) for loan, agreement in found], limit, lambda row: row.loan.id)


@dataclass
class Summary:
    school: str
    total: int = 0
    active: int = 0
    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    awaiting_by_age: dict[str, int] = field(default_factory=lambda: {name: 0 for name, _, _ in AGE_BANDS})
    signer_differs: int = 0
    reminded: int = 0


def summary(session: Session, scope: Scope, school: School, grade: Any = None,
            now: datetime | None = None) -> Summary:
    """The school's agreements counted by state, those awaiting by age (under 7, 7-30, over 30 days),
    how many were signed by someone other than the guardian on record, and how many were reminded."""
    if not scope.sees_school(school.id):
        raise FleetError("not_found", _l("school %(school)s not found", school=repr(school.registration_number)))
    grade = checked_class(grade)
    now = now or utcnow()
    query = (select(Agreement.status, Agreement.method, Agreement.created_at, Agreement.signer_is_guardian,
                    Agreement.reminders, Loan.status)
             .select_from(Loan).join(Pupil, Pupil.id == Loan.pupil_id)
             .outerjoin(Agreement, Agreement.loan_id == Loan.id).where(Loan.school_id == school.id))
    if grade:
        query = query.where(Pupil.grade == grade)
    out = Summary(school.registration_number)
    for status, method, created_at, signer_is_guardian, reminders, loan_status in session.execute(query):
        out.total += 1
        out.active += loan_status == "active"
        if status is None or status == "void":
            out.states["void"] += 1
        elif status == "signed":
            out.states["signed"] += 1
            if method in METHODS:
                out.states[f"signed_{method}"] += 1
            out.signer_differs += signer_is_guardian is False
        else:
            out.states["awaiting_signature"] += 1
            days = max(0, (now - created_at).days)
            for name, low, high in AGE_BANDS:
                if days >= low and (high is None or days < high):
                    out.awaiting_by_age[name] += 1
        out.reminded += bool(reminders)
    return out


@dataclass(frozen=True)
class ClassStanding:
    grade: str
    pupils: int
    on_loan: int
    awaiting: int
    signed: int


def classes(session: Session, school: School) -> list[ClassStanding]:
    """Each class of the school (of its pupils not purged) with its pupils, laptops on loan now, and of
    those the agreements awaiting a signature and signed."""
    active = and_(Loan.pupil_id == Pupil.id, Loan.status == "active")
    rows = session.execute(
        select(Pupil.grade, func.count(func.distinct(Pupil.id)), func.count(Loan.id),
               func.count(case((Agreement.status == "awaiting_signature", 1))),
               func.count(case((Agreement.status == "signed", 1))))
        .select_from(Pupil).outerjoin(Loan, active).outerjoin(Agreement, Agreement.loan_id == Loan.id)
        .where(Pupil.school_id == school.id, Pupil.anonymised_at.is_(None))
        .group_by(Pupil.grade)).all()
    return sorted((ClassStanding(*row) for row in rows), key=lambda c: pupils.class_order(c.grade))


# --- new signing links -------------------------------------------------------------------------------


def loans_of(session: Session, scope: Scope, loan_ids: Any) -> list[tuple[Loan, Agreement]]:
    """The loans named (ids, each of a school the scope sees: else ``not_found``) with their agreements,
    in the order given, each once."""
    if not isinstance(loan_ids, list | tuple) or not loan_ids:
        raise invalid(_l("choose at least one loan"), [{"field": "loan"}])
    ids: list[int] = []
    for raw in loan_ids:
        text = str(raw).strip()
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**31:
            raise invalid(_l("a loan is named by its number"), [{"field": "loan"}])
        if int(text) not in ids:
            ids.append(int(text))
    if len(ids) > MAX_BULK:
        raise invalid(_l("at most %(max)s loans at once", max=MAX_BULK), [{"field": "loan"}])
    found = {loan.id: (loan, agreement) for loan, agreement in session.execute(
        select(Loan, Agreement).join(Agreement, Agreement.loan_id == Loan.id).where(Loan.id.in_(ids)))}
    out = []
    for loan_id in ids:
        pair = found.get(loan_id)
        if pair is None or not scope.sees_school(pair[0].school_id):
            raise FleetError("not_found", _l("loan %(loan)s not found", loan=loan_id), {"ref": loan_id})
        out.append(pair)
    return out


def _awaiting(pairs: list[tuple[Loan, Agreement]]) -> list[tuple[Loan, Agreement]]:
    """The pairs whose agreement still awaits a signature; a signed or void one refused (``conflict``)."""
    for _loan, agreement in pairs:
        agreements._unsigned(agreement)
    return pairs


def print_links(session: Session, scope: Scope, loan_ids: Any, public_url: str) -> bytes:
    """New signing links for the loans named, printed: one PDF with each agreement re-rendered with its
    new link's QR code (the old links stop working); for one loan, its new original as stored."""
    pairs = _awaiting(loans_of(session, scope, loan_ids))
    for _loan, agreement in pairs:
        agreements.new_link(session, agreement, public_url)
    if len(pairs) == 1:  # one agreement: its new original as stored, byte for byte
        return document_store.get(session, pairs[0][1].original_sha256).data
    return print_shop.agreements_pdf([agreements.rendered(agreement) for _loan, agreement in pairs])


@dataclass
class Mailed:
    """What ``email_links`` did: the messages queued (one per guardian), the loans whose link went, and
    the loans left out for want of an address (their old link still works: print a new one)."""

    messages: int = 0
    sent: list[Loan] = field(default_factory=list)
    no_address: list[Loan] = field(default_factory=list)


def guardian_key(loan: Loan) -> tuple[int, str] | None:
    """The guardian a message goes to: the school and the e-mail address without case (None: no address)."""
    email = (loan.pupil.guardian_email or "").strip()
    return (loan.school_id, email.lower()) if email and loan.pupil.anonymised_at is None else None


def by_guardian(pairs: list[tuple[Loan, Agreement]]) -> tuple[OrderedDict, list[Loan]]:
    """The pairs grouped by guardian (in first-seen order), and the loans without an address."""
    groups: OrderedDict[tuple[int, str], list[tuple[Loan, Agreement]]] = OrderedDict()
    lost = []
    for loan, agreement in pairs:
        key = guardian_key(loan)
        if key is None:
            lost.append(loan)
        else:
            groups.setdefault(key, []).append((loan, agreement))
    return groups, lost


def email_links(session: Session, scope: Scope, loan_ids: Any, public_url: str,
                smtp: SmtpConfig | None) -> Mailed:
    """New signing links e-mailed through the outbox: one message per guardian listing each child's
    link. Loans whose guardian has no address are left as they were (``Mailed.no_address``)."""
    if smtp is None:
        raise FleetError("conflict", _l("e-mail is not set up (FLEET_SMTP_HOST): print the links instead"))
    pairs = _awaiting(loans_of(session, scope, loan_ids))
    groups, lost = by_guardian(pairs)
    done = Mailed(no_address=lost)
    for family in groups.values():
        queue_family(session, smtp, family, public_url, reminder=False)
        done.messages += 1
        done.sent.extend(loan for loan, _agreement in family)
    return done


def queue_family(session: Session, smtp: SmtpConfig, family: list[tuple[Loan, Agreement]], public_url: str,
                 reminder: bool, now: datetime | None = None) -> None:
    """One message to a guardian with a fresh link for each of their children's agreements."""
    items = []
    for loan, agreement in family:
        url = agreements.new_link(session, agreement, public_url)
        pupil = loan.pupil
        items.append((f"{pupil.given_name} {pupil.family_name}", agreement.number, url))
        if reminder:
            agreement.reminded_at = now or utcnow()
            agreement.reminders = (agreement.reminders or 0) + 1
    first_loan, first = family[0]
    outbox.enqueue_links(session, smtp, first_loan, first, items, reminder)
    session.flush()
