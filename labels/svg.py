"""One label as SVG: millimetre units, symbols as one path each (a rectangle per run of modules)."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from labels import emblem, symbols
from labels.layout import PT, Code128, Emblem, LabelData, QRCode, Text, layout
from labels.stocks import Stock


def label_svg(stock: Stock, data: LabelData) -> bytes:
    drawn = layout(stock, data)
    w, h = drawn.width, drawn.height
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:g}mm" height="{h:g}mm" viewBox="0 0 {w:g} {h:g}">',
             f'<rect width="{w:g}" height="{h:g}" fill="#fff"/>']
    for item in drawn.items:
        if isinstance(item, QRCode):
            runs = "".join(f"M{x} {y}h{n}v1h-{n}z" for x, y, n in symbols.qr_rects(item.symbol))
            parts.append(f'<path class="qr" transform="translate({item.x:.4f} {item.y:.4f}) scale({item.module:.5f})" '
                         f'd="{runs}" data-text={quoteattr(item.symbol.text)}/>')
        elif isinstance(item, Code128):
            bars = "".join(f"M{x} 0h{n}v1h-{n}z" for x, n in symbols.bar_rects(item.symbol))
            parts.append(f'<path class="code128" transform="translate({item.x:.4f} {item.y:.4f}) '
                         f'scale({item.module:.5f} {item.height:.4f})" d="{bars}" '
                         f'data-text={quoteattr(item.symbol.text)}/>')
        elif isinstance(item, Emblem):
            parts.append(f'<g class="eu-emblem"><rect x="{item.x:.3f}" y="{item.y:.3f}" '
                         f'width="{1.5 * item.height:.3f}" height="{item.height:.3f}" fill="{_hex(emblem.BLUE)}"/>')
            for star in emblem.stars(item.x, item.y, item.height):
                points = " ".join(f"{x:.3f},{y:.3f}" for x, y in star)
                parts.append(f'<polygon points="{points}" fill="{_hex(emblem.GOLD)}"/>')
            parts.append("</g>")
        elif isinstance(item, Text):
            weight = ' font-weight="bold"' if item.bold else ""
            parts.append(f'<text x="{item.x:.3f}" y="{item.baseline:.3f}" font-family="DejaVu Sans" '
                         f'font-size="{item.size * PT:.3f}"{weight}>{escape(item.text)}</text>')
    parts.append("</svg>")
    return "\n".join(parts).encode()


def _hex(colour: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in colour)
