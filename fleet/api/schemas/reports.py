"""The programme's reports: which a caller may read (``GET /reports``), a report as JSON
(``GET /reports/{name}``), as a file (``GET /reports/{name}.{fmt}``: csv, xlsx, pdf), and the paged lists
behind its exceptions (``GET /reports/lists/{name}``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from fleet import paging
from fleet.api.schemas.common import Cursor, Limit, Model, Query, Timestamp, whole_number
from fleet.i18n import _l

FORMATS = ("csv", "xlsx", "pdf")
Format = Literal[FORMATS]  # type: ignore[valid-type]


def _day(value: Any) -> Any:
    """``YYYY-MM-DD`` and nothing else (pydantic would also take a timestamp at midnight, or a number)."""
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(_l("must be a date, YYYY-MM-DD"))


Day = Annotated[date, BeforeValidator(_day), WithJsonSchema({"type": "string", "format": "date",
                                                             "examples": ["2023-12-31"]})]
FounderCode = Field(None, min_length=1, max_length=32, description="one founder (its code), within the caller's reach")
SchoolReg = Field(None, min_length=1, max_length=10,
                  description="one school (its registration number), within the caller's reach")
Lang = Literal["lv", "en"]


class ReportQuery(Query):
    as_of: Day | None = Field(None, description="the day the figures are for (default: today, Riga time)")
    founder: str | None = FounderCode
    school: str | None = SchoolReg
    round: str | None = Field(None, min_length=1, max_length=20,
                              description="connectivity: one survey round (its code; default: the latest)")
    lang: Lang | None = Field(None, description="the title's and the words' language (default: Accept-Language, "
                                                "else English)")


class ExportQuery(ReportQuery):
    lang: Lang | None = Field(None, description="the file's language (default: the page's: the lang cookie, "
                                                "Accept-Language, else Latvian)")
    table: str | None = Field(None, min_length=1, max_length=40,
                              description="csv: the table (default: the report's first)")
    sep: Literal["semicolon", "comma"] = Field(
        "semicolon", description="csv: semicolon: `;` and a UTF-8 byte-order mark (Excel); comma: `,`, no mark")


class ListQuery(Query):
    limit: Limit = paging.DEFAULT_LIMIT
    after: Cursor | None = None
    days: whole_number(0, 3650, "for at least this many days (unsigned: 30, not seen: 90)") | None = None  # type: ignore[valid-type]
    founder: str | None = FounderCode
    school: str | None = SchoolReg


class ReportInfo(Model):
    name: str
    title: str
    kind: Literal["report", "list"] = Field(description="a report (JSON and files) or a paged list")
    formats: list[str] = Field(description="json, and for a report csv, xlsx, pdf")
    links: dict[str, str] = Field(description="format → its URL")


class ReportAnswer(BaseModel):
    """A report: who and when, then its summary's figures and its tables (each a list of rows) by name."""

    model_config = ConfigDict(extra="allow", strict=True)

    report: str
    title: str
    as_of: str = Field(description="the day the figures are for, YYYY-MM-DD")
    refreshed_at: Timestamp | None = Field(description="when the roll-ups read were refreshed; null: never yet")
    scope: str = Field(description="who the figures cover")


Row = dict[str, Any]
