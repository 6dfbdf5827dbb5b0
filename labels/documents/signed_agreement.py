"""A signed agreement: the agreement's pages, rendered again exactly as issued, and a signature page with the
drawn signature, the signer's name, the time, the way of signing and the SHA-256 of the original."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Paragraph, Spacer

from labels.documents.agreement import AgreementData, agreement_pdf, agreement_story, footer_text, title, words
from labels.documents.agreement_template import Template
from labels.documents.frame import Footer, Start, bold, build, facts, plain, styles

METHODS = ("link", "desk", "paper")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The signature box is 90 × 35 mm: a 600 dpi printer prints it with 2,126 × 827 dots (1.76 Mpx), so a
# drawn signature of more pixels prints no finer. A larger one is refused before it is decoded (the
# caller checks uploaded images against this first: fleet.uploads).
SIGNATURE_BOX_MM = (90, 35)
SIGNATURE_MAX_PIXELS = 2_000_000
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Signature:
    method: str  # "link" | "desk" | "paper"
    signer_name: str
    signed_at: str  # as it is to be shown: "2026-11-29 18:42:07 +02:00"
    image_png: bytes | None  # the drawn signature; required for link and desk
    original_sha256: str  # of agreement_pdf(data, template), 64 hex digits
    scan_pages: int = 0  # paper: pages of the stored scan


def signed_agreement_pdf(data: AgreementData, template: Template, signature: Signature, check: bool = True) -> bytes:
    """The agreement's pages, rendered again exactly as issued, and a signature page.

    With `check` (the default), the agreement is rendered on its own first and its SHA-256 must be
    `signature.original_sha256`: a ValueError says when the data, the template or the renderer (reportlab, the
    fonts) changed since the original was issued, so that a signature page never vouches for other pages."""
    _check(signature)
    if check:
        rendered = hashlib.sha256(agreement_pdf(data, template)).hexdigest()
        if rendered != signature.original_sha256:
            raise ValueError(f"agreement {data.number}: rendered again it has SHA-256 {rendered}, not the original's "
                             f"{signature.original_sha256}: the data, the template or the renderer changed since it "
                             f"was issued")
    return build([agreement_story(data, template), _signature_page(data, template, signature)],
                 title(data, template), data.language)


def _check(signature: Signature) -> None:
    if signature.method not in METHODS:
        raise ValueError(f"signature: method must be one of {', '.join(METHODS)}, not {signature.method!r}")
    if not signature.signer_name.strip():
        raise ValueError("signature: the signer's name is empty")
    if not signature.signed_at.strip():
        raise ValueError("signature: the time of signing is empty")
    if not SHA256.fullmatch(signature.original_sha256):
        raise ValueError("signature: original_sha256 must be 64 lower-case hex digits")
    if signature.image_png is None:
        if signature.method != "paper":
            raise ValueError(f"signature: a {signature.method} signature needs the drawn signature image")
    elif not signature.image_png.startswith(PNG_MAGIC):
        raise ValueError("signature: the signature image is not a PNG")
    if signature.scan_pages < 0 or (signature.method == "paper" and signature.scan_pages < 1):
        raise ValueError("signature: a paper signature needs the scan's page count (1 or more)")


def _signature_page(data: AgreementData, template: Template, signature: Signature) -> list[Flowable]:
    st = styles()
    w = words(data)
    method = w[f"method_{signature.method}"]
    if signature.method == "paper":
        method += f" · {signature.scan_pages} {w['pages']}"
    story: list[Flowable] = [
        Start(Footer(footer_text(data, template), w["page"], w["signature_page"])),
        plain(w["signature_title"].format(number=data.number), "title"),
        Paragraph(f"{escape(template.title)} {w['number']} {bold(data.number)}, {escape(data.date)} · "
                  f"{w['template']} {bold(template.version)}", st["subtitle"]),
        Spacer(1, 5 * mm),
        facts([(w["signer"], signature.signer_name), (w["signed_at"], signature.signed_at), (w["method"], method),
               (w["original"], signature.original_sha256)], plain_rows=(3,)),
        Spacer(1, 6 * mm),
    ]
    if signature.image_png is not None:
        story += [plain(w["signature"], "label", fixed=True), Spacer(1, 1 * mm),
                  _SignatureImage(signature.image_png, SIGNATURE_BOX_MM[0] * mm, SIGNATURE_BOX_MM[1] * mm),
                  Spacer(1, 1 * mm), plain(signature.signer_name, "cell"),
                  Spacer(1, 5 * mm)]
    story.append(plain(w["paper"].format(pages=signature.scan_pages) if signature.method == "paper"
                       else w["consent"], "body", fixed=True))
    story += [Spacer(1, 3 * mm), plain(w["hash_text"], "small", fixed=True)]
    return story


class _SignatureImage(Flowable):
    """The drawn signature (PNG, transparency kept), scaled into a box, on a line."""

    def __init__(self, png: bytes, width: float, height: float):
        super().__init__()
        try:
            self.image = ImageReader(io.BytesIO(png))
            image_width, image_height = self.image.getSize()
        except Exception as error:  # PIL's errors are many kinds
            raise ValueError(f"the signature image is not a readable PNG: {error}") from None
        if image_width * image_height > SIGNATURE_MAX_PIXELS:  # read from the header: nothing decoded yet
            raise ValueError(f"the signature image is {image_width} × {image_height} pixels; "
                             f"at most {SIGNATURE_MAX_PIXELS:,} are drawn")
        scale = min(width / image_width, height / image_height)
        self.box = width, height
        self.drawn = image_width * scale, image_height * scale

    def wrap(self, available_width, available_height):
        return self.box

    def draw(self):
        width, height = self.box
        self.canv.drawImage(self.image, (width - self.drawn[0]) / 2, (height - self.drawn[1]) / 2, *self.drawn,
                            mask="auto")
        self.canv.setLineWidth(0.6)
        self.canv.line(0, 0, width, 0)
