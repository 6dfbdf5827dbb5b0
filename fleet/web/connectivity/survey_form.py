"""A school's questionnaire, ``/connectivity/<round>/<school_reg>`` (``web.connectivity_survey``): the questions of
``fleet.connectivity.questionnaire`` in their sections, each with its label, unit and hint, prefilled with the
school's latest version; "Save draft" (checked answer by answer) and "Submit" (checked in full). A refused save
re-renders what was typed with an error summary at the top and each field's reason beside it, and saves nothing.
After the deadline, and for the roles that only read (the ministry, auditors), the answers are shown, not a form.
"""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for

from fleet import db
from fleet.access import policy
from fleet.connectivity import survey
from fleet.connectivity.questionnaire import BY_KEY, CHOICE_LABELS, QUESTIONS, SECTIONS
from fleet.errors import FleetError
from fleet.i18n import _, _l
from fleet.models import School, SurveyRound
from fleet.web.blueprint import bp
from fleet.web.connectivity.survey_pages import (
    SOURCE_LABELS,
    STATUS_LABELS,
    days_left,
    is_closed,
    not_open_yet,
    plain_number,
    school_by_reg,
    shown,
)
from fleet.web.pages import page

RADIOS_UP_TO = 4  # a choice of at most this many options is radios (one tap on a phone); more is a select


def form_value(value: Any) -> str:
    """A stored answer as the form's field holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return plain_number(value)


def _sections() -> list[tuple[str, Any, list]]:
    return [(key, title, [q for q in QUESTIONS if q.section == key]) for key, title in SECTIONS.items()]


def _options() -> dict[str, list[tuple[str, Any]]]:
    """(value, label) of each yes/no question's and each choice's options."""
    out: dict[str, list[tuple[str, Any]]] = {}
    for q in QUESTIONS:
        if q.kind == "bool":
            out[q.key] = [("yes", _l("yes")), ("no", _l("no"))]
        elif q.kind == "choice":
            out[q.key] = [(code, CHOICE_LABELS[code]) for code in q.choices]
    return out


def _bounds() -> dict[str, tuple[str, str]]:
    return {q.key: (plain_number(q.low), plain_number(q.high)) for q in QUESTIONS if q.kind in ("int", "number")}


def _field_errors(refusal: FleetError | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    details = refusal.details if refusal is not None and isinstance(refusal.details, list) else []
    for d in details:
        if isinstance(d, dict) and d.get("field"):
            out.setdefault(str(d["field"]), []).append(str(d.get("message", "")))
    return out


def _survey_page(survey_round: SurveyRound, school: School, values: dict[str, str] | None = None,
                 refusal: FleetError | None = None, status: int = 200):
    session = db.session()
    scope = g.principal.scope
    latest = survey.current(session, scope, survey_round, school.id)
    closed = is_closed(survey_round)
    later = not_open_yet(survey_round)
    may_answer = policy.allows(g.principal, "survey:answer")
    if values is None:
        values = {q.key: form_value((latest.answers or {}).get(q.key)) for q in QUESTIONS} if latest else {}
    errors = _field_errors(refusal) if refusal is not None and refusal.code == "invalid_input" else {}
    other = refusal if refusal is not None and not errors else None
    answers = (latest.answers or {}) if latest is not None else {}
    return render_template("connectivity/survey.html", survey_round=survey_round, school=school, latest=latest,
                           sections=_sections(), values=values, errors=errors, refusal=other,
                           editable=may_answer and not closed and not later, closed=closed, later=later,
                           days=days_left(survey_round),
                           laptops=survey.laptops_at(session, frozenset({school.id})).get(school.id, 0),
                           shown={q.key: shown(q, answers.get(q.key)) for q in QUESTIONS},
                           choice_labels=CHOICE_LABELS, opts=_options(), bounds=_bounds(), by_key=BY_KEY,
                           radios_up_to=RADIOS_UP_TO, status_labels=STATUS_LABELS,
                           source_labels=SOURCE_LABELS, submitted=request.method == "POST" and errors), status


@bp.get("/connectivity/<code>/<reg>", endpoint="connectivity_survey")
@page("connectivity:read")
def connectivity_survey(code: str, reg: str):
    session = db.session()
    survey_round = survey.round_by_code(session, code)
    return _survey_page(survey_round, school_by_reg(session, reg))


@bp.post("/connectivity/<code>/<reg>", endpoint="connectivity_survey_save")
@page("survey:answer")
def connectivity_survey_save(code: str, reg: str):
    session = db.session()
    survey_round = survey.round_by_code(session, code)
    school = school_by_reg(session, reg)
    submit = request.form.get("action") == "submit"
    values = {q.key: (request.form.get(q.key) or "").strip() for q in QUESTIONS}
    try:
        saved = survey.save(session, g.principal.scope, survey_round, school.id, dict(values), submit=submit,
                            source="form")
        session.commit()
    except FleetError as e:
        session.rollback()
        return _survey_page(survey.round_by_code(session, code), school_by_reg(session, reg), values, e, e.status)
    if saved.status == "submitted":
        flash(_("Submitted. Thank you: the answers of %(school)s are in.", school=school.name), "ok")
    else:
        flash(_("Draft saved. It is not submitted yet: submit it when every answer is in."), "ok")
    return redirect(url_for("web.connectivity_survey", code=survey_round.code, reg=school.registration_number), 303)
