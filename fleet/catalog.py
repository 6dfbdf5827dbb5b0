"""Founders (municipalities), schools and supply contracts: validated creation, change and look-up.

A founder's registration number (the 11 digits of the Register of Enterprises / the State Revenue Service,
"90011524360") and address are printed on new loan agreements as the lender's; a school's address and phone are
shown to whoever finds a lost laptop. All four are optional; a field refused names its reason as a code
(``details[].reason``) beside the message."""

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
FOUNDER_REGISTRATION_RE = re.compile(r"^\d{11}$", re.ASCII)  # a Latvian legal person's registration number
# A phone as people write it: "+371 67 012 345", "67012345", "+371 2612-3456", "(+371) 6701 2345"
PHONE_RE = re.compile(r"^(\(?\+[0-9]{1,3}\)?[ -]?)?[0-9][0-9 -]*[0-9]$", re.ASCII)
PHONE_DIGITS = (8, 15)  # a Latvian number has 8 digits; with a country code at most 15 (E.164)
ADDRESS_LENGTH = 300
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
        if len(value) > max_length:  # as sent, spaces too: what the API's document says (maxLength)
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

    def refuse(self, name: str, reason: str, message: Text) -> None:
        self.errors.append({"field": name, "reason": reason, "message": message})

    def optional(self, name: str, max_length: int) -> str | None:
        """An optional text: None when absent, "" when sent empty or null (to clear it), else the trimmed text
        with its runs of spaces made one."""
        if name not in self.body:
            return None
        value = self.body[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            return ""
        if not isinstance(value, str):
            self.refuse(name, "not_text", _l("must be a string"))
            return None
        if len(value) > max_length:
            self.refuse(name, "too_long", _l("must be at most %(max_length)s characters", max_length=max_length))
            return None
        return " ".join(value.split())

    def founder_registration(self, name: str = "registration_number") -> str | None:
        value = self.optional(name, 20)
        if value and not FOUNDER_REGISTRATION_RE.match(value.replace(" ", "")):
            self.refuse(name, "registration_number_format",
                        _l("must be the founder's 11-digit registration number, e.g. 90011524360"))
            return None
        return value.replace(" ", "") if value else value

    def phone(self, name: str = "phone") -> str | None:
        value = self.optional(name, 40)
        if value:
            digits = sum(c.isdigit() for c in value)
            if not PHONE_RE.match(value) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
                self.refuse(name, "phone_format", _l("must be a phone number, e.g. +371 67 012 345"))
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
            self.refuse(extra, "unknown_field", _l("unknown field"))
        if self.errors:
            raise invalid(_l("some fields are not valid; nothing was saved"), self.errors)


def _ensure_new(session: Session, column, value: str, what: str) -> None:
    if session.scalar(select(column.class_).where(column == value)) is not None:
        raise FleetError("duplicate", _l("%(what)s %(value)s already exists", what=display_names.text("thing", what),
                                         value=repr(value)), {"field": column.key})


FOUNDER_DETAILS = ("registration_number", "address")
SCHOOL_DETAILS = ("address", "phone")


def _founder_details(f: Fields) -> dict[str, str | None]:
    """The founder's optional fields sent: {name: value, "" to clear}."""
    values = {"registration_number": f.founder_registration(), "address": f.optional("address", ADDRESS_LENGTH)}
    return {k: v for k, v in values.items() if k in f.body and v is not None}


def _school_details(f: Fields) -> dict[str, str | None]:
    values = {"address": f.optional("address", ADDRESS_LENGTH), "phone": f.phone()}
    return {k: v for k, v in values.items() if k in f.body and v is not None}


def _apply(row, values: dict[str, str | None]) -> None:
    for name, value in values.items():
        setattr(row, name, value or None)


def create_founder(session: Session, body: Any) -> Founder:
    f = Fields(body)
    code = f.matching("code", CODE_RE, _l("must be 1-32 letters, digits, '-' or '_'"))
    name = f.text("name")
    details = _founder_details(f)
    f.done({"code", "name", *FOUNDER_DETAILS})
    _ensure_new(session, Founder.code, code, "founder")
    founder = Founder(code=code, name=name)
    _apply(founder, details)
    session.add(founder)
    session.flush()
    return founder


def update_founder(session: Session, code: str, body: Any) -> Founder:
    """Change a founder's name, registration number or address (a field sent empty or null is cleared, one not
    sent is kept). Agreements already issued keep what they printed; new ones print the new lines."""
    founder = get_by(session, Founder.code, code, "founder")
    f = Fields(body)
    name = f.text("name") if "name" in f.body else None
    details = _founder_details(f)
    f.done({"name", *FOUNDER_DETAILS})
    if name is not None:
        founder.name = name
    _apply(founder, details)
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
    details = _school_details(f)
    f.done({"registration_number", "name", "founder", *SCHOOL_DETAILS})
    _ensure_new(session, School.registration_number, reg, "school")
    school = School(registration_number=reg, name=name, founder=founder)
    _apply(school, details)
    session.add(school)
    session.flush()
    return school


def update_school(session: Session, registration_number: str, body: Any) -> School:
    """Change a school's name, address or phone (empty or null clears one, one not sent is kept)."""
    school = get_by(session, School.registration_number, registration_number, "school")
    f = Fields(body)
    name = f.text("name") if "name" in f.body else None
    details = _school_details(f)
    f.done({"name", *SCHOOL_DETAILS})
    if name is not None:
        school.name = name
    _apply(school, details)
    session.flush()
    return school


CONTRACT_FIELDS = ("number", "supplier", "funding_source", "unit_price", "signed_on", "quantity")
MAX_QUANTITY = 10_000_000


def _quantity(f: Fields) -> int | None:
    """The devices contracted: an optional whole number of at least 1 (None: not sent or sent null)."""
    value = f.body.get("quantity")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_QUANTITY:
        f.refuse("quantity", "quantity_range", _l("must be a whole number of devices, at least 1"))
        return None
    return value


def create_contract(session: Session, body: Any) -> Contract:
    f = Fields(body)
    number = f.text("number", 64)
    supplier = f.text("supplier")
    funding = f.choice("funding_source", FUNDING_SOURCES)
    price = f.money("unit_price")
    signed_on = f.day("signed_on")
    quantity = _quantity(f)
    f.done(set(CONTRACT_FIELDS))
    _ensure_new(session, Contract.number, number, "contract")
    contract = Contract(number=number, supplier=supplier, funding_source=funding, unit_price=price, signed_on=signed_on,
                        quantity=quantity)
    session.add(contract)
    session.flush()
    return contract


def update_contract(session: Session, number: str, body: Any) -> Contract:
    """Change a contract's supplier, funding source, unit price, signing day or quantity: only the fields sent
    (``signed_on`` or ``quantity`` sent null is cleared)."""
    contract = get_by(session, Contract.number, number, "contract")
    f = Fields(body)
    values: dict[str, Any] = {}
    if "supplier" in f.body:
        values["supplier"] = f.text("supplier")
    if "funding_source" in f.body:
        values["funding_source"] = f.choice("funding_source", FUNDING_SOURCES)
    if "unit_price" in f.body:
        values["unit_price"] = f.money("unit_price")
    if "signed_on" in f.body:
        values["signed_on"] = f.day("signed_on")
    if "quantity" in f.body:
        values["quantity"] = _quantity(f)
    f.done(set(CONTRACT_FIELDS) - {"number"})
    for name, value in values.items():
        setattr(contract, name, value)
    session.flush()
    return contract


def get_by(session: Session, column, value: str, what: str):
    row = session.scalar(select(column.class_).where(column == value))
    if row is None:
        raise not_found(what, value)
    return row
