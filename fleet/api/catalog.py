"""Founders, schools and contracts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fleet import catalog, db
from fleet.api import bp, render
from fleet.api.schemas import Listing
from fleet.api.schemas import catalog as schemas
from fleet.http import ERROR, Raw, body, created, endpoint
from fleet.models import Contract, Founder, School

CREATED = {409: ERROR}


@bp.post("/founders")
@endpoint("catalog:write", body=schemas.FounderIn, answers={201: schemas.Founder, **CREATED})
def create_founder(body: schemas.FounderIn):
    """Add a founder (a municipality: its schools' devices stay on its books)."""
    f = catalog.create_founder(db.session(), body.model_dump(exclude_unset=True))
    db.session().commit()
    return created(render.founder(f))


@bp.get("/founders")
@endpoint("catalog:read", answers={200: Listing[schemas.Founder]})
def list_founders():
    """Every founder, by code."""
    rows = db.session().scalars(select(Founder).order_by(Founder.code))
    return render.listing([render.founder(f) for f in rows])


@bp.get("/founders/<code>")
@endpoint("catalog:read", answers={200: schemas.Founder, 404: ERROR})
def get_founder(code: str):
    """One founder."""
    return render.founder(catalog.get_by(db.session(), Founder.code, code, "founder"))


# Checked by fleet.catalog, which reports an unknown founder together with the other fields.
_SCHOOL = Raw({"application/json": schemas.SchoolIn})


@bp.post("/schools")
@endpoint("catalog:write", body=_SCHOOL, answers={201: schemas.School, **CREATED})
def create_school():
    """Add a school under its founder."""
    s = catalog.create_school(db.session(), body())
    db.session().commit()
    return created(render.school(s))


@bp.get("/schools")
@endpoint("catalog:read", answers={200: Listing[schemas.School]})
def list_schools():
    """Every school, by registration number."""
    rows = db.session().scalars(select(School).options(joinedload(School.founder)).order_by(School.registration_number))
    return render.listing([render.school(s) for s in rows])


@bp.get("/schools/<registration_number>")
@endpoint("catalog:read", answers={200: schemas.School, 404: ERROR})
def get_school(registration_number: str):
    """One school."""
    return render.school(catalog.get_by(db.session(), School.registration_number, registration_number, "school"))


@bp.post("/contracts")
@endpoint("contracts:write", body=schemas.ContractIn, answers={201: schemas.Contract, **CREATED})
def create_contract(body: schemas.ContractIn):
    """Add a supply contract (its devices name it)."""
    c = catalog.create_contract(db.session(), body.model_dump(exclude_unset=True))
    db.session().commit()
    return created(render.contract(c))


@bp.get("/contracts")
@endpoint("catalog:read", answers={200: Listing[schemas.Contract]})
def list_contracts():
    """Every contract, by number."""
    rows = db.session().scalars(select(Contract).order_by(Contract.number))
    return render.listing([render.contract(c) for c in rows])


@bp.get("/contracts/<path:number>")
@endpoint("catalog:read", answers={200: schemas.Contract, 404: ERROR})
def get_contract(number: str):
    """One contract."""
    return render.contract(catalog.get_by(db.session(), Contract.number, number, "contract"))
