"""The connectivity survey's endpoints (``/connectivity/questionnaire``, ``/connectivity/rounds/…``): the questions,
a round, the schools' progress in a round, a school's answers and their history, the body that saves them, and a
founder's import."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fleet.api.schemas.common import Model, Query, Timestamp
from fleet.api.schemas.reports import Day

Money = Field(None, max_length=15, pattern=r"^[0-9]+(\.[0-9]{1,2})?$",
              description='the improvement plan\'s budget, EUR as a decimal string, e.g. "250000.00"; null: not set')
Status = Literal["none", "draft", "submitted"]
AnswerValue = str | int | float | bool | None


class Choice(Model):
    code: str
    label: str


class Question(Model):
    key: str = Field(description="the answer's key in `answers` and the import's column")
    section: str = Field(description="uplink, inside, load or problems")
    section_label: str
    label: str
    kind: Literal["choice", "int", "number", "bool", "text"]
    unit: str | None
    low: float | None = Field(description="int, number: the least answer (inclusive)")
    high: float | None = Field(description="int, number: the greatest answer (inclusive)")
    longest: int | None = Field(description="text: at most this many characters")
    choices: list[Choice] = Field(description="choice: the codes to answer with, and their labels")
    required: bool = Field(description="the submission needs an answer")
    needed_if: str | None = Field(description="the submission needs an answer when this yes/no question is yes")
    hint: str | None


class RoundIn(Model):
    code: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9._-]+$", examples=["2026"])
    title: str = Field(min_length=1, max_length=200)
    opens_on: Day = Field(description="the first day answers are taken, YYYY-MM-DD")
    deadline: Day = Field(description="the last day answers are taken (Riga time), YYYY-MM-DD")
    budget: str | None = Money


class RoundChange(Model):
    """Only the fields sent change; ``budget: null`` clears the budget."""

    title: str | None = Field(None, min_length=1, max_length=200)
    deadline: Day | None = Field(None, description="YYYY-MM-DD")
    budget: str | None = Money


class Round(Model):
    code: str
    title: str
    opens_on: str = Field(description="YYYY-MM-DD")
    deadline: str = Field(description="YYYY-MM-DD, the last day answers are taken (Riga time)")
    budget: str | None = Field(description="EUR; null: not set")
    open: bool = Field(description="answers are taken today")


class SchoolsQuery(Query):
    founder: str | None = Field(None, min_length=1, max_length=32,
                                description="one founder's schools (its code), within the caller's reach")


class SchoolProgress(Model):
    school: str = Field(description="the registration number")
    name: str
    founder: str = Field(description="the founder's code")
    status: Status = Field(description="none: nothing saved yet")
    version: int | None
    saved_at: Timestamp | None
    saved_by: str | None
    laptops: int = Field(description="the programme laptops Fleet knows at the school (at school or on loan)")


class AnswersIn(Model):
    answers: dict[str, AnswerValue] = Field(max_length=100, description=(
        "question key → answer (GET /connectivity/questionnaire); blank or null leaves a question unanswered"))
    submit: bool = Field(False, description="false: a draft, checked answer by answer; true: the submission, "
                                            "checked in full")


class SchoolAnswers(Model):
    round: str
    school: str
    name: str
    status: Status
    version: int | None
    saved_at: Timestamp | None
    saved_by: str | None
    source: Literal["form", "import"] | None
    answers: dict[str, AnswerValue]
    laptops: int = Field(description="the programme laptops Fleet knows at the school (at school or on loan)")
    open: bool = Field(description="the round takes answers today")


class Version(Model):
    version: int
    status: Literal["draft", "submitted"]
    saved_at: Timestamp
    saved_by: str
    source: Literal["form", "import"]
    answers: dict[str, AnswerValue]


class ImportedSchool(Model):
    school: str
    version: int
    status: Literal["draft", "submitted"]


class Imported(Model):
    imported: int = Field(description="the schools whose submission the file held")
    schools: list[ImportedSchool]
