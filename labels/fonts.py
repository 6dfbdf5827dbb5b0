"""Fonts: DejaVu Sans, embedded in every PDF, so ā č ē ģ ī ķ ļ ņ š ū ž print everywhere.

The files come from the system (Debian's fonts-dejavu-core) unless `FLEET_FONT_DIR` names another
directory holding DejaVuSans.ttf and DejaVuSans-Bold.ttf. Fonts are registered once per process.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEFAULT_DIR = "/usr/share/fonts/truetype/dejavu"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
SETTING = "FLEET_FONT_DIR"
ELLIPSIS = "…"


class FontMissing(RuntimeError):
    """A font file is not where it should be; the message names the file and the setting."""


def font_dir() -> Path:
    return Path(os.environ.get(SETTING) or DEFAULT_DIR)


def font_file(name: str) -> Path:
    path = font_dir() / f"{name}.ttf"
    if not path.is_file():
        raise FontMissing(f"font file {path} is missing: install fonts-dejavu-core, "
                          f"or set {SETTING} to a directory holding {REGULAR}.ttf and {BOLD}.ttf")
    return path


_registered: tuple[str, str] | None = None


def register() -> tuple[str, str]:
    """Register the regular and bold faces with reportlab (once per process); returns their names."""
    global _registered
    if _registered is None:
        for name in (REGULAR, BOLD):
            pdfmetrics.registerFont(TTFont(name, str(font_file(name))))
        # <b> in a paragraph picks the bold face (there is no italic one: regular stands in)
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
        _registered = REGULAR, BOLD
    return _registered


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of `text` in millimetres at `size_pt` points."""
    if _registered is None:
        register()
    return pdfmetrics.stringWidth(text, BOLD if bold else REGULAR, size_pt) * 25.4 / 72


@lru_cache(maxsize=8192)
def fit(text: str, width_mm: float, size_pt: float, min_pt: float, bold: bool = False) -> tuple[str, float]:
    """Shrink `text` from `size_pt` down to `min_pt` until it fits `width_mm`; then cut it with an ellipsis."""
    natural = text_width(text, size_pt, bold)
    if natural <= width_mm:
        return text, size_pt
    # a hair under: the scaled width is exact only to rounding
    size = max(min_pt, size_pt * width_mm / natural * (1 - 1e-9))
    if text_width(text, size, bold) <= width_mm:
        return text, size
    cut = text
    while cut and text_width(cut.rstrip() + ELLIPSIS, size, bold) > width_mm:
        cut = cut[:-1]
    return (cut.rstrip() + ELLIPSIS if cut else ""), size
