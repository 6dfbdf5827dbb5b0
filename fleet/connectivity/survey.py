"""The survey's rounds and each school's answers: drafts saved as they come, the submission checked in full,
every save a new version (the history), a round's deadline kept. School IT answers for its school, a founder
manager for its schools, an admin for any; anything outside the caller's scope is ``not_found``.

The functions flush; the caller commits. Two saves for one school at once: the school's row is locked (``SELECT …
FOR UPDATE`` on PostgreSQL) before the next version number is read, and the unique (round, school, version)
constraint turns any race left into a clean ``conflict``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fleet.access.policy import Scope
from fleet.connectivity import questionnaire
from fleet.errors import FleetError, invalid, not_found
from fleet.i18n import _l
from fleet.models import Device, School, SurveyAnswer, SurveyRound
from fleet.reports import counting

LAPTOP_STATUSES = ("at_school", "on_loan")
MAX_CODE, MAX_TITLE, MAX_SAVED_BY = 20, 200, 100
MAX_BUDGET = Decimal("999999999999.99")  # Numeric(14, 2)


def rounds(session: Session) -> list[SurveyRound]:
    """Every round, the newest (latest ``opens_on``) first."""
    return list(session.scalars(select(SurveyRound).order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())))


def round_by_code(session: Session, code: str) -> SurveyRound:
    """The round ``code``: ``not_found`` without one."""
    found = session.scalars(select(SurveyRound).where(SurveyRound.code == code)).first()
    if found is None:
        raise FleetError("not_found", _l("survey round %(code)s not found", code=repr(code)), {"ref": code})
    return found


def latest_round(session: Session) -> SurveyRound | None:
    """The newest round (None: no round yet)."""
    return session.scalars(select(SurveyRound).order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())).first()


def _checked_title(title: str) -> str:
    title = (title or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise invalid(_l("a round's title is 1 to %(n)s characters", n=MAX_TITLE), {"field": "title"})
    return title


def _checked_budget(budget: Decimal | None) -> Decimal | None:
    if budget is None:
        return None
    if not budget.is_finite() or budget < 0 or budget > MAX_BUDGET:
        raise invalid(_l("the budget is an amount in EUR, 0 or more"), {"field": "budget"})
    return budget.quantize(Decimal("0.01"))


def _checked_dates(opens_on: date, deadline: date) -> None:
    if deadline < opens_on:
        raise invalid(_l("the deadline (%(deadline)s) is before the round opens (%(opens)s)",
                         deadline=deadline.isoformat(), opens=opens_on.isoformat()), {"field": "deadline"})


def open_round(session: Session, code: str, title: str, opens_on: date, deadline: date,
               budget: Decimal | None) -> SurveyRound:
    """A new round: ``duplicate`` for a code in use, ``invalid_input`` for a deadline before it opens or a negative
    budget."""
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE or any(c.isspace() or c == "/" for c in code):
        raise invalid(_l("a round's code is 1 to %(n)s characters, no spaces or slashes", n=MAX_CODE),
                      {"field": "code"})
    title = _checked_title(title)
    _checked_dates(opens_on, deadline)
    budget = _checked_budget(budget)
    if session.scalars(select(SurveyRound.id).where(SurveyRound.code == code)).first() is not None:
        raise FleetError("duplicate", _l("a survey round %(code)s exists already", code=repr(code)), {"ref": code})
    survey_round = SurveyRound(code=code, title=title, opens_on=opens_on, deadline=deadline, budget=budget)
    session.add(survey_round)
    session.flush()
    return survey_round


def change_round(session: Session, code: str, *, title: str | None = None, deadline: date | None = None,
                 budget: Decimal | None = None, clear_budget: bool = False) -> SurveyRound:
    """A round's title, deadline or the plan's budget changed (the ministry)."""
    survey_round = round_by_code(session, code)
    if title is not None:
        survey_round.title = _checked_title(title)
    if deadline is not None:
        _checked_dates(survey_round.opens_on, deadline)
        survey_round.deadline = deadline
    if clear_budget:
        survey_round.budget = None
    elif budget is not None:
        survey_round.budget = _checked_budget(budget)
    session.flush()
    return survey_round


def _school(session: Session, scope: Scope, school_id: int, *, lock: bool = False) -> School:
    """The school, when the caller's scope holds it; ``not_found`` otherwise (as for a school that is not)."""
    query = select(School).where(School.id == school_id)
    school = session.scalars(query.with_for_update() if lock else query).first()
    if school is None or not scope.sees_school(school.id):
        reg = school.registration_number if school is not None else str(school_id)
        raise not_found("school", reg)
    return school


def _latest(session: Session, survey_round: SurveyRound, school_id: int) -> SurveyAnswer | None:
    return session.scalars(
        select(SurveyAnswer).where(SurveyAnswer.round_id == survey_round.id, SurveyAnswer.school_id == school_id)
        .order_by(SurveyAnswer.version.desc()).limit(1)).first()


def current(session: Session, scope: Scope, survey_round: SurveyRound, school_id: int) -> SurveyAnswer | None:
    """The school's latest version in the round (None: nothing saved yet); ``not_found`` outside the scope."""
    _school(session, scope, school_id)
    return _latest(session, survey_round, school_id)


def history(session: Session, scope: Scope, survey_round: SurveyRound, school_id: int) -> list[SurveyAnswer]:
    """Every version of the school's answers in the round, the newest first."""
    _school(session, scope, school_id)
    return list(session.scalars(
        select(SurveyAnswer).where(SurveyAnswer.round_id == survey_round.id, SurveyAnswer.school_id == school_id)
        .order_by(SurveyAnswer.version.desc())))


def refused(problems: list[questionnaire.Problem], *, submit: bool) -> FleetError:
    """``invalid_input`` naming every refused answer (``field``, ``reason``, ``message``)."""
    message = (_l("the answers cannot be submitted: %(n)s answer(s) to correct", n=len(problems)) if submit
               else _l("the draft cannot be saved: %(n)s answer(s) to correct", n=len(problems)))
    return invalid(message, [p.as_detail() for p in problems])


def check_open(survey_round: SurveyRound, today: date | None = None) -> None:
    """``conflict`` when the round takes no answers on ``today`` (Riga): before it opens or after its deadline."""
    today = today or counting.today()
    if today > survey_round.deadline:
        raise FleetError("conflict", _l("the round %(code)s closed on %(deadline)s; answers are no longer taken",
                                        code=survey_round.code, deadline=survey_round.deadline.isoformat()),
                         {"deadline": survey_round.deadline.isoformat()})
    if today < survey_round.opens_on:
        raise FleetError("conflict", _l("the round %(code)s opens on %(opens)s; answers are not taken yet",
                                        code=survey_round.code, opens=survey_round.opens_on.isoformat()),
                         {"opens_on": survey_round.opens_on.isoformat()})


def save(session: Session, scope: Scope, survey_round: SurveyRound, school_id: int, answers: dict[str, Any], *,
         submit: bool, source: str = "form", today: date | None = None,
         saved_by: str | None = None) -> SurveyAnswer:
    """A new version of the school's answers: a draft (checked answer by answer) or the submission (checked in
    full). Refused with ``invalid_input`` and every bad field in ``details`` (``field``, ``reason``, ``message``),
    or ``conflict`` after the round's deadline; nothing is saved then. Saving the same answers with the same status
    as the latest version adds no version and returns it. ``saved_by``: who, as the history shows it (default: the
    caller's name)."""
    today = today or counting.today()
    if not isinstance(answers, dict):
        raise invalid(_l("the answers are an object of question keys to answers"), {"field": "answers"})
    _school(session, scope, school_id)  # not_found first: nothing about another school's round is told
    check_open(survey_round, today)
    clean, problems = questionnaire.check(answers, complete=submit, today=today)
    if problems:
        raise refused(problems, submit=submit)
    _school(session, scope, school_id, lock=True)  # one save per school at a time (PostgreSQL)
    status = "submitted" if submit else "draft"
    latest = _latest(session, survey_round, school_id)
    if latest is not None and latest.status == status and latest.answers == clean:
        return latest
    answer = SurveyAnswer(round_id=survey_round.id, school_id=school_id,
                          version=(latest.version if latest else 0) + 1, status=status, answers=clean,
                          source=source, saved_by=(saved_by or scope.actor)[:MAX_SAVED_BY])
    try:
        with session.begin_nested():
            session.add(answer)
    except IntegrityError:
        raise FleetError("conflict", _l("the answers were saved by someone else at the same moment; nothing was "
                                        "saved, reload and try again")) from None
    return answer


def latest_by_school(session: Session, survey_round: SurveyRound,
                     school_ids: frozenset[int] | None) -> dict[int, SurveyAnswer]:
    """Each school's latest version in the round (``school_ids`` None: every school), in one query."""
    newest = (select(SurveyAnswer.school_id, func.max(SurveyAnswer.version).label("version"))
              .where(SurveyAnswer.round_id == survey_round.id).group_by(SurveyAnswer.school_id))
    if school_ids is not None:
        if not school_ids:
            return {}
        newest = newest.where(SurveyAnswer.school_id.in_(sorted(school_ids)))
    newest = newest.subquery()
    query = select(SurveyAnswer).join(
        newest, (SurveyAnswer.school_id == newest.c.school_id) & (SurveyAnswer.version == newest.c.version)
    ).where(SurveyAnswer.round_id == survey_round.id)
    return {a.school_id: a for a in session.scalars(query)}


def laptops_at(session: Session, school_ids: frozenset[int] | None) -> dict[int, int]:
    """The programme laptops Fleet knows at each school (at school or on loan), in one query."""
    query = (select(Device.school_id, func.count()).where(Device.status.in_(LAPTOP_STATUSES),
                                                          Device.school_id.is_not(None))
             .group_by(Device.school_id))
    if school_ids is not None:
        if not school_ids:
            return {}
        query = query.where(Device.school_id.in_(sorted(school_ids)))
    return dict(session.execute(query).all())
