"""``/admin/founders``, ``/admin/schools``, ``/admin/contracts``: each list a page at a time (in the
order of its code), and a form that adds one through ``fleet.catalog`` — a refused field is shown on the
form. A founder's name, registration number and address, and a school's name, address and phone, are changed
on the same page (``?edit=CODE`` opens the form filled in; its POST carries ``edit``): agreements already issued
keep what they printed. Codes, registration numbers of schools and contracts never change (devices name them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fleet import catalog, db, display_names, paging
from fleet.errors import FleetError
from fleet.i18n import _
from fleet.models import FUNDING_SOURCES, Contract, Founder, School
from fleet.web.admin.forms import done, refused, text
from fleet.web.blueprint import bp
from fleet.web.pages import page

PAGE = 100


@dataclass(frozen=True)
class Kind:
    name: str  # founders, schools, contracts: the URL, the template's branch
    model: Any
    key: Any  # the unique column the list is ordered by
    create: Any  # fleet.catalog's use case
    fields: tuple[str, ...]
    update: Any = None  # fleet.catalog's use case that changes one (None: never changed)
    editable: tuple[str, ...] = ()


KINDS = {
    "founders": Kind("founders", Founder, Founder.code, catalog.create_founder,
                     ("code", "name", "registration_number", "address"), catalog.update_founder,
                     ("name", "registration_number", "address")),
    "schools": Kind("schools", School, School.registration_number, catalog.create_school,
                    ("registration_number", "name", "founder", "address", "phone"), catalog.update_school,
                    ("name", "address", "phone")),
    "contracts": Kind("contracts", Contract, Contract.number, catalog.create_contract,
                      ("number", "supplier", "funding_source", "unit_price", "signed_on", "quantity")),
}


def _context(kind: Kind, form: dict, after: str | None = None, editing: str | None = None) -> dict:
    """The list (the page after ``after``, a cursor) and what the form offers, with ``form`` as typed;
    ``editing``: the key of the row the form changes (None: the form adds one)."""
    session = db.session()
    stmt = select(kind.model)
    if kind.model is School:
        stmt = stmt.options(joinedload(School.founder))
    last_id = paging.decode_cursor(after) if after else None
    rows, last = paging.split(session.scalars(paging.in_order(stmt, kind.key, kind.model.id, PAGE, last_id))
                              .unique().all(), PAGE)
    founders = session.scalars(select(Founder).order_by(Founder.name)) if kind.model is School else ()
    return {"kind": kind.name, "rows": rows, "next": paging.encode_cursor(last), "form": form, "editing": editing,
            "editable": kind.editable,
            "founders": [(f.code, f"{f.name} ({f.code})") for f in founders],
            "funding": [(code, display_names.name("funding", code)) for code in FUNDING_SOURCES]}


def _list(kind: Kind):
    ref = request.args.get("edit", "").strip()
    if ref and kind.update is not None:  # the form filled in with the row's fields, to change them
        row = catalog.get_by(db.session(), kind.key, ref, kind.name.rstrip("s"))
        form = {field: getattr(row, field) or "" for field in kind.fields if field != "founder"}
        return render_template("admin/catalog.html", **_context(kind, form, editing=ref))
    return render_template("admin/catalog.html", **_context(kind, {}, request.args.get("after")))


def _create(kind: Kind):
    editing = text(request.form, "edit")
    if editing and kind.update is not None:
        return _update(kind, editing)
    form = {field: text(request.form, field) for field in kind.fields}
    body = {k: v for k, v in form.items() if v}  # an empty field is a missing one (the domain says if it is needed)
    try:
        row = kind.create(db.session(), body)
    except FleetError as e:
        db.session().rollback()
        return refused(e, "admin/catalog.html", **_context(kind, form))
    return done(_("Saved: %(what)s.", what=getattr(row, kind.key.key)), f"web.admin_{kind.name}")


def _update(kind: Kind, ref: str):
    """The row's editable fields as the form sends them: an empty one clears an optional field."""
    form = {field: text(request.form, field) for field in kind.editable}
    try:
        row = kind.update(db.session(), ref, form)
    except FleetError as e:
        db.session().rollback()
        if e.code == "not_found":
            raise
        return refused(e, "admin/catalog.html", **_context(kind, {kind.key.key: ref, **form}, editing=ref))
    return done(_("Saved: %(what)s.", what=getattr(row, kind.key.key)), f"web.admin_{kind.name}")


@bp.get("/admin/founders", endpoint="admin_founders")
@page("catalog:write")
def founders_page():
    return _list(KINDS["founders"])


@bp.post("/admin/founders", endpoint="admin_founder_add")
@page("catalog:write")
def add_founder():
    return _create(KINDS["founders"])


@bp.get("/admin/schools", endpoint="admin_schools")
@page("catalog:write")
def schools_page():
    return _list(KINDS["schools"])


@bp.post("/admin/schools", endpoint="admin_school_add")
@page("catalog:write")
def add_school():
    return _create(KINDS["schools"])


@bp.get("/admin/contracts", endpoint="admin_contracts")
@page("contracts:write")
def contracts_page():
    return _list(KINDS["contracts"])


@bp.post("/admin/contracts", endpoint="admin_contract_add")
@page("contracts:write")
def add_contract():
    return _create(KINDS["contracts"])
