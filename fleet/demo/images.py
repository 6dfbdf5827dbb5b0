"""The demo's pictures: a guardian's drawn signature and a paper agreement's scan, made with Pillow."""

from __future__ import annotations

import io


def signature_png(text_width: int = 160) -> bytes:
    """A small drawn signature, as the signing page's canvas sends it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (text_width, 48), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(6, 36), (30, 8), (52, 40), (80, 12), (110, 38), (150, 14)], fill=(20, 30, 90, 255),
                               width=3)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def paper_scan_png() -> bytes:
    """A tiny 'scan' of a signed paper agreement: a grey page with a few lines and a signature."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (210, 297), 245)
    draw = ImageDraw.Draw(image)
    for y in range(30, 220, 12):
        draw.line([(20, y), (190, y)], fill=140)
    draw.line([(120, 260), (140, 245), (160, 262), (185, 248)], fill=20, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
