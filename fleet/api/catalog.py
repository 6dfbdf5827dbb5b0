"""Founders, schools and contracts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fleet import catalog, db, paging
from fleet.api import bp, render
from fleet.api.schemas import Page, PageQuery
from fleet.api.schemas import catalog as schemas
from fleet.http import ERROR, Raw, body, created, endpoint
from fleet.models import Contract, Founder, School

CREATED = {409: ERROR}


def _page(stmt, key, id_column, query: PageQuery) -> tuple[list, int | None]:
    rows = db.session().scalars(paging.in_order(stmt, key, id_column, query.limit, query.after)).unique().all()
    return paging.split(rows, query.limit)


# Checked by fleet.catalog, which names each refused field with its reason.
_FOUNDER = Raw({"application/json": schemas.FounderIn})
_FOUNDER_CHANGE = Raw({"application/json": schemas.FounderChange})
_SCHOOL_CHANGE = Raw({"application/json": schemas.SchoolChange})
_CONTRACT_CHANGE = Raw({"application/json": schemas.ContractChange})


@bp.post("/founders")
@endpoint("catalog:write", body=_FOUNDER, answers={201: schemas.Founder, **CREATED})
def create_founder():
    """Add a founder (a municipality: its schools' devices stay on its books), with its registration number and
    address if known (printed on new loan agreements)."""
    f = catalog.create_founder(db.session(), body())
    db.session().commit()
    return created(render.founder(f))


@bp.patch("/founders/<code>")
@endpoint("catalog:write", body=_FOUNDER_CHANGE, answers={200: schemas.Founder, 404: ERROR})
def change_founder(code: str):
    """Change a founder's name, registration number or address: only the fields sent; null or "" clears one.
    Agreements already issued keep what they printed."""
    f = catalog.update_founder(db.session(), code, body())
    db.session().commit()
    return render.founder(f)


@bp.get("/founders")
@endpoint("catalog:read", query=PageQuery, answers={200: Page[schemas.Founder]})
def list_founders(query: PageQuery):
    """The founders, by code, a page at a time."""
    rows, last = _page(select(Founder), Founder.code, Founder.id, query)
    return render.paged([render.founder(f) for f in rows], last)


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


@bp.patch("/schools/<registration_number>")
@endpoint("catalog:write", body=_SCHOOL_CHANGE, answers={200: schemas.School, 404: ERROR})
def change_school(registration_number: str):
    """Change a school's name, address or phone (shown to whoever finds its lost laptop): only the fields sent;
    null or "" clears one."""
    s = catalog.update_school(db.session(), registration_number, body())
    db.session().commit()
    return render.school(s)


@bp.get("/schools")
@endpoint("catalog:read", query=PageQuery, answers={200: Page[schemas.School]})
def list_schools(query: PageQuery):
    """The schools, by registration number, a page at a time."""
    stmt = select(School).options(joinedload(School.founder))
    rows, last = _page(stmt, School.registration_number, School.id, query)
    return render.paged([render.school(s) for s in rows], last)


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


@bp.patch("/contracts/<path:number>")
@endpoint("contracts:write", body=_CONTRACT_CHANGE, answers={200: schemas.Contract, 404: ERROR})
def change_contract(number: str):
    """Change a contract's supplier, funding source, unit price, signing day or quantity (devices contracted,
    the funding report's "committed"): only the fields sent; null clears ``signed_on`` or ``quantity``."""
    c = catalog.update_contract(db.session(), number, body())
    db.session().commit()
    return render.contract(c)


@bp.get("/contracts")
@endpoint("catalog:read", query=PageQuery, answers={200: Page[schemas.Contract]})
def list_contracts(query: PageQuery):
    """The supply contracts, by number, a page at a time."""
    rows, last = _page(select(Contract), Contract.number, Contract.id, query)
    return render.paged([render.contract(c) for c in rows], last)


@bp.get("/contracts/<path:number>")
@endpoint("catalog:read", answers={200: schemas.Contract, 404: ERROR})
def get_contract(number: str):
    """One contract."""
    return render.contract(catalog.get_by(db.session(), Contract.number, number, "contract"))
