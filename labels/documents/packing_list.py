"""The packing list of a shipment (or one per box, each on its own page), in Latvian with the English beside
it, with the signature lines of who handed the devices over and who received them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from labels.documents.sheet import sheet, styles, table


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
        title = packing.title + (f" · Kaste / Box {number}/{len(boxes)}" if box_size else "")
        story += [Paragraph(title, st["title"]),
                  table([[Paragraph(k, st["cell"]), Paragraph(v, st["cell"])] for k, v in (
                      ("Nosūtītājs / From", packing.sender), ("Saņēmējs / To", packing.recipient),
                      ("Dibinātājs / Owner", packing.founder), ("Datums / Date", packing.date),
                      ("Ierīces / Devices", str(len(box))))], [45 * mm, 135 * mm], header=False, grid=False),
                  Spacer(1, 4 * mm)]
        first = sum(len(b) for b in boxes[:number - 1])
        rows = [["Nr.", "Sērijas numurs / Serial", "Inventāra Nr. / Asset tag", "Modelis / Model", "✓"]]
        rows += [[str(first + i), item.serial, item.asset_tag, Paragraph(item.model, st["cell"]), ""]
                 for i, item in enumerate(box, 1)]
        story.append(table(rows, [12 * mm, 45 * mm, 38 * mm, 75 * mm, 10 * mm]))
        story.append(KeepTogether([Spacer(1, 10 * mm), _signatures()]))
    out = io.BytesIO()
    sheet(out, packing.title).build(story)
    return out.getvalue()


def _signatures() -> Table:
    line = "_" * 34
    rows = [["Nodeva / Handed over by", "Pieņēma / Received by"],
            [line, line],
            ["vārds, uzvārds, paraksts / name, signature", "vārds, uzvārds, paraksts / name, signature"],
            ["datums / date: ____________", "datums / date: ____________"]]
    made = table(rows, [90 * mm, 90 * mm], header=False, grid=False)
    made.setStyle(TableStyle([("FONTSIZE", (0, 2), (-1, 2), 6.5), ("TOPPADDING", (0, 1), (-1, 1), 8)]))
    return made
