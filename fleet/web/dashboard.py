"""``/dashboard``: the programme's figures for the ministry, founder managers, auditors and admins
(``reports:read``) — both targets with the count achieved by each date, the milestone chart, progress by
founder (a table sorted by ``?sort=``, in place by ``dashboard.js``, and a bar chart), the pipeline, the
exceptions as links to the lists behind them, downloads of every report, and how fresh the figures are.

``?founder=CODE`` narrows the page to one founder (``fleet.reports.scope.narrow``: outside the reader's reach
it is the 404 page); a founder manager sees its own schools only and no picker. Counts only, never a pupil.

``/dashboard/lists/<name>``: one list behind an exception (``fleet.reports.lists.LISTS``), paged by keyset
(``?after=``, a "next page" link). What the page shows is worked out in ``fleet.web.report_pages``.
"""

from __future__ import annotations

from flask import current_app, g, render_template, request

from fleet import db, paging
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.reports import Params, Reach, lists, scope
from fleet.web import report_pages as rp
from fleet.web.blueprint import bp
from fleet.web.pages import page

PAGE_SIZE = 50
DAYS = {"unsigned": 30, "not_seen": 90}  # the dashboard's exceptions: older than / not seen for


def _params() -> Params:
    return Params(founder=(request.args.get("founder") or "").strip() or None)


@bp.get("/dashboard", endpoint="dashboard")
@page("reports:read")
def dashboard():
    session, reach, params = db.session(), Reach.of(g.principal.scope), _params()
    _, scope_label = scope.narrow(session, reach, params)  # a founder outside the reach: the 404 page
    built = rp.panels(session, reach, params)
    milestones = built["milestones"].report
    by_founder = rp.table_of(milestones, "by_founder")
    sort = request.args.get("sort")
    rows, sort_key, descending = rp.sort_rows(by_founder, sort, "-provided") if by_founder else ([], "", False)
    return render_template(
        "dashboard/dashboard.html", rp=rp, built=built, params=params, scope_label=scope_label,
        founders=rp.founders(session, reach), targets=rp.targets(milestones), milestones=milestones,
        line=rp.line_chart(milestones), bars=rp.founder_bars(milestones), by_founder=by_founder,
        founder_rows=rows, sort_key=sort_key, descending=descending,
        monthly=rp.table_of(milestones, "monthly"), exceptions=rp.exception_counts(built),
        refreshed_at=rp.refreshed(session, built), every=current_app.config["FLEET"].rollup_seconds,
        days=DAYS)


def _int_arg(name: str, default: int | None) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) > paging.MAX_ROW_ID:
        raise invalid(_l("%(field)s must be a whole number", field=name), [{"field": name}])
    return int(raw)


@bp.get("/dashboard/lists/<name>", endpoint="dashboard_list")
@page("reports:read")
def dashboard_list(name: str):
    spec = lists.LISTS.get(name)
    if spec is None:
        raise FleetError("not_found", _l("no list is called %(name)s", name=name), {"field": "name"})
    session, reach, params = db.session(), Reach.of(g.principal.scope), _params()
    school_ids, scope_label = scope.narrow(session, reach, params)
    days = lists.check_days(request.args.get("days", "").strip(), spec.default_days)
    after = _int_arg("after", None)
    rows, next_after = spec.fn(session, reach, school_ids, days, PAGE_SIZE, after)
    return render_template("dashboard/list.html", rp=rp, name=name, title=spec.title, columns=spec.columns, rows=rows,
                           next_after=next_after, params=params, scope_label=scope_label, days=days,
                           first_page=after is None)
