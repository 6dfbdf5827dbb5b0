"""``/connectivity/diagnoses`` (``web.connectivity_diagnoses``): each school's diagnosis with the evidence behind it,
the costed and ranked improvement plan, and its totals against the round's budget — the connectivity report
(``fleet.reports.connectivity``) as a page, with its downloads for the milestone's report.

Whoever reads the survey reads it (``connectivity:read``) for the schools it sees: school IT its own school, a
founder manager its founders' schools, the ministry, auditors and admins every school (``?founder=`` narrows it).
``?round=CODE`` picks the survey round (default the newest). Counts only, never a pupil.
"""

from __future__ import annotations

from flask import g, render_template, request

from fleet import db
from fleet.reports import Params, Reach, build, scope
from fleet.web import report_pages as rp
from fleet.web.blueprint import bp
from fleet.web.pages import page

TABLES = ("schools", "plan", "figures", "by_founder")


def _arg(name: str) -> str | None:
    return (request.args.get(name) or "").strip() or None


@bp.get("/connectivity/diagnoses", endpoint="connectivity_diagnoses")
@page("connectivity:read")
def connectivity_diagnoses():
    session, reach = db.session(), Reach.of(g.principal.scope)
    params = Params(founder=_arg("founder"), round=_arg("round"))
    _, scope_label = scope.narrow(session, reach, params)  # a founder outside the reach: the 404 page
    report = build("connectivity", session, reach, params)
    query = "&".join(f"{k}={v}" for k, v in (("round", params.round), ("founder", params.founder)) if v)
    return render_template("connectivity/diagnoses.html", rp=rp, report=report, params=params,
                           scope_label=scope_label, founders=rp.founders(session, reach),
                           tables=[t for name in TABLES if (t := rp.table_of(report, name)) is not None],
                           summary=report.summary, query=query)
