"""The plan's settings, ``/connectivity/settings`` (``web.connectivity_settings``, ``connectivity:plan``: the ministry
and admins): the survey's rounds (open a new one; change a round's deadline and the plan's budget), the price table
(each measure's price) and the analysis's thresholds (each with its meaning and default). Each form saves all or
nothing; a refused value is shown beside its field and nothing of that form is saved.

The domain: ``fleet.connectivity.survey`` (rounds) and ``fleet.connectivity.settings`` (prices, thresholds).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from fleet import db
from fleet.connectivity import plan, settings, survey
from fleet.connectivity.analysis import Thresholds
from fleet.errors import FleetError
from fleet.i18n import _, _l
from fleet.reports.connectivity import MEASURE_WORDS, UNIT_WORDS
from fleet.web.blueprint import bp
from fleet.web.connectivity.survey_pages import plain_number
from fleet.web.pages import page

# What each threshold means, for the ministry that sets it (the defaults: fleet.connectivity.analysis.Thresholds).
MEANINGS = {
    "compliance_ratio": _l("The provider is compliant when it delivers at least this share of the contracted "
                           "download speed (0.8 = 80%)."),
    "per_pupil_mbps": _l("Internet bandwidth a school needs per pupil, Mbit/s."),
    "primary_down_mbps": _l("The least download speed of a primary school's connection, Mbit/s."),
    "primary_up_mbps": _l("The least upload speed of a primary school's connection, Mbit/s."),
    "secondary_down_mbps": _l("The least download speed of a secondary school's connection, Mbit/s."),
    "secondary_up_mbps": _l("The least upload speed of a secondary school's connection, Mbit/s."),
    "wifi_ratio": _l("Wi-Fi slower than this share of the cable's speed points to the network inside the school."),
    "peak_ratio": _l("The busiest lessons slower than this share of the other hours point to congestion."),
    "unstable_cv": _l("The download speed varying more than this (coefficient of variation) is unstable."),
    "unstable_latency_ms": _l("Latency (90th percentile) above this many milliseconds is unstable."),
    "recent_days": _l("Measurements older than this many days do not count."),
    "min_samples": _l("Fewer measurements than this tell nothing about congestion or stability."),
    "peak_from_hour": _l("The busiest lessons begin at this hour (Riga time, weekdays)."),
    "peak_to_hour": _l("The busiest lessons end at this hour (Riga time, weekdays)."),
    "cabling_max_age_years": _l("Cabling older than this many years is replaced when the inside network is at fault."),
}
FORMS = ("new_round", "round", "prices", "thresholds")


def decimal_of(text: str) -> Decimal | None:
    """A sum as people type it (``1 200 000,50``): None for a blank; ``ValueError`` for anything else."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def date_of(text: str) -> date:
    return date.fromisoformat(text.strip())


class Refused(Exception):
    """A form's values refused: field → message (nothing of the form is saved)."""

    def __init__(self, errors: dict[str, Any]):
        super().__init__("refused")
        self.errors = errors


def _settings_page(form: str | None = None, errors: dict[str, Any] | None = None, values: dict[str, str] | None = None,
                   status: int = 200):
    session = db.session()
    defaults = asdict(Thresholds())
    return render_template("connectivity/settings.html", rounds=survey.rounds(session),
                           prices=settings.prices(session), thresholds=asdict(settings.thresholds(session)),
                           defaults=defaults, meanings=MEANINGS, measures=plan.MEASURES,
                           measure_words=MEASURE_WORDS, unit_words=UNIT_WORDS, plain=plain_number,
                           form=form, errors=errors or {}, values=values or {}), status


@bp.get("/connectivity/settings", endpoint="connectivity_settings")
@page("connectivity:plan")
def connectivity_settings():
    return _settings_page()


def _field(errors: dict[str, Any], name: str, parse, text: str):
    try:
        return parse(text)
    except (ValueError, TypeError):
        errors[name] = _l("not a valid value: %(value)s", value=text[:40] or "—")
        return None


def _new_round(session, form) -> str:
    errors: dict[str, Any] = {}
    code, title = form.get("code", "").strip(), form.get("title", "").strip()
    for name in ("code", "title", "opens_on", "deadline"):
        if not form.get(name, "").strip():
            errors[name] = _l("an answer is needed")
    opens_on = _field(errors, "opens_on", date_of, form.get("opens_on", "")) if "opens_on" not in errors else None
    deadline = _field(errors, "deadline", date_of, form.get("deadline", "")) if "deadline" not in errors else None
    budget = _field(errors, "budget", decimal_of, form.get("budget", ""))
    if errors:
        raise Refused(errors)
    try:
        survey.open_round(session, code, title, opens_on, deadline, budget)
    except FleetError as e:
        raise Refused(_errors_of(e, "code" if e.code == "duplicate" else "deadline")) from None
    return _("Round %(code)s opened.", code=code)


def _change_round(session, form) -> str:
    code = form.get("code", "")
    errors: dict[str, Any] = {}
    deadline = _field(errors, "deadline", date_of, form.get("deadline", ""))
    budget = _field(errors, "budget", decimal_of, form.get("budget", ""))
    if errors:
        raise Refused(errors)
    try:
        survey.change_round(session, code, deadline=deadline, budget=budget, clear_budget=budget is None)
    except FleetError as e:
        if e.code == "not_found":
            raise
        raise Refused(_errors_of(e, "deadline")) from None
    return _("Round %(code)s changed.", code=code)


def _errors_of(e: FleetError, default_field: str) -> dict[str, Any]:
    """field → message from a refusal's details (those naming a field), else the whole message on ``default_field``."""
    out: dict[str, Any] = {}
    details = e.details if isinstance(e.details, list) else [e.details] if isinstance(e.details, dict) else []
    for d in details:
        if isinstance(d, dict) and d.get("field"):
            out[str(d["field"])] = d.get("message") or e.text or e.message
    return out or {default_field: e.text or e.message}


def _save_each(session, form, fields: list[tuple[str, str, Any]], parse, save) -> int:
    """Each (key, form field, value in force) whose new value differs, saved in a savepoint of its own; every refusal
    is gathered beside its field (``Refused``), and then nothing is kept. The number changed."""
    errors: dict[str, Any] = {}
    changed = 0
    for key, name, current in fields:
        if not form.get(name, "").strip():
            errors[name] = _l("an answer is needed")
            continue
        value = _field(errors, name, parse, form.get(name, ""))
        if value is None or value == current:
            continue
        try:
            with session.begin_nested():
                save(session, key, value)
            changed += 1
        except FleetError as e:
            errors[name] = e.text or e.message
    if errors:
        raise Refused(errors)
    return changed


def _prices(session, form) -> str:
    current = settings.prices(session)
    fields = [(m, f"price_{m}", current[m].unit_price if m in current else None) for m in plan.MEASURES]
    changed = _save_each(session, form, fields, decimal_of, settings.set_price)
    return _("Prices saved (%(n)s changed).", n=changed)


def _thresholds(session, form) -> str:
    current = asdict(settings.thresholds(session))
    fields = [(key, f"t_{key}", value) for key, value in current.items()]
    changed = _save_each(session, form, fields, lambda t: float(decimal_of(t)), settings.set_threshold)
    return _("Thresholds saved (%(n)s changed).", n=changed)


SAVERS = {"new_round": _new_round, "round": _change_round, "prices": _prices, "thresholds": _thresholds}


@bp.post("/connectivity/settings", endpoint="connectivity_settings_save")
@page("connectivity:plan")
def connectivity_settings_save():
    session = db.session()
    form = request.form.get("form", "")
    if form not in SAVERS:
        return _settings_page(status=400)
    try:
        done = SAVERS[form](session, request.form)
        session.commit()
    except Refused as e:
        session.rollback()
        return _settings_page(form, e.errors, request.form.to_dict(), 400)
    except FleetError:
        session.rollback()
        raise
    flash(done, "ok")
    return redirect(url_for("web.connectivity_settings") + f"#{'rounds' if 'round' in form else form}", 303)
