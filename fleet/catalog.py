"""Founders (municipalities), schools and supply contracts: validated creation and look-up."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import display_names
from fleet.errors import FleetError, invalid, not_found
from fleet.i18n import Text, _l
from fleet.models import FUNDING_SOURCES, Contract, Founder, School

REGISTRATION_RE = re.compile(r"^\d{10}$", re.ASCII)  # \d alone takes "４１１３…" too
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MONEY_RE = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$", re.ASCII)  # "612.40"; not "1e2", "1_000" or "６１２"
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", re.ASCII)  # not "20220915", which fromisoformat takes


class Fields:
    """Collects every field error of one request, so the client hears about all of them at once."""

    def __init__(self, body: Any):
        if not isinstance(body, dict):
            raise invalid(_l("the request body must be a JSON object"))
        self.body = body
        self.errors: list[dict] = []

    def text(self, name: str, max_length: int = 200, required: bool = True) -> str | None:
        value = self.body.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.errors.append({"field": name, "message": _l("is required")})
            return None
        if not isinstance(value, str):
            self.errors.append({"field": name, "message": _l("must be a string")})
            return None
        if len(value.strip()) > max_length:
            self.errors.append({"field": name, "message": _l("must be at most %(max_length)s characters",
                                                             max_length=max_length)})
            return None
        return value.strip()

    def matching(self, name: str, pattern: re.Pattern, explain: Text) -> str | None:
        value = self.text(name)
        if value is not None and not pattern.match(value):
            self.errors.append({"field": name, "message": explain})
            return None
        return value

    def choice(self, name: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(name)
        if value is not None and value not in choices:
            self.errors.append({"field": name, "message": _l("must be one of %(values)s", values=", ".join(choices))})
            return None
        return value

    def money(self, name: str) -> Decimal | None:
        value = self.body.get(name)
        if not isinstance(value, str):
            self.errors.append({"field": name, "message": _l("must be a decimal string in EUR, e.g. \"612.40\"")})
            return None
        try:
            amount = Decimal(value.strip()) if MONEY_RE.match(value.strip()) else None
        except InvalidOperation:
            amount = None
        if (amount is None or not amount.is_finite() or amount <= 0
                or amount.as_tuple().exponent < -2 or amount >= 10**10):
            self.errors.append({"field": name, "message": _l("must be a positive amount with at most 2 decimals")})
            return None
        return amount

    def day(self, name: str, required: bool = False) -> date | None:
        value = self.text(name, required=required)
        if value is None:
            return None
        try:
            if not DATE_RE.match(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.errors.append({"field": name, "message": _l("must be a date YYYY-MM-DD")})
            return None

    def done(self, allowed: set[str]) -> None:
        for extra in sorted(set(self.body) - allowed):
            self.errors.append({"field": extra, "message": _l("unknown field")})
        if self.errors:
            raise invalid(_l("some fields are not valid; nothing was saved"), self.errors)


def _ensure_new(session: Session, column, value: str, what: str) -> None:
    if session.scalar(select(column.class_).where(column == value)) is not None:
        raise FleetError("duplicate", _l("%(what)s %(value)s already exists", what=display_names.text("thing", what),
                                         value=repr(value)), {"field": column.key})


def create_founder(session: Session, body: Any) -> Founder:
    f = Fields(body)
    code = f.matching("code", CODE_RE, _l("must be 1-32 letters, digits, '-' or '_'"))
    name = f.text("name")
    f.done({"code", "name"})
    _ensure_new(session, Founder.code, code, "founder")
    founder = Founder(code=code, name=name)
    session.add(founder)
    session.flush()
    return founder


def create_school(session: Session, body: Any) -> School:
    f = Fields(body)
    reg = f.matching("registration_number", REGISTRATION_RE, _l("must be the 10-digit VIIS registration number"))
    name = f.text("name")
    founder_code = f.text("founder", 32)
    founder = None
    if founder_code is not None:
        founder = session.scalar(select(Founder).where(Founder.code == founder_code))
        if founder is None:
            f.errors.append({"field": "founder", "message": _l("unknown founder %(founder)s",
                                                               founder=repr(founder_code))})
    f.done({"registration_number", "name", "founder"})
    _ensure_new(session, School.registration_number, reg, "school")
    school = School(registration_number=reg, name=name, founder=founder)
    session.add(school)
    session.flush()
    return school


def create_contract(session: Session, body: Any) -> Contract:
    f = Fields(body)
    number = f.text("number", 64)
    supplier = f.text("supplier")
    funding = f.choice("funding_source", FUNDING_SOURCES)
    price = f.money("unit_price")
    signed_on = f.day("signed_on")
    f.done({"number", "supplier", "funding_source", "unit_price", "signed_on"})
    _ensure_new(session, Contract.number, number, "contract")
    contract = Contract(number=number, supplier=supplier, funding_source=funding, unit_price=price, signed_on=signed_on)
    session.add(contract)
    session.flush()
    return contract


def get_by(session: Session, column, value: str, what: str):
    row = session.scalar(select(column.class_).where(column == value))
    if row is None:
        raise not_found(what, value)
    return row
