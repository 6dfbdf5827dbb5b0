"""Pupils and loans: what is sent to register a pupil, hand out, return or swap a laptop, and how a
pupil, a loan and its agreement are answered."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from fleet.api.schemas.common import Model, PageQuery, Query, Timestamp
from fleet.lending import agreements, loans, pupils, returns
from fleet.models import AGREEMENT_STATUSES, LOAN_STATUSES

Accessory = Literal[agreements.ACCESSORIES]  # type: ignore[valid-type]
Language = Literal[agreements.LANGUAGES]  # type: ignore[valid-type]
Accessories = list[Accessory]
Serial = Field(min_length=1, max_length=200, description="a serial, an asset tag, or a scanned label's URL")
Notes = Field(None, max_length=1000)
Id = Annotated[int, Field(ge=1, le=2**31 - 1, description="an id")]  # in a JSON body: a number, never "7"

# --- pupils ----------------------------------------------------------------------------------------


class GuardianIn(Model):
    name: str | None = None
    email: str | None = None
    phone: str | None = None


class EligibilityIn(Model):
    group: str | None = Field(None, description="an eligibility group's code, or its Latvian or English name "
                                                "in any case (GET /eligibility-groups)")
    basis: str | None = None
    valid_until: str | None = Field(None, description="YYYY-MM-DD")


def _text(field: str, required: bool) -> Any:
    limit = pupils.LIMITS.get(field)
    return Field(... if required else None, max_length=limit) if limit else Field(... if required else None)


class PupilIn(Model):
    """A pupil as the API takes it (each field is checked by ``fleet.lending.pupils``, which reports
    every bad field at once). ``eligibility`` is an object or a group's code."""

    register_id: str = _text("register_id", True)
    given_name: str = _text("given_name", True)
    family_name: str = _text("family_name", True)
    grade: str = _text("grade", True)
    guardian: GuardianIn | None = None
    guardian_name: str | None = _text("guardian_name", False)
    guardian_email: str | None = _text("guardian_email", False)
    guardian_phone: str | None = _text("guardian_phone", False)
    eligibility: EligibilityIn | str | None = None
    eligibility_basis: str | None = _text("eligibility_basis", False)
    eligibility_valid_until: str | None = Field(None, description="YYYY-MM-DD")
    personal_code: str | None = Field(None, description="kept only where the school keeps one; checked")


class PupilChange(PupilIn):
    """The fields to change (``register_id`` cannot change)."""

    register_id: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    grade: str | None = None


class Guardian(Model):
    name: str
    email: str | None
    phone: str | None


class Eligibility(Model):
    group: str | None
    basis: str | None
    valid_until: str | None = Field(description="YYYY-MM-DD")


class Pupil(Model):
    id: int
    school: str
    register_id: str
    given_name: str
    family_name: str
    grade: str
    guardian: Guardian
    eligibility: Eligibility
    personal_code: str | None = Field(None, description="only inside the pupil's own school, where it keeps one")


class PupilQuery(PageQuery):
    grade: str | None = Field(None, max_length=10, description="one class, e.g. 7.b")


class PupilImport(Model):
    created: int
    updated: int


class EligibilityGroup(Model):
    code: str
    name_lv: str
    name_en: str
    needs_basis: bool


# --- loans -----------------------------------------------------------------------------------------


class LoanIn(Model):
    device: str = Serial
    pupil: Id = Field(description="the pupil's id")
    accessories: Accessories = Field(default_factory=list, max_length=len(agreements.ACCESSORIES))
    language: Language = "lv"
    condition: Literal[agreements.CONDITIONS] = "new"  # type: ignore[valid-type]


class PairIn(Model):
    pupil: Id
    device: str = Serial
    accessories: Accessories | None = Field(None, description="this pupil's, if not the class's")
    language: Language | None = Field(None, description="this pupil's agreement's language, if not the class's")


class ClassIn(Model):
    pairs: list[PairIn] = Field(min_length=1, max_length=loans.MAX_CLASS)
    accessories: Accessories = Field(default_factory=list)
    language: Language = "lv"
    copies: Literal[loans.COPIES] = Field(  # type: ignore[valid-type]
        1, description="of each agreement in the PDF: 2 when the school keeps a copy (the family's, then the "
                       "school's)")


ReturnCondition = Literal[returns.RETURN_CONDITIONS]  # type: ignore[valid-type]


class ReturnIn(Model):
    condition: ReturnCondition = Field(description="damaged: the laptop goes to repair")
    accessories_returned: Accessories = Field(default_factory=list)
    notes: str | None = Notes


class CollectIn(Model):
    """End-of-year collection: the scanned laptop's active loan is returned — condition ``good`` and
    every accessory lent, unless the scan says otherwise."""

    code: str = Serial
    condition: ReturnCondition = Field("good", description="damaged: the laptop goes to repair")
    accessories_returned: Accessories | None = Field(None, description="default: every accessory lent")
    accessories_missing: Accessories | None = Field(None, description="instead of accessories_returned: those "
                                                    "lent that did not come back")
    notes: str | None = Notes
    nonce: str | None = Field(None, min_length=1, max_length=100,
                              description="a scanning station's retry key: the same scan again is answered already")
    school: str | None = Field(None, max_length=20, description="the collecting school's registration number: "
                               "another school's laptop is not_found")
    grade: str | None = Field(None, min_length=1, max_length=10, description="the class collected (e.g. 7.b): "
                              "a laptop lent to another class is refused, one this class already gave back is "
                              "already; the answer counts the class")


class SwapIn(Model):
    device: str = Serial
    condition: ReturnCondition
    accessories_returned: Accessories | None = Field(None, description="default: every accessory lent")
    accessories: Accessories | None = Field(None, description="lent with the new laptop; default: as before")
    notes: str | None = Notes


class AgreementQuery(Query):
    original: str | None = Field(None, description="any value: the original even once signed")


class Agreement(Model):
    number: str
    status: Literal[AGREEMENT_STATUSES]  # type: ignore[valid-type]
    language: str
    template_version: str
    sha256: str = Field(description="the original's SHA-256")
    signed_sha256: str | None
    method: str | None = Field(description="link, desk or paper")
    signed_at: Timestamp | None
    pdf: str = Field(description="the agreement's URL")
    sign_url: str | None = Field(None, description="the guardian's signing link: only in the answer that made it")
    mailed: Literal["queued"] | None = Field(None, description="queued: the link goes to the guardian by e-mail")


class Loan(Model):
    id: int
    status: Literal[LOAN_STATUSES]  # type: ignore[valid-type]
    device: str
    asset_tag: str | None
    pupil: int
    school: str
    accessories: list[str]
    condition: str | None
    handed_over_at: Timestamp
    ended_at: Timestamp | None
    return_condition: str | None
    accessories_missing: list[str] | None
    return_act: str | None = Field(description="the return act's URL, once returned")
    agreement: Agreement | None


class CollectionCount(Model):
    grade: str
    back: int = Field(description="the class's loans returned today (Riga time)")
    total: int = Field(description="those and the class's loans still active")


class Collected(Loan):
    """A collection's scan: the loan taken back (``already``: it had been, nothing changed), whose it
    was, and where the class stands."""

    applied: bool
    already: bool
    device_status: str
    pupil_name: str
    grade: str
    collection: CollectionCount | None


class Refused(Model):
    index: int
    field: str
    code: str
    message: str
    pupil: Any = None


class ClassResult(Model):
    loans: list[Loan]
    failed: list[Refused]


class TemplateSaved(Model):
    founder: str
    language: str
    version: str
