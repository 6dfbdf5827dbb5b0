"""Labels as ZPL II for Zebra printers: the printer draws the QR code (^BQ) and the Code128 (^BC)
itself at its own resolution, from the same layout as the PDF; text in the printer's scalable
font 0 with UTF-8 (^CI28), each line in a text block (^TB) that ends at the label's margin; the
EU emblem as a small bitmap (^GF). A calibration shift becomes the label home (^LH); a negative
one, which ^LH cannot take, moves every field origin (^FO) instead."""

from __future__ import annotations

from collections.abc import Iterable

from PIL import Image, ImageDraw

from labels import emblem
from labels.layout import ASCENT, DESCENT, PT, Code128, Emblem, LabelData, QRCode, Text, layout
from labels.pdf import NO_SHIFT, Calibration
from labels.stocks import Stock

ZEBRA_DPI = 203


def labels_zpl(stock: Stock, labels: Iterable[LabelData], calibration: Calibration = NO_SHIFT) -> bytes:
    dpi = stock.dpi or ZEBRA_DPI

    def dots(mm: float) -> int:
        return round(mm * dpi / 25.4)

    shift_x, shift_y = dots(calibration.x), dots(calibration.y)

    def origin(x: float, y: float) -> str:
        return f"^FO{max(0, dots(x) + min(0, shift_x))},{max(0, dots(y) + min(0, shift_y))}"

    out = []
    for data in labels:
        drawn = layout(stock, data)
        cmds = ["^XA", "^CI28", f"^PW{dots(stock.label_width)}", f"^LL{dots(stock.label_height)}",
                f"^LH{max(0, shift_x)},{max(0, shift_y)}"]
        for item in drawn.items:
            if isinstance(item, QRCode):
                cmds.append(f"{origin(item.x, item.y)}^BQN,2,{max(1, dots(item.module))}"
                            f"^FH^FDQA,{_field(item.symbol.text)}^FS")
            elif isinstance(item, Code128):
                cmds.append(f"{origin(item.x, item.y)}^BY{max(1, dots(item.module))}"
                            f"^BCN,{dots(item.height)},N,N,N,A^FH^FD{_field(item.symbol.text)}^FS")
            elif isinstance(item, Text):
                # The layout fits the text in DejaVu's metrics; the printer's font 0 has its own, so
                # a text block (^TB) clips the line at the label's margin rather than past its edge.
                height, top = dots(item.size * PT), item.baseline - ASCENT * item.size * PT
                room = dots(stock.label_width - stock.margin - item.x)
                block = dots((ASCENT + DESCENT) * item.size * PT)
                cmds.append(f"{origin(item.x, top)}^A0N,{height},{height}^TBN,{room},{block}"
                            f"^FH^FD{_field(item.text)}^FS")
            elif isinstance(item, Emblem):
                cmds.append(f"{origin(item.x, item.y)}{_emblem(dots(1.5 * item.height), dots(item.height))}^FS")
        cmds.append("^PQ1^XZ")
        out.append("\n".join(cmds))
    return ("\n".join(out) + "\n").encode()


def _field(text: str) -> str:
    """Field data with ^FH: the two characters ZPL reserves are written as hexadecimal escapes."""
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def _emblem(width: int, height: int) -> str:
    """The emblem for a one-colour head: a dark field with the stars left blank (^GFA, hexadecimal)."""
    row_bytes = (width + 7) // 8
    image = Image.new("1", (row_bytes * 8, height), 1)  # the padding to a whole byte stays blank
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), fill=0)
    scale = height
    for star in emblem.stars(0, 0, 1):
        draw.polygon([(x * scale, y * scale) for x, y in star], fill=1)
    data = bytes(b ^ 0xFF for b in image.tobytes())  # ZPL: a set bit prints black
    return f"^GFA,{len(data)},{len(data)},{row_bytes},{data.hex().upper()}"
