"""The auditor's evidence packs: asking for one (``POST /evidence``), its progress and result, the list."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema

from fleet.api.schemas.common import Model, Timestamp
from fleet.i18n import _l
from fleet.models import EVIDENCE_STATUSES

FIRST, LAST = date(2000, 1, 1), date(2100, 12, 31)  # a cut-off of the programme's, or of any audit of it


def _day(value: Any) -> Any:
    """A date as JSON gives it: ``YYYY-MM-DD``, from 2000 to 2100."""
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(_l("must be a date YYYY-MM-DD"))
    if not FIRST <= day <= LAST:
        raise ValueError(_l("must be a date from %(first)s to %(last)s", first=FIRST.isoformat(),
                            last=LAST.isoformat()))
    return day


Day = Annotated[date, BeforeValidator(_day), WithJsonSchema(
    {"type": "string", "format": "date", "examples": ["2023-12-31"]})]


class SampleIn(Model):
    size: int = Field(ge=1, le=2**31 - 1, description="how many counted devices' agreements to draw")
    seed: int | None = Field(None, ge=0, le=2**63 - 1,
                             description="the random generator's seed; default: drawn and recorded in the pack")


class EvidenceIn(Model):
    target_date: Day = Field(description="the cut-off: devices counted by the end of this day (a target's date)")
    founder: str | None = Field(None, min_length=1, max_length=32, description="one founder's code; default: all")
    sample: SampleIn | None = Field(None, description="only a random sample of the signed agreements; default: all")
    agreements: bool = Field(True, description="false: no signed agreements in the pack")


class SampleOut(Model):
    size: int
    seed: int


class Progress(Model):
    counted: int | None = Field(description="devices in the pack (known once running)")
    written: int = Field(description="devices written so far")


class Links(Model):
    self: str
    download: str | None = Field(description="the ZIP, once done")


class EvidencePack(Model):
    id: int
    status: Literal[EVIDENCE_STATUSES]  # type: ignore[valid-type]
    target_date: str = Field(description="the cut-off, YYYY-MM-DD")
    founder: str | None = Field(description="the founder's code; null: every founder")
    agreements: bool
    sample: SampleOut | None = Field(description="the sample of agreements and its seed; null: all (or none)")
    progress: Progress
    size: int | None = Field(description="the ZIP's bytes, once done")
    sha256: str | None = Field(description="the ZIP's SHA-256, once done")
    error: str | None = Field(description="why it failed")
    requested_by: str
    requested_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None
    links: Links
