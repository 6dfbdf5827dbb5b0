"""labelling.sheet: the printer, the stock (asked for, else the printer's) and the cells to skip, checked
once for every print (a device's label, a print run, a pre-printed batch)."""

from __future__ import annotations

import pytest

from fleet import labelling
from fleet.errors import FleetError
from fleet.models import Printer

EVERYWHERE = labelling.PrinterScope(None)


def test_without_a_printer_the_stock_asked_for_and_no_shift(session):
    sheet = labelling.sheet(session, EVERYWHERE, None, "avery-l7160", 3)
    assert sheet.printer is None and sheet.stock.id == "avery-l7160" and sheet.skip == 3
    assert sheet.calibration == labelling.calibration(None)


def test_a_printer_gives_its_stock_and_its_shift_unless_another_stock_is_asked_for(session):
    session.add(Printer(name="Zebra 1", offset_x=1.5, offset_y=-0.5, stock="zebra-2x1"))
    session.commit()
    sheet = labelling.sheet(session, EVERYWHERE, "Zebra 1")
    assert sheet.stock.id == "zebra-2x1" and (sheet.calibration.x, sheet.calibration.y) == (1.5, -0.5)
    assert labelling.sheet(session, EVERYWHERE, "Zebra 1", "avery-l7160").stock.id == "avery-l7160"


@pytest.mark.parametrize("printer, stock, skip, field", [
    ("Nav tāda", "avery-l7160", None, "printer"), (None, "nope", None, "stock"), (None, None, None, "stock"),
    (None, "avery-l7160", 999, "skip"), (None, "zebra-2x1", 1, "skip"),  # a roll has no cells to skip
])
def test_what_cannot_be_printed_on_is_refused_by_field(session, printer, stock, skip, field):
    with pytest.raises(FleetError) as e:
        labelling.sheet(session, EVERYWHERE, printer, stock, skip)
    assert e.value.code == "invalid_input" and e.value.details[0]["field"] == field


def test_a_printer_of_another_school_is_not_offered(session):
    session.add(Printer(name="Skolas printeris", offset_x=0, offset_y=0, school_id=None))
    session.commit()
    with pytest.raises(FleetError) as e:
        labelling.sheet(session, labelling.PrinterScope(frozenset({12345})), "Skolas printeris", "avery-l7160")
    assert e.value.details == [{"field": "printer"}]
