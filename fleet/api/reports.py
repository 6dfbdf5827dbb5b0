"""The programme's reports (``fleet.reports``): the list of them, each as JSON, as a file (CSV of one table,
XLSX, a PDF with charts; exports, recorded in the access log), and the paged lists behind the exceptions.

Counts only, never a pupil. A reader sees the schools of its reach (``fleet.reports.Reach``): every school
for the ministry, auditors and admins, a founder manager its founders' schools; a founder or school outside
it is ``not_found``."""

from __future__ import annotations

from flask import Response, g
from flask_babel import force_locale

from fleet import db
from fleet.api import bp, render
from fleet.api.schemas import Listing, Page
from fleet.api.schemas import reports as schemas
from fleet.errors import FleetError, invalid
from fleet.http import ERROR, File, disposition, endpoint
from fleet.i18n import LOCALES, _l, api_locale, current_locale
from fleet.reports import TITLES as REPORT_TITLES
from fleet.reports import Params, Reach, build, files, names, scope
from fleet.reports import render as shaped

FOUND = {404: ERROR}
EXPORT = File(tuple(files.FORMATS.values()), "the report as the URL's extension says: csv (one table), xlsx, pdf")
LIST_PREFIX = "/api/v1/reports/lists/"


def _lists() -> dict:
    from fleet.reports import lists

    return lists.LISTS


def _params(query: schemas.ReportQuery) -> Params:
    return Params(as_of=query.as_of, founder=query.founder, school=query.school, round=query.round)


def _reach() -> Reach:
    return Reach.of(g.principal.scope)


@bp.get("/reports")
@endpoint("reports:read", answers={200: Listing[schemas.ReportInfo]})
def list_reports():
    """The reports the caller may read, each with its formats and links; then the lists behind their
    exceptions (paged JSON)."""
    lang = api_locale()
    items = []
    for name in names():
        links = {"json": f"/api/v1/reports/{name}"} | {fmt: f"/api/v1/reports/{name}.{fmt}" for fmt in files.FORMATS}
        items.append({"name": name, "title": shaped.say(REPORT_TITLES[name], lang), "kind": "report",
                      "formats": list(links), "links": links})
    for name, spec in sorted(_lists().items()):
        items.append({"name": name, "title": shaped.say(spec.title, lang), "kind": "list", "formats": ["json"],
                      "links": {"json": LIST_PREFIX + name}})
    return render.listing(items)


@bp.get("/reports/<name>")
@endpoint("reports:read", query=schemas.ReportQuery, answers={200: schemas.ReportAnswer, **FOUND})
def report_json(name: str, query: schemas.ReportQuery):
    """A report as JSON: ``{report, title, as_of, refreshed_at, scope}``, its summary's figures (for the
    milestones: ``provided``, ``waiting_for_signature``, ``targets`` …) and its tables by name (``by_founder``
    …). ``as_of`` (default today), one ``founder`` or one ``school`` in the caller's reach."""
    lang = query.lang or api_locale()
    with force_locale(lang):
        report = build(name, db.session(), _reach(), _params(query))
        return shaped.as_json(report, lang)


@bp.get("/reports/<name>.<fmt>")
@endpoint("reports:read", export=True, query=schemas.ExportQuery, answers={200: EXPORT, **FOUND},
          path={"fmt": schemas.Format})
def report_file(name: str, fmt: str, query: schemas.ExportQuery):
    """A report as a file: ``csv`` (one ``table``, default the first; ``sep``: semicolon with a byte-order mark
    for Excel, or comma), ``xlsx`` (a summary sheet, then a sheet per table), ``pdf`` (A4, charts each followed by
    its table), in ``lang`` (default the page's language)."""
    if fmt not in files.FORMATS:
        raise invalid(_l("a report is given as %(formats)s", formats=", ".join(("json", *files.FORMATS))),
                      [{"field": "fmt", "reason": "unknown_format", "allowed": list(files.FORMATS)}])
    lang = query.lang or current_locale()
    lang = lang if lang in LOCALES else "lv"
    with force_locale(lang):
        report = build(name, db.session(), _reach(), _params(query))
        made = files.as_file(report, fmt, lang, query.table, query.sep)
    return Response(made.data, mimetype=made.media_type, headers={
        "Content-Disposition": disposition(made.filename, attachment=True)})


@bp.get("/reports/lists/<name>")
@endpoint("reports:read", query=schemas.ListQuery, answers={200: Page[schemas.Row], **FOUND})
def report_list(name: str, query: schemas.ListQuery):
    """A list behind a report's exceptions, a page at a time (``double_funding``, ``unsigned`` agreements older
    than ``days``, devices ``not_seen`` for ``days``, ``overdue`` loans, devices ``in_repair``): serials,
    schools, ages — never a pupil."""
    from fleet.reports import lists

    spec = lists.LISTS.get(name)
    if spec is None:
        raise FleetError("not_found", _l("no list is called %(name)s; the lists: %(names)s",
                                         name=name, names=", ".join(sorted(lists.LISTS))))
    session, reach = db.session(), _reach()
    school_ids, _label = scope.narrow(session, reach, Params(founder=query.founder, school=query.school))
    days = lists.check_days(query.days, spec.default_days)
    rows, last = spec.fn(session, reach, school_ids, days, query.limit, query.after)
    return render.paged([shaped.plain(row, api_locale()) for row in rows], last)
