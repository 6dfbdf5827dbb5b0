"""Pictures and PDFs that people upload (the scan of a paper-signed agreement, a signature drawn on the
public signing page), checked for what they declare before any of them is decoded.

A decompression bomb is a small file that declares a huge picture: a 0.5 MB PNG of 13,000 × 13,000
pixels decodes to 676 MB. An image's size is read from its header first (Pillow reads it on
``Image.open`` without decoding), and one over the limits is refused with ``too_large`` and never
decoded. Pillow keeps at most 4 bytes a pixel of any PNG or JPEG (16-bit RGBA is decoded to 8 bits a
channel, 16-bit grey to 2 bytes, CMYK is 4), so the pixel limit bounds the decoded picture whatever its
mode; the side limit bounds the decoder's row buffers (a 16-bit RGBA row is 8 bytes a pixel, twice).

The limits, and why:

- a signature: 2,000,000 pixels, 4,000 on a side. The pad draws 600 × 200 (0.12 Mpx); the PDF's
  signature box is 90 × 35 mm, which a 600 dpi printer prints with 2,126 × 827 dots (1.76 Mpx), so more
  pixels print no finer. Decoded, in the web process, at most 8 MB.
- a scan: 40,000,000 pixels, 10,000 on a side. An A4 page at 300 dpi (the usual) is 2,480 × 3,508
  (8.7 Mpx), at 600 dpi 4,961 × 7,016 (34.8 Mpx); a phone's photo of the page 12-24 Mpx; A3's long side
  at 600 dpi is 9,921. A PDF scan: at most 50 pages (an agreement is two or three).

A scan within those limits is still read in a child process whose memory (384 MiB) and processor time
(10 s) are bounded: decoding a 40 Mpx colour scan takes 160 MB, which a web worker should neither need
nor keep (freed memory is seldom given back to the system), and PDFium inflates a PDF's object stream
whole to read one object from it, so a 1 MB PDF asks for 2 GB and a 9 MB one for 10 GB; nothing short of
a PDF parser of our own could tell in advance. The web process never decodes a scan itself.
"""

from __future__ import annotations

import io
import json
import signal
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass

from PIL import Image

from fleet import document_store
from fleet.errors import FleetError
from labels.documents.signed_agreement import SIGNATURE_MAX_PIXELS


@dataclass(frozen=True)
class Limits:
    what: str  # "scan", "signature": in messages
    field: str  # the request's field, in the error's details
    pixels: int
    side: int


SIGNATURE = Limits("signature", "signature", pixels=SIGNATURE_MAX_PIXELS, side=4_000)
SCAN = Limits("scan", "file", pixels=40_000_000, side=10_000)
MAX_SCAN_PAGES = 50
CHILD_MEMORY = 384 * 1024 * 1024  # address space: a 40 Mpx RGBA PNG decodes in ~180 MB, a PDF opens in ~80 MB
CHILD_CPU_SECONDS = 10
CHILD_WALL_SECONDS = 60  # a safety net only: the processor time is the bound (a loaded machine is slow)
_children = threading.BoundedSemaphore(2)  # scans read at once by one web process; more wait their turn


class Unreadable(ValueError):
    """The file is not what it must be (not a readable PNG, JPEG or PDF, or an animated image); the
    message says what, for the error's details."""


def check_signature(data: bytes | None) -> None:
    """A drawn signature: one still PNG within the signature limits, decoded to see it is whole.
    Over the limits: ``too_large``, and nothing of it is decoded; otherwise unusable: ``Unreadable``."""
    if not data or document_store.sniff(data) != "image/png":
        raise Unreadable("a drawn signature (PNG) is required")
    declared = _png_header_size(data)
    if declared is None:
        raise Unreadable("a drawn signature (PNG) is required")
    _within(SIGNATURE, *declared)  # before Pillow opens it: a bomb is refused without a word from Pillow
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            _within(SIGNATURE, *image.size)  # the size Pillow would decode (the first IHDR may not be the last)
            if getattr(image, "n_frames", 1) != 1:
                raise Unreadable("a drawn signature is one still picture, not an animated one")
            image.load()
    except Image.DecompressionBombError:  # Pillow's own limit: far past ours
        raise _too_large(SIGNATURE, None) from None
    except Unreadable:
        raise
    except (OSError, ValueError, SyntaxError, struct.error):
        raise Unreadable("a drawn signature (PNG) is required; this one cannot be read") from None


def scan_pages(scan: bytes) -> int:
    """The pages of a paper scan (a PDF's page count; a PNG or JPEG is one page), read in a bounded child
    process. Over the limits: ``too_large``; not a readable PDF, PNG or JPEG: ``Unreadable``."""
    kind = document_store.sniff(scan)
    if kind is None:
        raise Unreadable("the scan must be a readable PDF, PNG or JPEG (checked by content)")
    if kind == "image/png" and (declared := _png_header_size(scan)) is not None:
        _within(SCAN, *declared)  # the common bomb, refused without starting a child
    answer = _inspect(kind, scan)
    if answer.get("too_large") == "pixels":
        _within(SCAN, answer["width"], answer["height"])
    if answer.get("too_large"):
        what = "PDF" if kind == "application/pdf" else "image"
        raise FleetError("too_large", f"the {what} needs more memory or time to read than a scan may; scan it again "
                         "(fewer pages, a lower resolution)", {"field": SCAN.field})
    if answer.get("unreadable"):
        raise Unreadable(answer["unreadable"])
    pages = answer["pages"]
    if pages > MAX_SCAN_PAGES:
        raise FleetError("too_large", f"the PDF has {pages} pages; a scan may have at most {MAX_SCAN_PAGES} pages",
                         {"field": SCAN.field, "pages": pages, "max_pages": MAX_SCAN_PAGES})
    return pages


def _png_header_size(data: bytes) -> tuple[int, int] | None:
    """The size a PNG's first chunk (IHDR, which the format puts first) declares."""
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def _within(limits: Limits, width: int, height: int) -> None:
    if width * height > limits.pixels or max(width, height) > limits.side:
        raise _too_large(limits, (width, height))


def _too_large(limits: Limits, size: tuple[int, int] | None) -> FleetError:
    said = f"{size[0]:,} × {size[1]:,} pixels" if size else "more pixels than can be read"
    hint = {"scan": "; scan the page at 300 dpi (an A4 page is 2,480 × 3,508)",
            "signature": "; draw the signature on the page's signature pad"}[limits.what]
    return FleetError("too_large", f"the {limits.what} is {said}: at most {limits.pixels:,} pixels and "
                      f"{limits.side:,} on a side are taken{hint}",
                      {"field": limits.field, "width": size[0] if size else None, "height": size[1] if size else None,
                       "max_pixels": limits.pixels, "max_side": limits.side})


# The child: bounds its own memory and processor time first, then reads the file from standard input
# and answers one JSON line: {"pages": n}, {"unreadable": why} or {"too_large": ...}. A PDFium that runs
# out of memory aborts (SIGABRT); past the processor time the kernel ends it (SIGXCPU, then SIGKILL).
_CHILD = r"""
import io, json, resource, sys, warnings
kind, memory, cpu, max_pixels, max_side = sys.argv[1], *map(int, sys.argv[2:6])
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
warnings.simplefilter("ignore")

def answer(**out):
    sys.stdout.write(json.dumps(out))
    sys.exit(0)

data = sys.stdin.buffer.read()
try:
    if kind == "application/pdf":
        import pypdfium2
        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError:
            answer(unreadable="the scan is not a readable PDF (damaged, or protected by a password)")
        answer(pages=len(document))
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = None  # the limits below answer, and before anything is decoded
    try:
        image = Image.open(io.BytesIO(data), formats=["PNG" if kind == "image/png" else "JPEG"])
        width, height = image.size
    except MemoryError:
        raise
    except Exception:
        answer(unreadable="the scan is not a readable PNG or JPEG")
    if width * height > max_pixels or max(width, height) > max_side:
        answer(too_large="pixels", width=width, height=height)
    if kind == "image/png" and getattr(image, "n_frames", 1) != 1:
        answer(unreadable="an animated PNG is not a scan; send one still picture a page, or a PDF")
    if kind == "image/jpeg":
        image.draft(None, (max(1, width // 8), max(1, height // 8)))  # every coefficient read, an eighth kept
    try:
        image.load()
    except MemoryError:
        raise
    except Exception:
        answer(unreadable="the scan is not a readable PNG or JPEG (damaged or cut short)")
    answer(pages=1)
except MemoryError:
    answer(too_large="memory")
"""


def _inspect(kind: str, data: bytes) -> dict:
    """The child's answer about `data`; one that ran out of memory or time answers too_large."""
    command = [sys.executable, "-I", "-c", _CHILD, kind, str(CHILD_MEMORY), str(CHILD_CPU_SECONDS),
               str(SCAN.pixels), str(SCAN.side)]
    with _children:
        try:
            done = subprocess.run(command, input=data, capture_output=True, timeout=CHILD_WALL_SECONDS)
        except subprocess.TimeoutExpired:
            return {"too_large": "time"}
    if done.returncode == 0:
        return json.loads(done.stdout)
    if -done.returncode in (signal.SIGABRT, signal.SIGKILL, signal.SIGXCPU):
        return {"too_large": "memory"}  # out of memory (PDFium aborts) or out of processor time
    if done.returncode < 0:  # a decoder crashed on the file (SIGSEGV, SIGILL, SIGTRAP, SIGBUS)
        return {"unreadable": "the scan cannot be read (it crashed the reader)"}
    detail = done.stderr.decode(errors="replace")[-2000:]
    raise RuntimeError(f"the scan reader failed (exit {done.returncode}): {detail}")
