"""Label stock as data: every size in millimetres, measured from the page's top-left corner.

A sheet stock is an A4 (or Letter) page with a grid of labels; a roll stock is one label per page
(the page is the label), for thermal printers. The figures come from the manufacturers' data as
LibreOffice (``extras/source/labels/labels.xcu``) and glabels (``templates/*.xml``) record it; each
stock names its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Stock:
    id: str  # stable, URL-safe: "avery-l7160"
    name: str  # what the box says: "Avery L7160"
    kind: Literal["sheet", "roll"]
    label_width: float
    label_height: float
    page_width: float
    page_height: float
    columns: int = 1
    rows: int = 1
    left: float = 0.0  # page edge to the first column's left edge
    top: float = 0.0  # page edge to the first row's top edge
    pitch_x: float = 0.0  # left edge to left edge of neighbouring columns
    pitch_y: float = 0.0  # top edge to top edge of neighbouring rows
    corner_radius: float = 0.0
    dpi: int | None = None  # a thermal printer's resolution; None for sheets (laser/inkjet)
    margin: float = 1.5  # keep drawing this far inside the label's edge (die-cut tolerance, printer margin)
    durable: bool = False  # polyester/weatherproof stock
    source: str = ""

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def cell(self, index: int) -> tuple[float, float]:
        """Top-left corner (x, y from the page's top-left) of the label at `index` on its page, row by row."""
        row, column = divmod(index % self.per_page, self.columns)
        return self.left + column * self.pitch_x, self.top + row * self.pitch_y

    @property
    def gap_x(self) -> float:
        """Backing paper between neighbouring columns (pitch minus label width); 0 for a single column."""
        return self.pitch_x - self.label_width if self.columns > 1 else 0.0

    @property
    def gap_y(self) -> float:
        """Backing paper between neighbouring rows (pitch minus label height); 0 for a single row."""
        return self.pitch_y - self.label_height if self.rows > 1 else 0.0


_A4 = (210.0, 297.0)  # mm

# Where the figures come from
# ---------------------------
# Sheets: LibreOffice/core, extras/source/labels/labels.xml (the successor of labels.xcu; read at commit
# 2b45cac482a7b9973075bcaf21c028d118903f9d), manufacturer "Avery A4". Each <measure> is
#   S;horizontal pitch;vertical pitch;width;height;left;upper;columns;rows;page width;page height
# in 1/100 mm, so "S;6604;3810;6350;3810;720;1515;3;7;21000;29700" is a 66.04 x 38.10 mm pitch, a 63.50 x 38.10 mm
# label, 7.20 mm from the left and 15.15 mm from the top, 3 x 7 on a 210 x 297 mm page. The values are copied
# unrounded: Avery's A4 dies are inch-based (38.10 = 1.5 in, 99.06 = 3.9 in, 21.17 = 5/6 in, 33.86 = 4/3 in), and
# Avery's catalogue rounds them to 0.1 mm (99.1, 21.2, 33.9, 45.7, 29.6).
# Corner radii: jimevins/glabels-qt, templates/avery-iso-templates.xml
# (commit 21c6b82b04ca8dc7c76b68271b14aa778246ca7c), round="5" in points (glabels' unit when none is given)
# = 1.76 mm. glabels has no L7159, L6009 or L6011, and LibreOffice records no radii, so those three have
# corner_radius 0 (unknown, not "square").
# Where glabels' grid disagrees with LibreOffice's, LibreOffice's is kept because it matches Avery's published label
# size and pitch; the disagreements are noted at each stock.
#
# Rolls: one label per page, the page is the label (left = top = 0, pitch = label size). `margin` is the larger of the
# printer's unprintable edges for that stock, rounded up, so that a uniform inset never draws where the head cannot.

STOCKS: dict[str, Stock] = {
    stock.id: stock
    for stock in (
        # ---- A4 sheets (laser/inkjet) -------------------------------------------------------------------------
        # labels.xml "L7160 Address": S;6604;3810;6350;3810;720;1515;3;7;21000;29700.
        # glabels "7160" (L7160 equiv): width 181.4 pt = 63.99 mm, x0 21.2 pt = 7.48 mm, y0 43.9 pt = 15.49 mm, pitch
        # 66.04 x 38.10 mm -- its 64 mm width and shifted origin disagree with Avery's 63.5 x 38.1 mm; not used.
        Stock(
            id="avery-l7160", name="Avery L7160", kind="sheet",
            label_width=63.5, label_height=38.1, page_width=_A4[0], page_height=_A4[1],
            columns=3, rows=7, left=7.2, top=15.15, pitch_x=66.04, pitch_y=38.1,
            corner_radius=1.76,
            source="LibreOffice/core extras/source/labels/labels.xml, Avery A4 'L7160 Address'; "
                   "corner radius: jimevins/glabels-qt templates/avery-iso-templates.xml, Avery 7160 (round 5 pt)",
        ),
        # labels.xml "L7163 Address": S;10160;3810;9906;3810;467;1515;2;7;21000;29700 (symmetric 4.67 mm sides).
        # glabels "7163": width 280.9 pt = 99.10 mm, x0 9.5 pt = 3.35 mm, y0 43 pt = 15.17 mm, dx 292 pt = 103.01 mm --
        # a 103 mm pitch leaves 3.35 mm on the left and 4.54 mm on the right; Avery's pitch is 101.6 mm (4 in).
        # Not used.
        Stock(
            id="avery-l7163", name="Avery L7163", kind="sheet",
            label_width=99.06, label_height=38.1, page_width=_A4[0], page_height=_A4[1],
            columns=2, rows=7, left=4.67, top=15.15, pitch_x=101.6, pitch_y=38.1,
            corner_radius=1.76,
            source="LibreOffice/core extras/source/labels/labels.xml, Avery A4 'L7163 Address'; "
                   "corner radius: jimevins/glabels-qt templates/avery-iso-templates.xml, Avery 7163 (round 5 pt)",
        ),
        # labels.xml "L7651 Mini Address": S;4064;2117;3810;2117;467;1090;5;13;21000;29700 (10.90 mm top and bottom).
        # glabels "8651" (L7651 equiv): 108 x 60.09 pt = 38.10 x 21.20 mm, x0 4.70, y0 10.90, pitch 40.60 x 21.20 mm --
        # its 21.198 mm pitch puts the last row 0.34 mm lower and leaves 10.52 mm at the bottom. LibreOffice's grid
        # (same for J8651, L7551, C2651) is kept.
        Stock(
            id="avery-l7651", name="Avery L7651", kind="sheet",
            label_width=38.1, label_height=21.17, page_width=_A4[0], page_height=_A4[1],
            columns=5, rows=13, left=4.67, top=10.9, pitch_x=40.64, pitch_y=21.17,
            corner_radius=1.76,
            source="LibreOffice/core extras/source/labels/labels.xml, Avery A4 'L7651 Mini Address'; "
                   "corner radius: jimevins/glabels-qt templates/avery-iso-templates.xml, Avery 8651 "
                   "(L7651 equiv, round 5 pt)",
        ),
        # labels.xml "L7159 Address": S;6654;3386;6400;3386;646;1306;3;8;21000;29700 (also J8159, J8359). Only
        # LibreOffice has this sheet. Avery's catalogue sells L7159 as 63.5 x 33.9 mm; LibreOffice records a 64.0 mm
        # label on a 66.54 mm pitch. The difference is 0.5 mm at the outer columns, inside the 1.5 mm margin either way.
        Stock(
            id="avery-l7159", name="Avery L7159", kind="sheet",
            label_width=64.0, label_height=33.86, page_width=_A4[0], page_height=_A4[1],
            columns=3, rows=8, left=6.46, top=13.06, pitch_x=66.54, pitch_y=33.86,
            source="LibreOffice/core extras/source/labels/labels.xml, Avery A4 'L7159 Address'",
        ),
        # labels.xml "L6009 Silver Heavy Duty Labels": S;4826;2117;4572;2117;975;2141;4;12;21000;29700 (L6113 too).
        Stock(
            id="avery-l6009", name="Avery L6009", kind="sheet",
            label_width=45.72, label_height=21.17, page_width=_A4[0], page_height=_A4[1],
            columns=4, rows=12, left=9.75, top=21.41, pitch_x=48.26, pitch_y=21.17,
            durable=True,
            source="LibreOffice/core extras/source/labels/labels.xml, Avery A4 'L6009 Silver Heavy Duty Labels'",
        ),
        # labels.xml "L6011 Silver Heavy Duty Labels": S;6604;2963;6350;2963;721;1510;3;9;21000;29700 (L6114 too).
        Stock(
            id="avery-l6011", name="Avery L6011", kind="sheet",
            label_width=63.5, label_height=29.63, page_width=_A4[0], page_height=_A4[1],
            columns=3, rows=9, left=7.21, top=15.1, pitch_x=66.04, pitch_y=29.63,
            durable=True,
            source="LibreOffice/core extras/source/labels/labels.xml, Avery A4 'L6011 Silver Heavy Duty Labels'",
        ),
        # ---- thermal rolls --------------------------------------------------------------------------------------
        # Brother DK-11201 (formerly DK-1201), die-cut 29 x 90 mm, printed landscape. glabels-qt
        # templates/brother-other-templates.xml (commit ea7fbd6b86d46029571bad49b89a8a438462c63f) "DK-1201":
        # 28.96 x 89.83 mm (342 x 1061 dots at 300 dpi), round 1.5 mm, print area inset 1.5 mm across the tape
        # and 3.0 mm along the feed, after Brother's QL Series Command Reference. 300 dpi: michaelrsweet/lprint
        # lprint-brother.c (QL series).
        Stock(
            id="brother-dk-11201", name="Brother DK-11201", kind="roll",
            label_width=90.0, label_height=29.0, page_width=90.0, page_height=29.0,
            pitch_x=90.0, pitch_y=29.0,
            corner_radius=1.5, dpi=300, margin=3.0,
            source="jimevins/glabels-qt templates/brother-other-templates.xml, Brother 'DK-1201' (DK-11201); "
                   "300 dpi: michaelrsweet/lprint lprint-brother.c",
        ),
        # Brother DK-22205 (formerly DK-2205), 62 mm continuous paper tape. glabels-qt "DK-2205": width 61.98 mm (732
        # dots), min_height 25 mm, print area inset 1.5 mm across and 3.0 mm along the feed. Cut at 29 mm: the same
        # height as DK-11201, so one asset-label layout (QR the full printable height, tag and text beside it) fits
        # both Brother stocks unchanged; it is above glabels' 25 mm minimum, leaves a 23 mm square for the QR code
        # inside the 3 mm margin, uses the least tape of the sizes that do, and fits beside a laptop's rating plate.
        Stock(
            id="brother-dk-22205", name="Brother DK-22205 (62 mm continuous, cut at 29 mm)", kind="roll",
            label_width=62.0, label_height=29.0, page_width=62.0, page_height=29.0,
            pitch_x=62.0, pitch_y=29.0,
            dpi=300, margin=3.0,
            source="jimevins/glabels-qt templates/brother-other-templates.xml, Brother 'DK-2205' (DK-22205); "
                   "300 dpi: michaelrsweet/lprint lprint-brother.c",
        ),
        # Zebra 2 x 1 in (50.8 x 25.4 mm) direct-thermal die-cut labels on a 203 dpi desktop printer. Neither glabels
        # nor LibreOffice has Zebra stock; michaelrsweet/lprint lprint-zpl.c
        # (commit 01d1b7faac5ed4aca0111b495a4fdcc1a3efc2d4)
        # lists "oe_2x1-label_2x1in" for 2-inch ZPL printers, 203 dpi for the "-203dpi" drivers, and 0.01 mm margins
        # (ZPL prints to the edge), so the margin here is the die-cut registration tolerance only. No source gives a
        # corner radius.
        Stock(
            id="zebra-2x1", name="Zebra 2 × 1 in", kind="roll",
            label_width=50.8, label_height=25.4, page_width=50.8, page_height=25.4,
            pitch_x=50.8, pitch_y=25.4,
            dpi=203, margin=1.5,
            source="michaelrsweet/lprint lprint-zpl.c, media 'oe_2x1-label_2x1in', 203 dpi ZPL driver",
        ),
        # DYMO 11352 return-address labels, 25 x 54 mm, printed landscape. glabels-qt (j-evins/glabels-qt, commit
        # 30527791de8bfedf73100d2bac0be035c94e7e7b) templates/dymo-other-templates.xml "11352": 25 x 54 mm, round 1 mm.
        # Unprintable edges from DYMO's own CUPS PPD (matthiasbock/dymo-cups-drivers ppd/lw450.ppd, commit
        # 0773a6f61e85ab7b827246eb2e6465057f7896b4, "11352 Return Address Int"): PaperDimension 72 x 153.12 pt,
        # ImageableArea 4.08 4.32 69.12 146.64 pt, i.e. 1.44 / 1.02 mm across and 1.52 / 2.29 mm along the feed; the
        # margin is 2.5 mm. (glabels' Markup-rect for 11352 insets 6 mm at the ends, copied from the 89 mm address
        # label, whose PPD area does start 5.8 mm in; for 11352 the PPD says 2.29 mm.) LabelWriter: 300 dpi.
        Stock(
            id="dymo-11352", name="DYMO 11352", kind="roll",
            label_width=54.0, label_height=25.0, page_width=54.0, page_height=25.0,
            pitch_x=54.0, pitch_y=25.0,
            corner_radius=1.0, dpi=300, margin=2.5,
            source="j-evins/glabels-qt templates/dymo-other-templates.xml, Dymo '11352'; "
                   "printable area: matthiasbock/dymo-cups-drivers ppd/lw450.ppd, '11352 Return Address Int'",
        ),
    )
}
