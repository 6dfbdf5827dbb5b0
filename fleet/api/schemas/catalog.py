"""Founders, schools and contracts: what is sent to create one, and how each is answered."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from fleet.api.schemas.common import Model
from fleet.models import FUNDING_SOURCES

Text = Field(min_length=1, max_length=200)


class Trimmed(Model):
    """Text is taken without the spaces around it (as typed into a form or a spreadsheet)."""

    model_config = ConfigDict(str_strip_whitespace=True)


# Checked by fleet.catalog (a refused field names its reason: registration_number_format, phone_format, too_long);
# an optional field sent empty or null is cleared.
FounderRegistration = Field(None, max_length=20, examples=["90011524360"],
                            description="the founder's 11-digit registration number (printed on agreements)")
Address = Field(None, max_length=300, examples=["Rātslaukums 1, Rīga, LV-1050"])
Phone = Field(None, max_length=40, examples=["+371 67 012 345"],
              description="8 digits, or up to 15 with a country code (+371 …); spaces and hyphens allowed")


class FounderIn(Trimmed):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$", examples=["RIGA"])
    name: str = Text
    registration_number: str | None = FounderRegistration
    address: str | None = Address


class FounderChange(Trimmed):
    """Only the fields sent change; null or "" clears an optional one."""

    name: str | None = Field(None, min_length=1, max_length=200, description="a new name (null is refused)")
    registration_number: str | None = FounderRegistration
    address: str | None = Address


class Founder(Model):
    code: str
    name: str
    registration_number: str | None = Field(None, description="11 digits; null when not known")
    address: str | None = None


class SchoolIn(Trimmed):
    registration_number: str = Field(pattern=r"^[0-9]{10}$", description="the 10-digit VIIS registration number")
    name: str = Text
    founder: str = Field(min_length=1, max_length=32, description="the founder's code")
    address: str | None = Address
    phone: str | None = Phone


class SchoolChange(Trimmed):
    """Only the fields sent change; null or "" clears an optional one."""

    name: str | None = Field(None, min_length=1, max_length=200, description="a new name (null is refused)")
    address: str | None = Address
    phone: str | None = Phone


class School(Model):
    registration_number: str
    name: str
    founder: str
    address: str | None = None
    phone: str | None = None


Quantity = Field(None, ge=1, le=10_000_000, examples=[13310],
                 description="devices contracted (the funding report's committed = quantity × unit price)")


class ContractIn(Trimmed):
    number: str = Field(min_length=1, max_length=64)
    supplier: str = Text
    funding_source: Literal[FUNDING_SOURCES]  # type: ignore[valid-type]
    unit_price: str = Field(pattern=r"^[0-9]+(\.[0-9]{1,2})?$", description='EUR as a decimal string, e.g. "612.40"')
    signed_on: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="YYYY-MM-DD")
    quantity: int | None = Quantity


class ContractChange(Trimmed):
    """Only the fields sent change; null clears ``signed_on`` or ``quantity``."""

    supplier: str | None = Field(None, min_length=1, max_length=200)
    funding_source: Literal[FUNDING_SOURCES] | None = None  # type: ignore[valid-type]
    unit_price: str | None = Field(None, pattern=r"^[0-9]+(\.[0-9]{1,2})?$", description='EUR, e.g. "612.40"')
    signed_on: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="YYYY-MM-DD")
    quantity: int | None = Quantity


class Contract(Model):
    number: str
    supplier: str
    funding_source: str
    unit_price: str
    signed_on: str | None = Field(description="YYYY-MM-DD")
    quantity: int | None = Field(None, description="devices contracted; null when not recorded")
