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

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from fleet import display_names, document_store, lifecycle, outbox, resolvers
from fleet.access.policy import Scope
from fleet.config import SmtpConfig
from fleet.errors import FleetError, invalid
from fleet.i18n import Text, _l, api_locale
from fleet.lending import agreements, pupils
from fleet.models import Agreement, Device, Document, Loan, Pupil, School, months_before, utcnow
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
    language: Any = "lv", copies: Any = 1, locale: str | None = None, pdf: bool = True, in_words: bool = False,
) -> tuple[list[Handed], list[dict], bytes | None]:
    """Each {pupil, device} pair on its own (its loan and its e-mail in a savepoint): the loans
    made, the pairs refused (with index and code, the reason in ``locale``, default the API's), and one
    PDF holding every new agreement, ``copies`` (1 or 2) of each (None with ``pdf=False``). A pair may
    carry its own ``accessories`` and ``language`` (else the class's). ``in_words``: a laptop not at
    the school is refused with its status's name (the desk page), not the lifecycle's codes (the API)."""
    if not isinstance(pairs, list) or not 1 <= len(pairs) <= MAX_CLASS:
        raise invalid(f"pairs must be a list of 1-{MAX_CLASS} {{pupil, device}}", [{"field": "pairs"}])
    checked_accessories(accessories)
    copies = checked_copies(copies)
    locale = locale or api_locale()
    done, failed = [], []
    for index, pair in enumerate(pairs):
        try:
            if not isinstance(pair, dict):
                raise invalid("each pair is {pupil, device}")
            order = HandOver(pair.get("device"), pair.get("pupil"), pair.get("accessories", accessories),
                             pair.get("language", language))
            with session.begin_nested():
                done.append(hand_over(session, scope, order, public_url, smtp))
        except FleetError as e:
            words = _in_words(e, pair) if in_words else None
            failed.append({"index": index, "code": e.code,
                           "message": words.in_(locale) if words else e.localized(locale),
                           "pupil": pair.get("pupil") if isinstance(pair, dict) else None})
        except IntegrityError:
            on_loan = _l("the device or the pupil is on loan already")
            failed.append({"index": index, "code": "duplicate", "message": on_loan.in_(locale),
                           "pupil": pair.get("pupil") if isinstance(pair, dict) else None})
    if not done or not pdf:  # (the desk page prints the sitting's PDF on its own: class_agreements_pdf)
        return done, failed, None
    return done, failed, print_shop.agreements_pdf([agreements.rendered(h.agreement) for h in done], copies)


def _in_words(e: FleetError, pair: Any) -> Text | None:
    """A laptop not at the school, said with its status's name instead of the lifecycle's codes."""
    if e.code != "invalid_transition" or not isinstance(e.details, dict) or not isinstance(pair, dict):
        return None
    status = display_names.STATUS.get(e.details.get("status"))
    return None if status is None else _l("laptop %(serial)s cannot be handed out: it is %(status)s",
                                          serial=pair.get("device"), status=status)


COPIES = (1, 2)  # of each agreement in a class's PDF: the family's, and the school's when it keeps one


def checked_copies(value: Any) -> int:
    if isinstance(value, bool) or value not in COPIES:
        raise invalid(_l("copies must be 1 or 2"), [{"field": "copies"}])
    return int(value)


def handout_check(session: Session, scope: Scope, school: School, code: Any, paired: Any = (),
                  pupil: Any = None) -> Device:
    """A laptop scanned at a class hand-out, checked before it is paired with a pupil: it exists in the
    scope, belongs to ``school``, is at the school and not on loan, and is not among the serials
    ``paired`` already in this sitting; with ``pupil`` (an id), that pupil is of the school and has no
    laptop yet. Changes nothing: the commit (``class_handout``) judges again."""
    if not isinstance(code, str) or not code.strip():
        raise invalid(_l("scan or type the laptop's serial number or asset tag"), [{"field": "code"}])
    if pupil is not None:
        person = pupils.get(session, pupil, scope)
        if person.school_id != school.id or person.anonymised_at is not None:
            raise FleetError("not_found", _l("pupil %(pupil)s not found", pupil=pupil), {"ref": pupil})
        if session.scalar(select(Loan.id).where(Loan.pupil_id == person.id, Loan.status == "active")):
            raise FleetError("conflict", _l("the pupil has a laptop on loan already; return or swap it first"),
                             {"pupil": person.id})
    device = resolvers.resolve(session, code.strip(), scope)
    if device.school_id != school.id:
        raise FleetError("conflict", _l("laptop %(serial)s belongs to another school", serial=device.serial),
                         {"device": device.serial})
    if device.serial in set(paired or ()):
        raise FleetError("duplicate", _l("laptop %(serial)s is already paired with a pupil in this sitting",
                                         serial=device.serial), {"device": device.serial})
    if device.status == "on_loan" or active_loan(session, device) is not None:
        raise FleetError("conflict", _l("laptop %(serial)s is on loan already", serial=device.serial),
                         {"device": device.serial})
    if device.status not in lifecycle.ACTIONS["hand_over"].sources:
        raise FleetError("invalid_transition", _l("laptop %(serial)s cannot be handed out: it is %(status)s",
                                                  serial=device.serial, status=display_names.STATUS[device.status]),
                         {"device": device.serial, "status": device.status})
    return device


def class_agreements_pdf(session: Session, scope: Scope, loan_ids: Any, copies: Any = 1) -> bytes:
    """One PDF with the agreements of these loans (a sitting's): each agreement's stored original, the
    very document its hash records (the unsigned one, with its signing QR code), ``copies`` of each one
    after the other; a loan outside the scope, or whose documents were purged, is ``not_found``."""
    copies = checked_copies(copies)
    if (not isinstance(loan_ids, list) or not 1 <= len(loan_ids) <= MAX_CLASS
            or any(not isinstance(i, int) or isinstance(i, bool) for i in loan_ids)):
        raise invalid(_l("loans must be 1-%(max)s loan numbers", max=MAX_CLASS), [{"field": "loans"}])
    originals = []
    for loan_id in dict.fromkeys(loan_ids):
        agreement = agreements.for_loan(session, get(session, loan_id, scope))
        try:
            originals.append(document_store.get(session, agreement.original_sha256).data)
        except FleetError:
            raise FleetError("not_found", _l("loan %(loan)s not found", loan=loan_id), {"ref": loan_id}) from None
    return _bound(originals, copies)


def _bound(pdfs: list[bytes], copies: int) -> bytes:
    """The PDFs one after another in one file, ``copies`` of each (pdfium copies the pages as they are:
    nothing is rendered again)."""
    import pypdfium2

    out = pypdfium2.PdfDocument.new()
    try:
        for data in pdfs:
            source = pypdfium2.PdfDocument(data)
            try:
                for _ in range(copies):
                    out.import_pages(source)
            finally:
                source.close()
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()
    finally:
        out.close()


def get(session: Session, loan_id: int, scope: Scope) -> Loan:
    loan = session.get(Loan, loan_id)
    if loan is None or not scope.sees_school(loan.school_id):
        raise FleetError("not_found", _l("loan %(loan)s not found", loan=loan_id), {"ref": loan_id})
    return loan


def active_loan(session: Session, device: Device) -> Loan | None:
    return session.scalar(select(Loan).where(Loan.device_id == device.id, Loan.status == "active"))


def purge(session: Session, months: int, now: datetime | None = None, keep_evidence_until: date | None = None) -> int:
    """Anonymise pupils with no active loan whose last loan ended more than `months` ago (or who
    never had one and were added that long ago): names, guardian, codes go; the loans, the counts
    and the agreements' hashes stay; the stored PDFs that carry the names are deleted. Idempotent:
    a purged pupil is not touched again. Returns how many pupils were anonymised.

    ``keep_evidence_until`` (``FLEET_AUDIT_RETENTION_UNTIL``): until the end of that day the documents of
    each agreement that makes its device count toward the programme's targets (the device's first loan, to
    an eligible pupil, signed) stay — the original, the signed copy and the paper scan: the auditor's
    evidence (``fleet.evidence``) —, while the pupil's row is anonymised all the same. After that day they
    are deleted too. None: nothing is kept."""
    now = now or utcnow()
    cutoff = months_before(now, months)
    last_end = (select(func.max(Loan.ended_at)).where(Loan.pupil_id == Pupil.id).scalar_subquery())
    active = select(Loan.id).where(Loan.pupil_id == Pupil.id, Loan.status == "active").exists()
    candidates = session.scalars(select(Pupil).where(
        Pupil.anonymised_at.is_(None), ~active,
        or_(last_end < cutoff, and_(last_end.is_(None), Pupil.created_at < cutoff)))).all()
    keeping = keep_evidence_until is not None and now < _end_of_riga_day(keep_evidence_until)
    for pupil in candidates:
        pupil.given_name = pupil.family_name = pupil.guardian_name = ""
        pupil.register_id = f"purged-{pupil.id}"
        pupil.guardian_email = pupil.guardian_phone = pupil.personal_code = pupil.eligibility_basis = None
        pupil.anonymised_at = now
        loans = session.scalars(select(Loan).where(Loan.pupil_id == pupil.id)).all()
        evidence = _counting_loans(session, [x.id for x in loans]) if keeping else set()
        digests = {loan.return_act_sha256 for loan in loans}
        for agreement in session.scalars(select(Agreement).where(Agreement.loan_id.in_([x.id for x in loans]))):
            if agreement.loan_id not in evidence:
                digests |= {agreement.original_sha256, agreement.signed_sha256, agreement.scan_sha256}
            agreement.snapshot, agreement.token_hash, agreement.token_expires_at = {}, None, None
        session.execute(delete(Document).where(Document.sha256.in_([d for d in digests if d])))
    if keep_evidence_until is not None and not keeping:
        _purge_kept_evidence(session)
    session.flush()
    return len(candidates)


def _end_of_riga_day(day: date) -> datetime:
    from fleet.reports.counting import end_of

    return end_of(day)


def _counting_loans(session: Session, loan_ids: list[int]) -> set[int]:
    """Of these loans, those whose agreement makes their device count toward the targets: the device's
    first loan, to a pupil eligible that day, signed (``fleet.reports.counting``'s rule)."""
    earlier = aliased(Loan)
    first = select(func.min(earlier.id)).where(earlier.device_id == Loan.device_id).scalar_subquery()
    return set(session.scalars(
        select(Loan.id).join(Device, Device.id == Loan.device_id)
        .join(Agreement, and_(Agreement.loan_id == Loan.id, Agreement.status == "signed"))
        .where(Loan.id.in_(loan_ids or [-1]), Loan.eligible.is_(True), Loan.id == first)))


def _purge_kept_evidence(session: Session) -> None:
    """After the audit period: the documents kept for it (of pupils anonymised already) are deleted."""
    purged = select(Loan.id).join(Pupil, Pupil.id == Loan.pupil_id).where(Pupil.anonymised_at.is_not(None))
    kept = or_(*(Document.sha256.in_(select(column).where(Agreement.loan_id.in_(purged)))
                 for column in (Agreement.original_sha256, Agreement.signed_sha256, Agreement.scan_sha256)))
    digests = sorted(session.scalars(select(Document.sha256).where(kept)))
    for start in range(0, len(digests), 1000):
        session.execute(delete(Document).where(Document.sha256.in_(digests[start:start + 1000])))
