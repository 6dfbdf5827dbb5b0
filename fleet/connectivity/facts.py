"""What the connectivity report knows of each school in scope (``analysis.Facts``): its name, its founder, its
latest *submitted* answers in the round (a later draft does not hide the submission; None: never submitted),
the programme laptops Fleet knows at it (at school or on loan), and its measurements of the ``recent_days`` up
to the end of ``as_of`` (Riga time) — read in a constant number of queries whatever the number of schools.

No pupil is read: the answers hold counts only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fleet.connectivity.analysis import Facts, Sample, Thresholds
from fleet.models import Device, Founder, Measurement, School, SurveyAnswer, SurveyRound
from fleet.reports.counting import end_of

LAPTOP_STATUSES = ("at_school", "on_loan")


def _within(column, school_ids: frozenset[int] | None):
    """``column IN school_ids`` (None: no condition); an empty scope matches nothing."""
    if school_ids is None:
        return None
    return column.in_(sorted(school_ids) or [-1])


def _where(query, column, school_ids: frozenset[int] | None):
    condition = _within(column, school_ids)
    return query if condition is None else query.where(condition)


def schools(session: Session, school_ids: frozenset[int] | None) -> list[tuple]:
    """(id, name, registration number, founder's code, founder's name) of each school in scope, by founder and
    name."""
    query = (select(School.id, School.name, School.registration_number, Founder.code, Founder.name)
             .join(Founder, Founder.id == School.founder_id))
    query = _where(query, School.id, school_ids)
    return list(session.execute(query.order_by(Founder.name, School.name, School.id)).all())


def submitted(session: Session, survey_round: SurveyRound | None,
              school_ids: frozenset[int] | None) -> dict[int, dict]:
    """Each school's latest submitted answers in the round (one query)."""
    if survey_round is None:
        return {}
    latest = (select(SurveyAnswer.school_id, func.max(SurveyAnswer.version).label("version"))
              .where(SurveyAnswer.round_id == survey_round.id, SurveyAnswer.status == "submitted"))
    latest = _where(latest, SurveyAnswer.school_id, school_ids).group_by(SurveyAnswer.school_id).subquery()
    query = (select(SurveyAnswer.school_id, SurveyAnswer.answers)
             .join(latest, (latest.c.school_id == SurveyAnswer.school_id) & (latest.c.version == SurveyAnswer.version))
             .where(SurveyAnswer.round_id == survey_round.id))
    return {school_id: dict(answers or {}) for school_id, answers in session.execute(query)}


def laptops(session: Session, school_ids: frozenset[int] | None) -> dict[int, int]:
    """The programme laptops at each school or on loan from it (one query)."""
    query = (select(Device.school_id, func.count()).where(Device.status.in_(LAPTOP_STATUSES),
                                                          Device.school_id.is_not(None)))
    query = _where(query, Device.school_id, school_ids).group_by(Device.school_id)
    return dict(session.execute(query).all())


def samples(session: Session, school_ids: frozenset[int] | None, as_of: date,
            recent_days: float) -> dict[int, list[Sample]]:
    """Each school's measurements from ``recent_days`` before the end of ``as_of`` to that end, oldest first
    (one query)."""
    until = end_of(as_of)
    since = until - timedelta(days=recent_days)
    query = (select(Measurement.school_id, Measurement.taken_at, Measurement.download_mbps, Measurement.upload_mbps,
                    Measurement.latency_ms, Measurement.jitter_ms, Measurement.link)
             .where(Measurement.taken_at >= since, Measurement.taken_at < until))
    query = _where(query, Measurement.school_id, school_ids).order_by(Measurement.school_id, Measurement.taken_at,
                                                                       Measurement.id)
    out: dict[int, list[Sample]] = defaultdict(list)
    for school_id, taken_at, down, up, latency, jitter, link in session.execute(query):
        out[school_id].append(Sample(taken_at, down, up, latency, jitter, link))
    return out


def load(session: Session, school_ids: frozenset[int] | None, survey_round: SurveyRound | None, as_of: date,
         thresholds: Thresholds) -> list[Facts]:
    """Every school in scope (``school_ids`` None: every school) with what is known of it, in four queries."""
    answers = submitted(session, survey_round, school_ids)
    known = laptops(session, school_ids)
    measured = samples(session, school_ids, as_of, thresholds.recent_days)
    return [Facts(school_id=sid, school=name, registration_number=reg, founder_code=code, founder=founder,
                  answers=answers.get(sid), laptops=int(known.get(sid, 0)), samples=tuple(measured.get(sid, ())))
            for sid, name, reg, code, founder in schools(session, school_ids)]
