"""Where a PDF's text and lines are, read back with PDFium: every text object (one string drawn at a time) with
its box, and every path's box, in points from the page's bottom-left corner (PDF's own coordinates)."""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2
import pypdfium2.raw as pdfium_c

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Box:
    text: str  # "" for a path
    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: Box, slack: float = 0.0) -> bool:
        """Whether the two boxes share any area (more than `slack` points each way)."""
        return (min(self.right, other.right) - max(self.left, other.left) > slack
                and min(self.top, other.top) - max(self.bottom, other.bottom) > slack)

    def inside(self, left: float, bottom: float, right: float, top: float, slack: float = 0.0) -> bool:
        return (self.left >= left - slack and self.right <= right + slack and self.bottom >= bottom - slack
                and self.top <= top + slack)

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    texts: list[Box]
    paths: list[Box]

    def find(self, text: str) -> list[Box]:
        """The text objects holding `text` (spaces as drawn, outer spaces ignored)."""
        return [box for box in self.texts if text in box.text]

    def one(self, text: str) -> Box:
        found = self.find(text)
        assert len(found) == 1, (text, found)
        return found[0]


def pages(pdf: bytes) -> list[Page]:
    """Each page's text objects and paths, with their boxes."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        made = []
        for page in document:
            textpage = page.get_textpage()
            texts, paths = [], []
            for obj in page.get_objects():
                if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
                    obj.textpage = textpage
                    text = obj.extract().strip()
                    if text:
                        texts.append(Box(text, *obj.get_bounds()))
                elif obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
                    paths.append(Box("", *obj.get_bounds()))
            made.append(Page(page.get_width(), page.get_height(), texts, paths))
        return made
    finally:
        document.close()


def vertical_lines(page: Page, min_height: float = 10.0) -> list[Box]:
    """The thin upright lines (a table's column rules), left to right."""
    return sorted((p for p in page.paths if p.width < 1.5 and p.height >= min_height), key=lambda p: p.left)


def horizontal_lines(page: Page, min_width: float = 10.0) -> list[Box]:
    """The thin level lines (rules, signature lines), top to bottom."""
    return sorted((p for p in page.paths if p.height < 1.5 and p.width >= min_width), key=lambda p: -p.top)
