"""Benchmark: a 1,000-label PDF on Avery L7159, Fleet's print shop beside two baselines.

Method
  All three renderers draw the same 1,000 labels (Recovery-Fund devices: QR code of the device
  URL, Code128 of the serial, tag, model, owner, programme, funding line) at the same positions —
  those of ``labels.layout`` — on L7159 sheets with DejaVu Sans embedded:
    fleet      ``labels.labels_pdf``: QR by zxing-cpp and Code128 by python-barcode, drawn as
               vector rectangles written straight into the content stream;
    widget     reportlab's own barcode widgets (``QrCodeWidget`` at level Q, ``Code128``), each
               drawn through ``renderPDF.draw``;
    png        a qrcode PNG image per label placed with ``drawImage`` (the usual recipe), the
               Code128 by reportlab's widget.
  The process is pinned to one core; each renderer runs ``--rounds`` times with the order
  alternating, and the table shows the median CPU time. Then the QR encoders alone, per symbol.

Run from the repository's root: ``.venv/bin/python -m scripts.bench.label_sheets [--labels N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time

import qrcode
import segno
import zxingcpp
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

import labels
from labels import fonts, pdf
from labels.layout import Code128 as BarItem
from labels.layout import QRCode, Text

STOCK = labels.STOCKS["avery-l7159"]
MM = pdf.MM


def sample(n: int, start: int = 0) -> list[labels.LabelData]:
    """`n` labels numbered from `start`: every round draws devices not seen before (no cache helps)."""
    return [labels.LabelData(
        asset_tag=f"DIB-{i:06d}-K", serial=f"5CD{i:07d}X", qr_text=f"HTTPS://FLEET.IZM.GOV.LV/D/DIB-{i:06d}-K",
        manufacturer="HP", model="ProBook 450 G9", owner="Ķekavas novada pašvaldība",
        programme="Dators ikvienam bērnam", eu_funded=True) for i in range(start, start + n)]


def fleet(data: list[labels.LabelData]) -> bytes:
    return labels.labels_pdf(STOCK, data)


def _baseline(data: list[labels.LabelData], draw_qr) -> bytes:
    """Same positions and text as Fleet's layout; the symbols drawn the way a baseline draws them."""
    canvas = Canvas(io.BytesIO(), pagesize=(STOCK.page_width * MM, STOCK.page_height * MM), pageCompression=1)
    regular, bold = fonts.register()
    h = STOCK.page_height
    for index, item in enumerate(data):
        if index and index % STOCK.per_page == 0:
            canvas.showPage()
        left, top = STOCK.cell(index)
        drawn = labels.layout(STOCK, item)
        for part in drawn.items:
            if isinstance(part, QRCode):
                side = part.symbol.size * part.module
                draw_qr(canvas, item.qr_text, (left + part.x) * MM, (h - top - part.y - side) * MM, side * MM)
            elif isinstance(part, BarItem):
                bar = Code128(item.serial, barWidth=part.module * MM, barHeight=part.height * MM, quiet=0)
                bar.drawOn(canvas, (left + part.x) * MM, (h - top - part.y - part.height) * MM)
            elif isinstance(part, Text):
                canvas.setFont(bold if part.bold else regular, part.size)
                canvas.drawString((left + part.x) * MM, (h - top - part.baseline) * MM, part.text)
    canvas.showPage()
    return canvas.getpdfdata()


def _widget_qr(canvas, text, x, y, side):
    widget = QrCodeWidget(text, barLevel="Q", barBorder=0)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def _png_qr(canvas, text, x, y, side):
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0, box_size=10)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    buffer.seek(0)
    canvas.drawImage(ImageReader(buffer), x, y, side, side)


def widget(data):
    return _baseline(data, _widget_qr)


def png(data):
    return _baseline(data, _png_qr)


RENDERERS = {"fleet": fleet, "widget": widget, "png": png}


def cpu(fn, *args) -> tuple[float, object]:
    start = time.process_time()
    result = fn(*args)
    return time.process_time() - start, result


def encoders(n: int) -> dict[str, float]:
    texts = [f"HTTPS://FLEET.IZM.GOV.LV/D/DIB-{i:06d}-K" for i in range(n)]

    def with_qrcode(t):
        c = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
        c.add_data(t)
        c.make(fit=True)
        return c.modules

    def with_segno(t):
        return segno.make_qr(t, error="q", boost_error=False).matrix

    def with_zxing(t):
        return zxingcpp.create_barcode(t, zxingcpp.BarcodeFormat.QRCode, ec_level="Q").to_image(scale=1)

    out = {}
    for name, fn in (("zxing-cpp", with_zxing), ("segno", with_segno), ("qrcode", with_qrcode)):
        seconds, _ = cpu(lambda f=fn: [f(t) for t in texts])
        out[name] = seconds / n * 1e6
    return out


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.label_sheets", description=__doc__.splitlines()[0])
    p.add_argument("--labels", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    for fn in RENDERERS.values():  # warm up: fonts registered, modules imported
        fn(sample(30, 900_000))
    times: dict[str, list[float]] = {k: [] for k in RENDERERS}
    sizes: dict[str, int] = {}
    order = list(RENDERERS)
    for r in range(args.rounds):
        for name in (order if r % 2 == 0 else order[::-1]):
            first = (r * len(order) + order.index(name)) * args.labels
            seconds, document = cpu(RENDERERS[name], sample(args.labels, first))
            times[name].append(seconds)
            sizes[name] = len(document)
    rate = {k: args.labels / statistics.median(v) for k, v in times.items()}
    per_label = {k: sizes[k] / args.labels / 1024 for k in sizes}
    print(f"\n{args.labels:,} labels on {STOCK.name}, one core, median CPU time of {args.rounds} rounds\n")
    print("| renderer | labels/s | KiB per label | Fleet's speed-up |")
    print("| --- | --- | --- | --- |")
    for name in RENDERERS:
        print(f"| {name} | {rate[name]:,.0f} | {per_label[name]:.2f} | {rate['fleet'] / rate[name]:.1f}× |")
    checks = [("labels/s", f"{rate['fleet']:,.0f}", "≥ 1,000", rate["fleet"] >= 1000),
              ("speed-up over png", f"{rate['fleet'] / rate['png']:.1f}×", "≥ 10×", rate["fleet"] >= 10 * rate["png"]),
              ("PDF size per label", f"{per_label['fleet'] * 1024:,.0f} B", "< 2 KiB", per_label["fleet"] < 2)]
    print("\n| target | Fleet | target | met? |\n| --- | --- | --- | --- |")
    for label, value, target, met in checks:
        print(f"| {label} | {value} | {target} | {'yes' if met else 'NO'} |")
    enc = encoders(300)
    print("\n| QR encoder (level Q, one device URL) | µs per symbol |\n| --- | --- |")
    for name, micros in enc.items():
        print(f"| {name} | {micros:,.0f} |")


if __name__ == "__main__":
    main()
