"""The agreements roster: a school's loans with their agreements' state (``GET /loans``) and the counts
by state (``GET /schools/{reg}/agreements/summary``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fleet import paging
from fleet.api.schemas.common import Cursor, Limit, Model, Query, Timestamp
from fleet.lending import roster
from fleet.models import AGREEMENT_STATUSES, LOAN_STATUSES

State = Literal[roster.STATES]  # type: ignore[valid-type]


class RosterQuery(Query):
    school: str | None = Field(None, min_length=1, max_length=10,
                               description="the school's registration number; default: the caller's only school")
    class_: str | None = Field(None, alias="class", max_length=10, description="one class, e.g. 7.b")
    state: State | None = Field(None, description="the agreement's state: awaiting_signature, signed (any method), "
                                                  "signed_link, signed_desk, signed_paper (by that method), void")
    limit: Limit = paging.DEFAULT_LIMIT
    after: Cursor | None = None


class SummaryQuery(Query):
    class_: str | None = Field(None, alias="class", max_length=10, description="one class, e.g. 7.b")


class RosterDevice(Model):
    serial: str
    asset_tag: str | None


class RosterPupil(Model):
    id: int
    given_name: str
    family_name: str
    grade: str = Field(description="the pupil's class")


class RosterAgreement(Model):
    number: str
    status: Literal[AGREEMENT_STATUSES]  # type: ignore[valid-type]
    state: State = Field(description="the roster's state: a signed agreement by its method")
    method: Literal[roster.METHODS] | None = Field(description="link, desk or paper")  # type: ignore[valid-type]
    signed_at: Timestamp | None
    signer_name: str | None
    signer_is_guardian: bool | None = Field(
        description="false: someone other than the guardian on record signed (check); null: not signed, or not asked")
    signer_relationship: str | None = Field(description="the signer's relationship to the pupil, when not the guardian")
    reminded_at: Timestamp | None = Field(description="the last reminder e-mailed to the guardian")
    reminders: int
    age_days: int | None = Field(description="whole days awaiting a signature; null once signed or void")
    pdf: str = Field(description="the agreement's URL (the signed copy once signed)")


class RosterItem(Model):
    id: int = Field(description="the loan's id")
    status: Literal[LOAN_STATUSES]  # type: ignore[valid-type]
    device: RosterDevice
    pupil: RosterPupil
    handed_over_at: Timestamp
    agreement: RosterAgreement | None


class AgeBands(Model):
    under_7: int
    from_7_to_30: int
    over_30: int


class StateCounts(Model):
    awaiting_signature: int
    signed: int = Field(description="by any method: signed_link + signed_desk + signed_paper")
    signed_link: int
    signed_desk: int
    signed_paper: int
    void: int


class AgreementSummary(Model):
    school: str
    total: int = Field(description="the school's loans, active or ended")
    active: int = Field(description="of them, laptops on loan now")
    states: StateCounts
    awaiting_by_age: AgeBands = Field(description="those awaiting a signature by days since issue")
    signer_differs: int = Field(description="signed by someone other than the guardian on record: to check")
    reminded: int = Field(description="agreements reminded at least once")
