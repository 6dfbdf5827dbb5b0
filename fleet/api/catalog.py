"""Founders, schools and contracts."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fleet import catalog, db
from fleet.api import bp, render
from fleet.http import body, created, endpoint
from fleet.models import Contract, Founder, School


@bp.post("/founders")
@endpoint("catalog:write")
def create_founder():
    f = catalog.create_founder(db.session(), body())
    db.session().commit()
    return created(render.founder(f))


@bp.get("/founders")
@endpoint("catalog:read")
def list_founders():
    rows = db.session().scalars(select(Founder).order_by(Founder.code))
    return jsonify(render.page([render.founder(f) for f in rows], None))


@bp.get("/founders/<code>")
@endpoint("catalog:read")
def get_founder(code: str):
    return jsonify(render.founder(catalog.get_by(db.session(), Founder.code, code, "founder")))


@bp.post("/schools")
@endpoint("catalog:write")
def create_school():
    s = catalog.create_school(db.session(), body())
    db.session().commit()
    return created(render.school(s))


@bp.get("/schools")
@endpoint("catalog:read")
def list_schools():
    rows = db.session().scalars(select(School).options(joinedload(School.founder)).order_by(School.registration_number))
    return jsonify(render.page([render.school(s) for s in rows], None))


@bp.get("/schools/<registration_number>")
@endpoint("catalog:read")
def get_school(registration_number: str):
    s = catalog.get_by(db.session(), School.registration_number, registration_number, "school")
    return jsonify(render.school(s))


@bp.post("/contracts")
@endpoint("contracts:write")
def create_contract():
    c = catalog.create_contract(db.session(), body())
    db.session().commit()
    return created(render.contract(c))


@bp.get("/contracts")
@endpoint("catalog:read")
def list_contracts():
    rows = db.session().scalars(select(Contract).order_by(Contract.number))
    return jsonify(render.page([render.contract(c) for c in rows], None))


@bp.get("/contracts/<path:number>")
@endpoint("catalog:read")
def get_contract(number: str):
    return jsonify(render.contract(catalog.get_by(db.session(), Contract.number, number, "contract")))
