"""The survey's overview and history pages, and what the survey's pages share:

- ``/connectivity`` (``web.connectivity``): the current round (its deadline, the days left) and the schools the
  reader sees with where each stands (not started, a draft, submitted; saved when and by whom; the last speed
  measurement); the ministry filters by founder; school IT of one school gets a big "fill in the survey" button.
- ``/connectivity/<round>/<school_reg>/history`` (``web.connectivity_history``): every version of a school's
  answers (when, by whom, draft or submitted, from the form or an import) and what changed from the one before.

The questionnaire itself is ``survey_form``, the import ``survey_import_page``; the domain is
``fleet.connectivity.survey``. A school outside the reader's scope is ``not_found``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import g, render_template, request
from sqlalchemy import func, select

from fleet import db
from fleet.connectivity import survey
from fleet.connectivity.questionnaire import CHOICE_LABELS, QUESTIONS, Question
from fleet.i18n import _l
from fleet.lending import pupils
from fleet.models import Founder, Measurement, School, SurveyAnswer, SurveyRound
from fleet.reports import counting
from fleet.web.blueprint import bp
from fleet.web.pages import page

STATUS_LABELS = {"none": _l("not started"), "draft": _l("draft"), "submitted": _l("submitted")}
SOURCE_LABELS = {"form": _l("the form"), "import": _l("an import")}


def today() -> date:
    """Today in Riga: a round's deadline is its last day there (as the survey's domain reads it)."""
    return counting.today()


def not_open_yet(survey_round: SurveyRound, on: date | None = None) -> bool:
    """Whether the round opens later (answers are refused until then)."""
    return (on or today()) < survey_round.opens_on


def is_closed(survey_round: SurveyRound, on: date | None = None) -> bool:
    """Whether the round's deadline has passed (answers are refused then)."""
    return (on or today()) > survey_round.deadline


def days_left(survey_round: SurveyRound, on: date | None = None) -> int:
    """Days until the deadline, the deadline day counted (0: the deadline has passed)."""
    return max((survey_round.deadline - (on or today())).days + 1, 0)


def school_by_reg(session, reg: str) -> School:
    """The school ``reg`` the reader sees (``not_found`` otherwise)."""
    return pupils.school_by_reg(session, reg, g.principal.scope)


def shown(q: Question, value: Any) -> str:
    """An answer as a person reads it: a choice by its label, yes/no, a number with its unit."""
    if value is None or value == "":
        return str(_l("not answered"))
    if q.kind == "bool":
        return str(_l("yes") if value is True else _l("no"))
    if q.kind == "choice":
        label = CHOICE_LABELS.get(str(value))
        return str(label) if label is not None else str(value)
    if q.kind in ("int", "number"):
        text = plain_number(value)
        return f"{text} {q.unit}" if q.unit is not None and q.kind != "choice" else text
    return str(value)


def plain_number(value: Any) -> str:
    """A stored number as the form shows it: ``12``, ``12.5``, never ``1e+05``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return format(value, "f").rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _last_measured(session, school_ids: list[int]) -> dict[int, datetime]:
    if not school_ids:
        return {}
    rows = session.execute(select(Measurement.school_id, func.max(Measurement.taken_at))
                           .where(Measurement.school_id.in_(school_ids)).group_by(Measurement.school_id))
    return dict(rows.all())


def _founders(session, schools: list[School]) -> list[Founder]:
    ids = sorted({s.founder_id for s in schools})
    if not ids:
        return []
    return list(session.scalars(select(Founder).where(Founder.id.in_(ids)).order_by(Founder.name)))


@bp.get("/connectivity", endpoint="connectivity")
@page("connectivity:read")
def connectivity_index():
    session = db.session()
    scope = g.principal.scope
    rounds = survey.rounds(session)
    wanted = (request.args.get("round") or "").strip()
    current = next((r for r in rounds if r.code == wanted), rounds[0] if rounds else None)
    schools = pupils.schools_of(session, scope)
    founders = _founders(session, schools) if len(schools) > 1 else []
    founder = (request.args.get("founder") or "").strip()
    if founder:
        schools = [s for s in schools if s.founder.code == founder]
    latest: dict[int, SurveyAnswer] = {}
    if current is not None:
        latest = survey.latest_by_school(session, current, None if scope.all_schools else scope.school_ids)
    rows = [(s, latest.get(s.id)) for s in schools]
    counts = {"none": 0, "draft": 0, "submitted": 0}
    for _s, answer in rows:
        counts[answer.status if answer is not None else "none"] += 1
    own = schools[0] if g.principal.school_scoped and len(g.principal.school_ids) == 1 and schools else None
    return render_template("connectivity/index.html", rounds=rounds, current=current, rows=rows, counts=counts,
                           founders=founders, founder=founder, own=own,
                           closed=current is not None and is_closed(current),
                           days=days_left(current) if current is not None else 0,
                           measured=_last_measured(session, [s.id for s in schools]),
                           status_labels=STATUS_LABELS)


def changes(newer: dict[str, Any], older: dict[str, Any] | None) -> list[tuple[Question, str, str]]:
    """(question, before, after) for each answer that differs between two versions (all answers of the first)."""
    out = []
    for q in QUESTIONS:
        before = None if older is None else older.get(q.key)
        after = newer.get(q.key)
        if before != after:
            out.append((q, shown(q, before), shown(q, after)))
    return out


@bp.get("/connectivity/<code>/<reg>/history", endpoint="connectivity_history")
@page("connectivity:read")
def connectivity_history(code: str, reg: str):
    session = db.session()
    survey_round = survey.round_by_code(session, code)
    school = school_by_reg(session, reg)
    versions = survey.history(session, g.principal.scope, survey_round, school.id)
    listed = [(v, changes(v.answers or {}, versions[i + 1].answers if i + 1 < len(versions) else None))
              for i, v in enumerate(versions)]
    return render_template("connectivity/history.html", survey_round=survey_round, school=school, listed=listed,
                           status_labels=STATUS_LABELS, source_labels=SOURCE_LABELS)
