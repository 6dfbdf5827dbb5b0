"""Label stocks, printer profiles, print runs and pre-printed batches."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from fleet.api.schemas.common import Model, Query, Timestamp, WholeNumber
from fleet.i18n import _l
from fleet.labelling import MAX_BATCH, MAX_SHIFT


class Stock(Model):
    id: str
    name: str
    kind: Literal["sheet", "roll"]
    label_width: float
    label_height: float
    columns: int
    rows: int
    per_page: int
    page_width: float
    page_height: float
    dpi: int | None
    durable: bool
    source: str


class LabelQuery(Query):
    stock: str = Field("avery-l7160", description="a label stock's id (GET /label-stocks)")
    printer: str | None = Field(None, description="a printer profile's name: its calibration shifts the label")
    skip: WholeNumber | None = Field(None, description="used cells to skip on a sheet (PDF)")


class CalibrationQuery(Query):
    printer: str | None = None


class PrintRunIn(Model):
    """Exactly one of ``devices``, ``delivery``, ``shipment``."""

    devices: list[str] | None = Field(None, description="serials, asset tags or URLs")
    delivery: int | None = None
    shipment: int | None = None
    stock: str | None = Field(None, description="default: the printer's stock")
    format: Literal["pdf", "zpl"] = "pdf"
    skip: int | None = Field(None, ge=0)
    printer: str | None = None
    reason: str | None = Field(None, description="a reprint must give one: damaged, replacement, lost")


class BatchIn(Model):
    count: int = Field(ge=1, le=MAX_BATCH)
    stock: str | None = None
    skip: int | None = Field(None, ge=0)
    printer: str | None = None


class BatchTag(Model):
    tag: str
    serial: str | None = Field(description="the device it is bound to, once scanned with it")


class Batch(Model):
    id: int
    count: int
    stock: str
    created_by: str
    created_at: Timestamp
    bound: int
    tags: list[BatchTag]


Shift = Field(ge=-MAX_SHIFT, le=MAX_SHIFT, description="millimetres")


class PrinterIn(Model):
    name: str = Field(min_length=1, max_length=100)
    offset_x: float = Field(0, ge=-MAX_SHIFT, le=MAX_SHIFT, description="millimetres")
    offset_y: float = Field(0, ge=-MAX_SHIFT, le=MAX_SHIFT, description="millimetres")
    stock: str | None = None
    school: str | None = Field(None, description="the school's registration number (school IT: one of its own)")


class PrinterChange(Model):
    name: None = Field(None, description="never changes: create a new profile instead")
    offset_x: float | None = Field(None, ge=-MAX_SHIFT, le=MAX_SHIFT)
    offset_y: float | None = Field(None, ge=-MAX_SHIFT, le=MAX_SHIFT)
    stock: str | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _name_stays(cls, value: Any) -> None:
        raise ValueError(_l("a printer's name cannot change; create a new profile"))


class Printer(Model):
    name: str
    offset_x: float
    offset_y: float
    stock: str | None
    school: str | None
