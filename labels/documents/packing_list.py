"""The packing list of a shipment (or one per box, each on its own page), in Latvian with the English beside
it, with the signature lines of who handed the devices over and who received them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from labels.catalog import N_, NP_, bilingual, text
from labels.documents.sheet import sheet, styles, table

BOX, FROM, TO, OWNER, DATE, DEVICES = N_("Box"), N_("From"), N_("To"), N_("Owner"), N_("Date"), N_("Devices")
NUMBER, MODEL = N_("No."), N_("Model")
SERIAL, ASSET_TAG = NP_("packing list column", "Serial"), NP_("packing list column", "Asset tag")
HANDED, RECEIVED = N_("Handed over by"), N_("Received by")
SIGNER, SIGNED_ON = N_("name, signature"), N_("date")
COLUMNS = [12 * mm, 42 * mm, 46 * mm, 70 * mm, 10 * mm]  # No., serial, asset tag, model, ✓: 180 mm


@dataclass(frozen=True)
class PackingItem:
    serial: str
    asset_tag: str
    model: str


@dataclass(frozen=True)
class PackingList:
    title: str  # "Sūtījums 7 / Shipment 7"
    sender: str
    recipient: str  # the school
    founder: str
    date: str
    items: Sequence[PackingItem] = field(default_factory=tuple)


def packing_list_pdf(packing: PackingList, box_size: int | None = None) -> bytes:
    """The packing list of a shipment; with `box_size`, one list per box (each on its own page,
    "Kaste 2/5"), so every box carries its own."""
    st = styles()
    items = list(packing.items)
    boxes = [items[i:i + box_size] for i in range(0, len(items), box_size)] if box_size else [items]
    story: list = []
    for number, box in enumerate(boxes, 1):
        if number > 1:
            story.append(PageBreak())
        title = packing.title + (f" · {bilingual(BOX)} {number}/{len(boxes)}" if box_size else "")
        story += [Paragraph(title, st["title"]),
                  table([[Paragraph(k, st["cell"]), Paragraph(v, st["cell"])] for k, v in (
                      (bilingual(FROM), packing.sender), (bilingual(TO), packing.recipient),
                      (bilingual(OWNER), packing.founder), (bilingual(DATE), packing.date),
                      (bilingual(DEVICES), str(len(box))))], [45 * mm, 135 * mm], header=False, grid=False),
                  Spacer(1, 4 * mm)]
        first = sum(len(b) for b in boxes[:number - 1])
        # The header cells wrap within their columns (a plain string would run on into the next one)
        rows = [[Paragraph(escape(heading), st["headcell"]) for heading in (
                    text(NUMBER, "lv"), bilingual(SERIAL), bilingual(ASSET_TAG), bilingual(MODEL))] + ["✓"]]
        rows += [[str(first + i), item.serial, item.asset_tag, Paragraph(escape(item.model), st["cell"]), ""]
                 for i, item in enumerate(box, 1)]
        story.append(table(rows, COLUMNS))
        story.append(KeepTogether([Spacer(1, 10 * mm), _signatures()]))
    out = io.BytesIO()
    sheet(out, packing.title).build(story)
    return out.getvalue()


def _signatures() -> Table:
    line = "_" * 34
    rows = [[bilingual(HANDED), bilingual(RECEIVED)],
            [line, line],
            [bilingual(SIGNER)] * 2,
            [f"{bilingual(SIGNED_ON)}: ____________"] * 2]
    made = table(rows, [90 * mm, 90 * mm], header=False, grid=False)
    made.setStyle(TableStyle([("FONTSIZE", (0, 2), (-1, 2), 6.5), ("TOPPADDING", (0, 1), (-1, 1), 8)]))
    return made
