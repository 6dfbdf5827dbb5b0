"""The connectivity plan's settings (``/connectivity/thresholds``, ``/connectivity/prices``): a threshold of the
analysis and a line of the price table as answered, and the bodies that change one."""

from __future__ import annotations

from pydantic import Field

from fleet.api.schemas.common import Model


class Threshold(Model):
    key: str = Field(examples=["compliance_ratio"])
    value: float = Field(description="the value in force")
    default: float = Field(description="the default (and its source: the README's method)")
    low: float = Field(description="the lowest value allowed (excluded when `above`)")
    high: float = Field(description="the highest value allowed")
    above: bool = Field(description="the value must be strictly above `low`")
    whole: bool = Field(description="the value must be a whole number")
    unit: str = Field(description="the unit, in the answer's language")


class ThresholdIn(Model):
    value: float | int = Field(description="the new value, within the threshold's range", examples=[0.8])


class Price(Model):
    measure: str = Field(examples=["access_point"])
    unit: str = Field(description="what the price is per: school, access_point, switch or classroom")
    unit_price: str = Field(description='EUR as a decimal string, e.g. "450.00"')


class PriceIn(Model):
    unit_price: str | float | int = Field(description='EUR, 0 or more: a decimal string ("450.00") or a number',
                                          examples=["450.00"])
