"""A founder's import of the answers it collected, ``/connectivity/<round>/import`` (``web.connectivity_import``,
``survey:answer``): a CSV or XLSX file, one line per school; all or nothing — a bad file lists every bad line with
its number, the column and the reason in the page's language (the layout's refusal block) and nothing is saved.
The page shows the expected columns and offers a template, ``/connectivity/<round>/template.csv`` (the header row
and one example line). The reading and the checks are ``fleet.connectivity.survey_import``'s.
"""

from __future__ import annotations

import csv
import io
import re

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import ngettext

from fleet import db
from fleet.connectivity import survey, survey_import
from fleet.connectivity.questionnaire import CHOICE_LABELS, QUESTIONS
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.web.blueprint import bp
from fleet.web.connectivity.survey_pages import is_closed
from fleet.web.pages import page

# The template's example line: a school of 420 pupils on fibre (the registration number is a placeholder).
EXAMPLE = {"school": "4313900000", "uplink_technology": "fibre", "provider": "Tet",
           "contracted_down_mbps": "500", "contracted_up_mbps": "100", "monthly_cost_eur": "120",
           "backup_line": "yes", "backup_technology": "mobile", "outages_last_year": "3", "switches": "6",
           "switch_uplink_mbps": "1000", "access_points": "18", "wifi_standard": "wifi5", "classrooms": "30",
           "classrooms_covered": "26", "cabling_year": "2012", "maintained_by": "founder", "school_level": "secondary",
           "pupils": "420", "staff": "55", "peak_devices": "180", "problems": "Wi-Fi slow in the gym"}


def _columns() -> list[str]:
    return ["school", *(q.key for q in QUESTIONS)]


def _import_page(survey_round, refusal: FleetError | None = None, status: int = 200):
    rows = [(q, [(c, CHOICE_LABELS[c]) for c in q.choices]) for q in QUESTIONS]
    return render_template("connectivity/import.html", survey_round=survey_round, columns=_columns(), rows=rows,
                           closed=is_closed(survey_round), refusal=refusal), status


@bp.get("/connectivity/<code>/import", endpoint="connectivity_import")
@page("survey:answer")
def connectivity_import(code: str):
    return _import_page(survey.round_by_code(db.session(), code))


@bp.post("/connectivity/<code>/import", endpoint="connectivity_import_save")
@page("survey:answer")
def connectivity_import_save(code: str):
    session = db.session()
    survey_round = survey.round_by_code(session, code)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise invalid(_l("choose the file with the answers (CSV or XLSX)"),
                          [{"field": "file", "message": _l("is required")}])
        done = survey_import.import_answers(session, g.principal.scope, survey_round, upload.read(),
                                            upload.filename)
        session.commit()
    except FleetError as e:
        session.rollback()
        return _import_page(survey.round_by_code(session, code), e, e.status)
    flash(ngettext("Imported: the answers of %(num)d school submitted.",
                   "Imported: the answers of %(num)d schools submitted.", len(done.answers)), "ok")
    return redirect(url_for("web.connectivity", round=survey_round.code), 303)


@bp.get("/connectivity/<code>/template.csv", endpoint="connectivity_template")
@page("survey:answer")
def connectivity_template(code: str):
    survey_round = survey.round_by_code(db.session(), code)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    columns = _columns()
    writer.writerow(columns)
    writer.writerow([EXAMPLE.get(c, "") for c in columns])
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", survey_round.code)  # (a header carries no quote of a round's code)
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="survey-{name}-template.csv"'})
