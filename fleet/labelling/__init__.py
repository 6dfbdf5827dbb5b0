"""Labels in the service: what a device's label says, which devices a print run holds, printer
calibration profiles, the print record, and pre-printed tag batches.

The print shop (``labels``) draws; this package decides what to draw and records it. Every print
or reprint is a ``label_printed`` event with its reason, so a device's history says which label
is on it. A pre-printed label carries a tag allocated ahead of any device; the first scan of it
together with a device's serial binds the two (``tag_bound``).

The package: ``content`` (what a label says, stocks, formats), ``printers`` (calibration
profiles), ``print_runs`` (a run's devices and the print record), ``batches`` (pre-printed tags),
``selection`` (a run chosen on a page: what can be printed and why not the rest, the used cells of a
part-used sheet, a recorded run found again, the first page as a picture).
Every name is re-exported here, so ``from fleet import labelling; labelling.stock(...)`` works.
"""

from __future__ import annotations

from fleet.labelling.batches import MAX_BATCH, batch_label, batch_rows, batch_tags, bind, create_batch, preprinted
from fleet.labelling.content import FORMATS, PROGRAMME, label_data, label_url, output_format, skip, stock
from fleet.labelling.print_runs import MAX_RUN, confirm_label, grouped_devices, record_prints, run_devices
from fleet.labelling.printers import (
    MAX_SHIFT,
    PrinterScope,
    calibration,
    find_printer,
    printer,
    save_printer,
)
from fleet.labelling.selection import choose, first_page_png, print_chosen, recorded_run, skip_after
from fleet.labelling.sheets import Sheet, sheet

__all__ = [
    "FORMATS", "MAX_BATCH", "MAX_RUN", "MAX_SHIFT", "PROGRAMME", "PrinterScope", "Sheet", "batch_label", "batch_rows",
    "batch_tags", "bind", "calibration", "choose", "confirm_label", "create_batch", "find_printer", "first_page_png",
    "grouped_devices", "label_data", "label_url", "output_format", "preprinted", "print_chosen", "printer",
    "record_prints", "recorded_run", "run_devices", "save_printer", "sheet", "skip", "skip_after", "stock",
]
