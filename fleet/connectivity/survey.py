"""The survey's rounds and each school's answers: drafts saved as they come, the submission checked in full,
every save a new version (the history), a round's deadline kept. School IT answers for its school, a founder
manager for its schools, an admin for any; anything outside the caller's scope is ``not_found``.

(Stub: the signatures the pages, the API, the import and the report code against.)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fleet.access.policy import Scope
from fleet.models import SurveyAnswer, SurveyRound


def rounds(session: Session) -> list[SurveyRound]:
    """Every round, the newest (latest ``opens_on``) first."""
    raise NotImplementedError


def round_by_code(session: Session, code: str) -> SurveyRound:
    """The round ``code``: ``not_found`` without one."""
    raise NotImplementedError


def latest_round(session: Session) -> SurveyRound | None:
    """The newest round (None: no round yet)."""
    raise NotImplementedError


def open_round(session: Session, code: str, title: str, opens_on: date, deadline: date,
               budget: Decimal | None) -> SurveyRound:
    """A new round: ``duplicate`` for a code in use, ``invalid_input`` for a deadline before it opens or a negative
    budget."""
    raise NotImplementedError


def change_round(session: Session, code: str, *, title: str | None = None, deadline: date | None = None,
                 budget: Decimal | None = None, clear_budget: bool = False) -> SurveyRound:
    """A round's title, deadline or the plan's budget changed (the ministry)."""
    raise NotImplementedError


def current(session: Session, scope: Scope, survey_round: SurveyRound, school_id: int) -> SurveyAnswer | None:
    """The school's latest version in the round (None: nothing saved yet); ``not_found`` outside the scope."""
    raise NotImplementedError


def history(session: Session, scope: Scope, survey_round: SurveyRound, school_id: int) -> list[SurveyAnswer]:
    """Every version of the school's answers in the round, the newest first."""
    raise NotImplementedError


def save(session: Session, scope: Scope, survey_round: SurveyRound, school_id: int, answers: dict[str, Any], *,
         submit: bool, source: str = "form", today: date | None = None) -> SurveyAnswer:
    """A new version of the school's answers: a draft (checked answer by answer) or the submission (checked in
    full). Refused with ``invalid_input`` and every bad field in ``details`` (``field``, ``reason``, ``message``),
    or ``conflict`` after the round's deadline; nothing is saved then. Saving the same answers with the same status
    as the latest version adds no version and returns it."""
    raise NotImplementedError


def latest_by_school(session: Session, survey_round: SurveyRound,
                     school_ids: frozenset[int] | None) -> dict[int, SurveyAnswer]:
    """Each school's latest version in the round (``school_ids`` None: every school), in one query."""
    raise NotImplementedError


def laptops_at(session: Session, school_ids: frozenset[int] | None) -> dict[int, int]:
    """The programme laptops Fleet knows at each school (at school or on loan), in one query."""
    raise NotImplementedError
