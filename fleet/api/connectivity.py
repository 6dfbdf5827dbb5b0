"""The connectivity survey's rounds and each school's answers (``fleet.connectivity.survey``): read, saved as a
draft or submitted, the history, and a founder's CSV or XLSX import (``fleet.connectivity.survey_import``).

Reading needs ``connectivity:read``, answering ``survey:answer`` (school IT its school, a founder manager its
founder's schools, an admin any), opening and changing rounds ``connectivity:plan``. A school outside the caller's
scope is ``not_found``."""

from __future__ import annotations

from decimal import Decimal

from flask import g, request
from sqlalchemy import select

from fleet import db
from fleet.api import bp
from fleet.api.schemas import Listing
from fleet.api.schemas import connectivity as schemas
from fleet.api.schemas.common import utc_z
from fleet.connectivity import questionnaire, survey, survey_import
from fleet.errors import invalid, not_found
from fleet.http import ERROR, Raw, created, endpoint
from fleet.i18n import _l, api_locale
from fleet.lending import pupils
from fleet.models import Founder, School, SurveyAnswer, SurveyRound
from fleet.reports import counting

READ, ANSWER, PLAN = "connectivity:read", "survey:answer", "connectivity:plan"
_FILE = Raw({"multipart/form-data": {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "contentMediaType": "text/csv",
             "description": "CSV (; or , — UTF-8 with or without BOM, or Windows-1257) or XLSX: a header row "
                            "`school` + question keys, one row a school's submission"}}}},
    "a founder's file of answers")


def _round_json(r: SurveyRound) -> dict:
    today = counting.today()
    return {"code": r.code, "title": r.title, "opens_on": r.opens_on.isoformat(),
            "deadline": r.deadline.isoformat(), "budget": None if r.budget is None else f"{r.budget:.2f}",
            "open": r.opens_on <= today <= r.deadline}


def _question_json(q: questionnaire.Question, locale: str) -> dict:
    def words(text):
        return None if text is None else text.in_(locale)

    return {"key": q.key, "section": q.section, "section_label": words(questionnaire.SECTIONS[q.section]),
            "label": words(q.label), "kind": q.kind, "unit": words(q.unit), "low": q.low, "high": q.high,
            "longest": q.longest if q.kind == "text" else None,
            "choices": [{"code": c, "label": words(questionnaire.CHOICE_LABELS[c])} for c in q.choices],
            "required": q.required, "needed_if": q.needed_if, "hint": words(q.hint)}


def _budget(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@bp.get("/connectivity/questionnaire")
@endpoint(READ, answers={200: Listing[schemas.Question]})
def questionnaire_questions():
    """The survey's questions, in the questionnaire's order, in the caller's language (Accept-Language)."""
    locale = api_locale()
    return {"items": [_question_json(q, locale) for q in questionnaire.QUESTIONS], "next": None}


@bp.get("/connectivity/rounds")
@endpoint(READ, answers={200: Listing[schemas.Round]})
def list_rounds():
    """Every survey round, the newest first."""
    return {"items": [_round_json(r) for r in survey.rounds(db.session())], "next": None}


@bp.post("/connectivity/rounds")
@endpoint(PLAN, body=schemas.RoundIn, answers={201: schemas.Round, 400: ERROR, 409: ERROR})
def open_round(body: schemas.RoundIn):
    """Open a round (``duplicate`` for a code in use)."""
    session = db.session()
    made = survey.open_round(session, body.code, body.title, body.opens_on, body.deadline, _budget(body.budget))
    session.commit()
    return created(_round_json(made))


@bp.patch("/connectivity/rounds/<code>")
@endpoint(PLAN, body=schemas.RoundChange, answers={200: schemas.Round, 400: ERROR, 404: ERROR})
def change_round(code: str, body: schemas.RoundChange):
    """Change a round's title, deadline or budget (``budget: null`` clears it); only the fields sent change."""
    session = db.session()
    clear = "budget" in body.model_fields_set and body.budget is None
    changed = survey.change_round(session, code, title=body.title, deadline=body.deadline,
                                  budget=_budget(body.budget), clear_budget=clear)
    session.commit()
    return _round_json(changed)


def _schools(session, scope, founder: str | None) -> list[School]:
    query = select(School).order_by(School.name, School.registration_number)
    if not scope.all_schools:
        query = query.where(School.id.in_(sorted(scope.school_ids)))
    if founder is not None:
        found = session.scalar(select(Founder).where(Founder.code == founder))
        query = query.where(School.founder_id == (found.id if found else -1))
        rows = list(session.scalars(query))
        if found is None or not (rows or scope.all_schools):
            raise not_found("founder", founder)
        return rows
    return list(session.scalars(query))


@bp.get("/connectivity/rounds/<code>/schools")
@endpoint(READ, query=schemas.SchoolsQuery, answers={200: Listing[schemas.SchoolProgress], 404: ERROR})
def round_schools(code: str, query: schemas.SchoolsQuery):
    """Each school in the caller's reach (``?founder=`` one founder's) with its answer's status in the round."""
    session, scope = db.session(), g.principal.scope
    survey_round = survey.round_by_code(session, code)
    schools = _schools(session, scope, query.founder)
    ids = frozenset(s.id for s in schools)
    latest = survey.latest_by_school(session, survey_round, ids)
    laptops = survey.laptops_at(session, ids)
    founders = dict(session.execute(select(Founder.id, Founder.code)).all())
    items = []
    for s in schools:
        a = latest.get(s.id)
        items.append({"school": s.registration_number, "name": s.name, "founder": founders.get(s.founder_id, ""),
                      "status": a.status if a else "none", "version": a.version if a else None,
                      "saved_at": utc_z(a.saved_at) if a else None, "saved_by": a.saved_by if a else None,
                      "laptops": laptops.get(s.id, 0)})
    return {"items": items, "next": None}


def _answers_json(survey_round: SurveyRound, school: School, answer: SurveyAnswer | None, laptops: int) -> dict:
    return {"round": survey_round.code, "school": school.registration_number, "name": school.name,
            "status": answer.status if answer else "none", "version": answer.version if answer else None,
            "saved_at": utc_z(answer.saved_at) if answer else None, "saved_by": answer.saved_by if answer else None,
            "source": answer.source if answer else None, "answers": answer.answers if answer else {},
            "laptops": laptops, "open": _round_json(survey_round)["open"]}


def _found(reg: str) -> tuple:
    session = db.session()
    scope = g.principal.scope
    school = pupils.school_by_reg(session, reg, scope)
    return session, scope, school


@bp.get("/connectivity/rounds/<code>/schools/<reg>")
@endpoint(READ, answers={200: schemas.SchoolAnswers, 404: ERROR})
def school_answers(code: str, reg: str):
    """The school's latest answers in the round, their status and version, and the laptops Fleet knows there."""
    session, scope, school = _found(reg)
    survey_round = survey.round_by_code(session, code)
    answer = survey.current(session, scope, survey_round, school.id)
    laptops = survey.laptops_at(session, frozenset({school.id})).get(school.id, 0)
    return _answers_json(survey_round, school, answer, laptops)


@bp.put("/connectivity/rounds/<code>/schools/<reg>")
@endpoint(ANSWER, body=schemas.AnswersIn, answers={200: schemas.SchoolAnswers, 400: ERROR, 404: ERROR, 409: ERROR})
def save_answers(code: str, reg: str, body: schemas.AnswersIn):
    """Save the school's answers: a draft (``submit: false``) or the submission (``submit: true``). Refused with
    ``invalid_input`` naming every bad answer (``field``, ``reason``, ``message``), ``conflict`` outside the round's
    days. The same answers with the same status add no version."""
    session, scope, school = _found(reg)
    survey_round = survey.round_by_code(session, code)
    answer = survey.save(session, scope, survey_round, school.id, dict(body.answers), submit=body.submit)
    session.commit()
    laptops = survey.laptops_at(session, frozenset({school.id})).get(school.id, 0)
    return _answers_json(survey_round, school, answer, laptops)


@bp.get("/connectivity/rounds/<code>/schools/<reg>/history")
@endpoint(READ, answers={200: Listing[schemas.Version], 404: ERROR})
def school_history(code: str, reg: str):
    """Every version of the school's answers in the round, the newest first."""
    session, scope, school = _found(reg)
    survey_round = survey.round_by_code(session, code)
    return {"items": [{"version": a.version, "status": a.status, "saved_at": utc_z(a.saved_at),
                       "saved_by": a.saved_by, "source": a.source, "answers": a.answers}
                      for a in survey.history(session, scope, survey_round, school.id)], "next": None}


@bp.post("/connectivity/rounds/<code>/import")
@endpoint(ANSWER, body=_FILE, answers={200: schemas.Imported, 400: ERROR, 404: ERROR, 409: ERROR, 413: ERROR})
def import_answers(code: str):
    """Multipart ``file``: a founder's CSV or XLSX, one row a school's submission; all or nothing (every bad line
    in the error's details: ``line``, ``field``, ``reason``, ``message``)."""
    session = db.session()
    survey_round = survey.round_by_code(session, code)
    upload = request.files.get("file")
    if upload is None:
        raise invalid(_l("a CSV or XLSX file is required (multipart field 'file')"), [{"field": "file"}])
    done = survey_import.import_answers(session, g.principal.scope, survey_round,
                                        upload.read(survey_import.MAX_BYTES + 1), upload.filename or "file")
    session.commit()
    return {"imported": len(done.answers),
            "schools": [{"school": s.registration_number, "version": a.version, "status": a.status}
                        for s, a in done.answers]}
