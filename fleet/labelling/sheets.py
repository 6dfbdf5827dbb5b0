"""What a print needs before it draws: the printer profile (its calibration), the label stock — the
one asked for, else the printer's — and the used cells to skip on a sheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

import labels
from fleet.labelling.content import skip as checked_skip
from fleet.labelling.content import stock as known_stock
from fleet.labelling.printers import PrinterScope, calibration, printer
from fleet.models import Printer


@dataclass(frozen=True)
class Sheet:
    printer: Printer | None
    stock: labels.Stock
    skip: int

    @property
    def calibration(self) -> labels.Calibration:
        return calibration(self.printer)


def sheet(session: Session, scope: PrinterScope, printer_name: Any = None, stock_id: Any = None,
          skip: Any = None) -> Sheet:
    """The printer (``invalid_input`` when the caller may not use it), the stock (``stock_id``, else the
    printer's), and ``skip`` checked against the stock's cells."""
    row = printer(session, printer_name, scope)
    if stock_id is None and row is not None:
        stock_id = row.stock
    stock = known_stock(stock_id)
    return Sheet(row, stock, checked_skip(skip, stock))
