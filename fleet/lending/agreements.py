"""Loan agreements: made with the loan, signed three ways, kept with their hashes.

The agreement's PDF comes from the print shop (``labels.documents``) with the founder's newest
template in the agreement's language, or the default one. What was rendered is kept as a snapshot
(the data with the frame's words of that day, and the template), so the signed copy re-renders exactly
the original (same bytes, same SHA-256) and adds a signature page, whatever the catalogs say by then.
Accessories and the condition are printed by their display names (``fleet.display_names``).
Signing: the guardian's link ``/sign/{token}`` (the token random, 256 bits, stored hashed, single-use,
expiring), the same page at the school's desk, or a paper scan uploaded by the school.
A signed agreement never changes; re-signing is refused.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import display_names, document_store, uploads
from fleet.errors import FleetError, invalid
from fleet.i18n import _l, _lp
from fleet.models import Agreement, AgreementTemplate, Founder, Loan, utcnow
from labels.documents import (
    AgreementData,
    Party,
    Signature,
    Template,
    agreement_pdf,
    default_template,
    signed_agreement_pdf,
    template_from_json,
    template_to_json,
)
from labels.documents.words import agreement_words

LINK_DAYS = 14
LANGUAGES = ("lv", "en")
MAX_SCAN_BYTES = 10 * 1024 * 1024
ACCESSORIES = tuple(display_names.ACCESSORY)  # the checklist of a hand-over and a return
CONDITIONS = tuple(display_names.CONDITION)  # at hand-over


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def template_for(session: Session, founder: Founder, language: str) -> Template:
    row = session.scalar(select(AgreementTemplate).where(AgreementTemplate.founder_id == founder.id,
                                                         AgreementTemplate.language == language)
                         .order_by(AgreementTemplate.id.desc()).limit(1))
    return template_from_json(row.body) if row is not None else default_template(language)


def _checked(body: Any) -> Template:
    try:
        template = template_from_json(body)
    except (ValueError, TypeError, KeyError) as e:
        raise invalid(f"the template is not valid: {e}", [{"field": "template", "message": str(e)}]) from None
    if template.language not in LANGUAGES:
        raise invalid("language must be lv or en", [{"field": "language"}])
    return template


def save_template(session: Session, founder: Founder, body: Any, actor: str) -> AgreementTemplate:
    """A founder's new template version (the newest is used from now on; signed ones keep theirs)."""
    template = _checked(body)
    if session.scalar(select(AgreementTemplate.id).where(
            AgreementTemplate.founder_id == founder.id, AgreementTemplate.language == template.language,
            AgreementTemplate.version == template.version)):
        raise FleetError("duplicate", f"version {template.version!r} exists already; give the new text a new version",
                         {"field": "version"})
    row = AgreementTemplate(founder_id=founder.id, language=template.language, version=template.version,
                            body=template_to_json(template), created_by=actor)
    session.add(row)
    session.flush()
    return row


def preview(founder: Founder, body: Any) -> bytes:
    """A draft template (not saved) as an agreement PDF of made-up people and a made-up laptop, under
    ``founder``'s name: what a new version would print, before it is published. Refused as ``save_template``."""
    template = _checked(body)
    language = template.language
    data = AgreementData(
        number="L-0000-000000", language=language, date=utcnow().strftime("%Y-%m-%d"),
        founder=founder_party(founder, language),
        school=Party(_lp("agreement preview", "Sample school").in_(language), "VIIS 0000000000"),
        guardian=Party(_lp("agreement preview", "Sample Guardian").in_(language)),
        pupil=Party(_lp("agreement preview", "Sample Pupil").in_(language),
                    _lp("agreement party", "%(grade)s grade", grade="5.b").in_(language)),
        manufacturer="HP", model="ProBook 450 G9", serial="5CG0000SAMPLE", asset_tag="DIB-000000-0",
        accessories=accessory_names(["charger", "bag"], language), condition=display_names.name("condition", "new",
                                                                                               language),
        eu_funded=True, sign_url="https://fleet.invalid/sign/preview", template_version=template.version,
        words=agreement_words(language))
    return agreement_pdf(data, template)


def founder_party(founder: Founder, language: str) -> Party:
    """The lender as an agreement names it: "Rīgas valstspilsētas pašvaldība, Reģ. Nr. 90011524360, Rātslaukums 1,
    Rīga" — what of the registration number and the address is known (the name alone when neither is; never the
    founder's internal code)."""
    parts = []
    if founder.registration_number:
        parts.append(_lp("agreement party", "Reg. No. %(number)s", number=founder.registration_number).in_(language))
    if founder.address:
        parts.append(founder.address)
    return Party(founder.name, ", ".join(parts))


def accessory_names(codes: list[str], language: str) -> tuple[str, ...]:
    """The accessories' names in the document's language (a code unknown to the checklist as itself)."""
    return tuple(display_names.name("accessory", code, language) for code in codes)


def _data(loan: Loan, number: str, language: str, sign_url: str, version: str) -> AgreementData:
    device, pupil, school = loan.device, loan.pupil, loan.pupil.school
    condition = display_names.name("condition", loan.condition, language)  # a code without a name as itself
    return AgreementData(
        number=number, language=language, date=loan.handed_over_at.strftime("%Y-%m-%d"),
        founder=founder_party(school.founder, language),
        school=Party(school.name, f"VIIS {school.registration_number}"),
        guardian=Party(pupil.guardian_name),
        pupil=Party(f"{pupil.given_name} {pupil.family_name}",
                    _lp("agreement party", "%(grade)s grade", grade=pupil.grade).in_(language)),
        manufacturer=device.manufacturer, model=device.model, serial=device.serial, asset_tag=device.asset_tag or "",
        accessories=accessory_names(list(loan.accessories), language), condition=condition,
        eu_funded=device.contract is not None and device.contract.funding_source == "rrf",
        sign_url=sign_url, template_version=version, words=agreement_words(language))


def _snapshot(data: AgreementData, template: Template) -> dict:
    return {"data": asdict(data), "template": template_to_json(template)}


def _from_snapshot(snapshot: dict) -> tuple[AgreementData, Template]:
    d = dict(snapshot["data"])
    for party in ("founder", "school", "guardian", "pupil"):
        d[party] = Party(**d[party])
    d["accessories"] = tuple(d["accessories"])
    return AgreementData(**d), template_from_json(snapshot["template"])


def rendered(agreement: Agreement) -> tuple[AgreementData, Template]:
    """What the agreement's original was rendered from."""
    return _from_snapshot(agreement.snapshot)


def create(session: Session, loan: Loan, language: str, public_url: str) -> tuple[Agreement, str]:
    """The loan's agreement, rendered and stored, awaiting signature; with the signing URL (the
    token is shown this once)."""
    number = f"L-{loan.handed_over_at.year}-{loan.id:06d}"
    agreement = Agreement(loan_id=loan.id, number=number, language=language, template_version="",
                          status="awaiting_signature", original_sha256="")
    session.add(agreement)
    sign_url = _render(session, agreement, loan, public_url)
    return agreement, sign_url


def _render(session: Session, agreement: Agreement, loan: Loan, public_url: str) -> str:
    token = secrets.token_urlsafe(32)
    sign_url = f"{public_url.rstrip('/')}/sign/{token}"
    template = template_for(session, loan.pupil.school.founder, agreement.language)
    data = _data(loan, agreement.number, agreement.language, sign_url, template.version)
    pdf = agreement_pdf(data, template)
    agreement.template_version = template.version
    agreement.original_sha256 = document_store.put(session, pdf, "application/pdf")
    agreement.snapshot = _snapshot(data, template)
    agreement.token_hash = hash_token(token)
    agreement.token_expires_at = utcnow() + timedelta(days=LINK_DAYS)
    session.flush()
    return sign_url


def new_link(session: Session, agreement: Agreement, public_url: str) -> str:
    """A fresh signing link (the old one stops working); the unsigned agreement is printed anew
    with the new link's QR code."""
    _unsigned(agreement)
    return _render(session, agreement, agreement.loan, public_url)


def _unsigned(agreement: Agreement) -> None:
    if agreement.status == "signed":
        raise FleetError("conflict", _l("agreement %(number)s is signed already", number=agreement.number),
                         {"status": "signed"})
    if agreement.status == "void":
        raise FleetError("conflict", _l("agreement %(number)s is void", number=agreement.number), {"status": "void"})


def by_token(session: Session, token: str, now: datetime | None = None) -> Agreement:
    """The agreement a signing link opens; a used or expired link says so plainly (``conflict``)."""
    agreement = session.scalar(select(Agreement).where(Agreement.token_hash == hash_token(token))) \
        if isinstance(token, str) and 20 <= len(token) <= 100 else None
    if agreement is None:
        raise FleetError("not_found", _l("this signing link is not valid, or it was replaced by a newer one"))
    if agreement.status != "awaiting_signature":
        raise FleetError("conflict", _l("this agreement is already signed; the link has been used"),
                         {"status": agreement.status})
    if agreement.token_expires_at <= (now or utcnow()):
        raise FleetError("conflict", _l("this signing link has expired; ask the school for a new one"),
                         {"expired": True})
    return agreement


KINDS = ("drawn", "typed")  # of a link or desk signature
MAX_RELATIONSHIP = 100
RIGA = ZoneInfo("Europe/Riga")  # the signature page's time: the school's, not UTC


def same_name(a: Any, b: Any) -> bool:
    """Whether two written names are the same name: case, spacing and the Unicode form aside."""
    def norm(name: Any) -> str:
        return " ".join(unicodedata.normalize("NFC", name if isinstance(name, str) else "").casefold().split())
    return bool(norm(a)) and norm(a) == norm(b)


def riga_time(at: datetime) -> str:
    """``at`` (UTC) as the signature page prints it: Riga time with its offset, ``2026-11-29 18:42:07 +02:00``."""
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(RIGA)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}"


def guardian_on_record(agreement: Agreement) -> str:
    """The parent's or guardian's name the agreement was issued to (its snapshot's)."""
    return agreement.snapshot["data"]["guardian"]["name"]


def signing_errors(agreement: Agreement, method: str, signer_name: Any, image_png: bytes | None = None,
                   scan: bytes | None = None, *, kind: Any = None, typed_name: Any = None,
                   is_guardian: bool | None = None, relationship: Any = None,
                   consent: bool | None = None) -> list[dict]:
    """What is missing or wrong in a signature, field by field (``[]``: it may be signed); ``too_large``
    raised for a signature image or a scan over its limits (never decoded)."""
    errors = []
    if not isinstance(signer_name, str) or not 2 <= len(signer_name.strip()) <= 200:
        errors.append({"field": "signer_name", "message": "the signer's full name (2-200 characters) is required"})
    other = is_guardian is False and not same_name(signer_name, guardian_on_record(agreement))
    if other and (not isinstance(relationship, str) or not 2 <= len(relationship.strip()) <= MAX_RELATIONSHIP):
        errors.append({"field": "relationship",
                       "message": f"someone other than the guardian on record gives their relationship to the pupil "
                                  f"(2-{MAX_RELATIONSHIP} characters)"})
    if method in ("link", "desk"):
        if kind not in (None, *KINDS):
            errors.append({"field": "kind", "message": "the signature is drawn or typed"})
        elif kind == "typed":
            if not isinstance(typed_name, str) or not typed_name.strip():
                errors.append({"field": "typed_name", "message": "a typed signature is the signer's full name, typed"})
            elif isinstance(signer_name, str) and not same_name(typed_name, signer_name):
                errors.append({"field": "typed_name", "message": "the typed signature is not the signer's name",
                               "expected": signer_name.strip()})
        else:
            try:
                uploads.check_signature(image_png)  # over its limits: too_large, and never decoded
            except uploads.Unreadable as e:
                errors.append({"field": "signature", "message": str(e)})
        if consent is False:
            errors.append({"field": "consent", "message": "the signer has not ticked that they agree"})
    if method == "paper":
        if not scan:
            errors.append({"field": "file", "message": "the signed paper's scan is required"})
        elif len(scan) > MAX_SCAN_BYTES:
            raise FleetError("too_large", f"a scan may be at most {MAX_SCAN_BYTES // (1024 * 1024)} MiB",
                             {"field": "file"})
        else:
            try:
                uploads.scan_pages(scan)  # over its limits: too_large, and never decoded
            except uploads.Unreadable as e:
                errors.append({"field": "file", "message": str(e)})
    return errors


def sign(session: Session, agreement: Agreement, method: str, signer_name: Any, image_png: bytes | None = None,
         scan: bytes | None = None, *, kind: Any = None, typed_name: Any = None, is_guardian: bool | None = None,
         relationship: Any = None, consent: bool | None = None) -> Agreement:
    """Sign: the original re-rendered plus a signature page; stored, and the link used up.

    ``kind`` (link, desk): "drawn" (the default: ``image_png``) or "typed" (``typed_name``, the signer's name
    typed again). ``is_guardian`` False: the signer said they are not the guardian on record, so their
    ``relationship`` to the pupil is required (unless the name is the guardian's after all). Recorded as the
    guardian (``signer_is_guardian``) is a name the same as the guardian's on record, whatever was said.
    ``consent`` False (the page's tick missing) is refused; None: not asked."""
    _unsigned(agreement)
    errors = signing_errors(agreement, method, signer_name, image_png, scan, kind=kind, typed_name=typed_name,
                            is_guardian=is_guardian, relationship=relationship, consent=consent)
    if errors:
        raise invalid("the signature is not complete; nothing was signed", errors)
    data, template = _from_snapshot(agreement.snapshot)
    name = signer_name.strip()
    guardian = data.guardian.name
    is_guardian = same_name(name, guardian)  # whatever was said: the name on the signature page decides
    relationship = " ".join(relationship.split()) if not is_guardian and isinstance(relationship, str) else ""
    kind = None if method == "paper" else (kind or "drawn")
    pages = 0
    if method == "paper":
        pages = uploads.scan_pages(scan)
        agreement.scan_sha256 = document_store.put(session, scan, document_store.sniff(scan))
    signed_at = utcnow()
    signature = Signature(method=method, signer_name=name, signed_at=riga_time(signed_at),
                          image_png=image_png if kind != "typed" else None,
                          original_sha256=agreement.original_sha256, scan_pages=pages, kind=kind,
                          signer_is_guardian=is_guardian, relationship=relationship, guardian_name=guardian)
    try:
        pdf = signed_agreement_pdf(data, template, signature)
    except ValueError:
        # Rendered again, the original no longer comes out byte for byte (the fonts or the print
        # shop changed since it was issued). The stored original stays the evidence; the signature
        # page names its hash, and the pages before it show the same content as drawn today.
        pdf = signed_agreement_pdf(data, template, signature, check=False)
    agreement.signed_sha256 = document_store.put(session, pdf, "application/pdf")
    agreement.status, agreement.method = "signed", method
    agreement.signer_name, agreement.signed_at = name, signed_at
    agreement.signer_is_guardian, agreement.signer_relationship = is_guardian, relationship or None
    agreement.signature_kind = kind
    agreement.token_expires_at = signed_at  # single use: the link now answers "signed already"
    session.flush()
    return agreement


def for_loan(session: Session, loan: Loan) -> Agreement:
    agreement = session.scalar(select(Agreement).where(Agreement.loan_id == loan.id))
    if agreement is None:
        raise FleetError("not_found", f"loan {loan.id} has no agreement", {"ref": loan.id})
    return agreement
