"""One label as PNG: the label's own PDF page rasterised by PDFium, so the PNG shows exactly what
prints. Thermal stock renders at the printer's resolution without smoothing (crisp module edges);
sheet stock at 300 dpi unless asked otherwise."""

from __future__ import annotations

import io

import pypdfium2

from labels.layout import LabelData
from labels.pdf import label_pdf
from labels.stocks import Stock


def label_png(stock: Stock, data: LabelData, dpi: int | None = None) -> bytes:
    dpi = dpi or stock.dpi or 300
    document = pypdfium2.PdfDocument(label_pdf(stock, data))
    try:
        bitmap = document[0].render(scale=dpi / 72, no_smoothpath=stock.dpi is not None)
        image = bitmap.to_pil().convert("L" if stock.dpi else "RGB")
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=False)
    return out.getvalue()
