"""``/admin/printers``: printer profiles — how far a printer shifts a label sheet (mm) and its default
stock (``fleet.labelling.printers``). School IT sees and changes its own schools' profiles only (another
school's is not found); admins and the warehouse all."""

from __future__ import annotations

from flask import g, render_template, request
from sqlalchemy import select

import labels
from fleet import db
from fleet.errors import FleetError
from fleet.i18n import _
from fleet.labelling.printers import PrinterScope, printer_by_id, printers, save_printer
from fleet.models import School
from fleet.web.admin.forms import done, refused, text
from fleet.web.blueprint import bp
from fleet.web.pages import page


def _scope() -> PrinterScope:
    scope = g.principal.scope
    return PrinterScope(None if scope.all_schools else scope.school_ids)


def _choices() -> dict:
    schools = select(School).order_by(School.name)
    if not g.principal.scope.all_schools:
        schools = schools.where(School.id.in_(sorted(g.principal.scope.school_ids)))
    return {"stocks": [(s.id, s.name) for s in labels.STOCKS.values()],
            "schools": [(s.registration_number, s.name) for s in db.session().scalars(schools)],
            "warehouse": g.principal.scope.all_schools}


def _shift(value: str):
    """A shift typed in millimetres ("1,5" as "1.5"); what is not a number goes to the domain, which refuses it."""
    try:
        return float(value.replace(",", ".")) if value else 0.0
    except ValueError:
        return value


def _body(form, new: bool) -> dict:
    body = {"offset_x": _shift(text(form, "offset_x")), "offset_y": _shift(text(form, "offset_y")),
            "stock": text(form, "stock") or None}
    if new:
        body["name"] = text(form, "name")
        if text(form, "school"):
            body["school"] = text(form, "school")
    return body


def _typed(form) -> dict:
    return {k: text(form, k) for k in ("name", "offset_x", "offset_y", "stock", "school")}


@bp.get("/admin/printers", endpoint="admin_printers")
@page("labels:print")
def printers_page():
    rows = printers(db.session(), _scope())
    return render_template("admin/printers.html", printers=rows, form={}, **_choices())


@bp.post("/admin/printers", endpoint="admin_printer_add")
@page("labels:print")
def add_printer():
    try:
        row = save_printer(db.session(), _body(request.form, True), _scope())
    except FleetError as e:
        db.session().rollback()
        return refused(e, "admin/printers.html", printers=printers(db.session(), _scope()),
                       form=_typed(request.form), **_choices())
    return done(_("Printer profile %(name)s saved.", name=row.name), "web.admin_printers")


@bp.get("/admin/printers/<int:printer_id>", endpoint="admin_printer")
@page("labels:print")
def printer_page(printer_id: int):
    row = printer_by_id(db.session(), printer_id, _scope())
    form = {"offset_x": f"{row.offset_x:g}", "offset_y": f"{row.offset_y:g}", "stock": row.stock or ""}
    return render_template("admin/printer.html", printer=row, form=form, **_choices())


@bp.post("/admin/printers/<int:printer_id>", endpoint="admin_printer_change")
@page("labels:print")
def change_printer(printer_id: int):
    session = db.session()
    row = printer_by_id(session, printer_id, _scope())
    try:
        save_printer(session, _body(request.form, False), _scope(), existing=row)
    except FleetError as e:
        session.rollback()
        return refused(e, "admin/printer.html", printer=printer_by_id(session, printer_id, _scope()),
                       form=_typed(request.form), **_choices())
    return done(_("Printer profile %(name)s saved.", name=row.name), "web.admin_printer", printer_id=printer_id)
