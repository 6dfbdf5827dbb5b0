"""The print shop: plain data in, PDF/PNG/SVG/ZPL bytes out. Imports no Flask and no database.

    stocks    label stock geometry, in millimetres, from the manufacturers' data
    symbols   QR code and Code128 as modules
    layout    one label on one stock: the drawing items, adapted to the space
    pdf, svg, png, zpl   the outputs; pdf also the calibration page
    fonts     DejaVu Sans, embedded
    emblem    the EU emblem as vectors
    documents the A4 documents: loan agreements, signed copies, return acts, reconciliation reports, packing lists
    catalog   the documents' words in Latvian and English (Babel catalogs in translations/)
"""

from labels.fonts import FontMissing
from labels.layout import LabelData, Layout, layout
from labels.pdf import Calibration, calibration_pdf, label_pdf, labels_pdf
from labels.png import label_png
from labels.stocks import STOCKS, Stock
from labels.svg import label_svg
from labels.zpl import labels_zpl

__all__ = ["STOCKS", "Calibration", "FontMissing", "LabelData", "Layout", "Stock", "calibration_pdf", "label_pdf",
           "label_png", "label_svg", "labels_pdf", "labels_zpl", "layout"]
