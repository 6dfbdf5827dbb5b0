"""A signed agreement: the agreement's pages, rendered again exactly as issued, and a signature page with the
signature (drawn, or the name typed again), the signer's name — and, when the signer is not the guardian on
record, who they are to the pupil and whom they signed instead of —, the time (the school's local time), the way
of signing, that the signing link is used up, and the SHA-256 of the original.

``agreement_sections`` gives the agreement's own text as HTML (the guardian's page shows it beside the PDF)."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Paragraph, Spacer

from labels.documents.agreement import (
    AgreementData,
    _values,
    agreement_pdf,
    agreement_story,
    footer_text,
    title,
    words,
)
from labels.documents.agreement_template import Template, fill
from labels.documents.frame import Footer, Start, bold, build, facts, plain, styles
from labels.documents.words import signature_words

METHODS = ("link", "desk", "paper")
KINDS = ("drawn", "typed")  # of a link or desk signature; a paper one has none
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
    image_png: bytes | None  # the drawn signature; required for a drawn link or desk signature
    original_sha256: str  # of agreement_pdf(data, template), 64 hex digits
    scan_pages: int = 0  # paper: pages of the stored scan
    kind: str | None = None  # "drawn" | "typed" (link, desk; None: drawn when there is an image); paper: None
    signer_is_guardian: bool | None = None  # False: printed as "X (relationship), not the guardian on record Y"
    relationship: str = ""  # the signer's relationship to the pupil, when not the guardian on record
    guardian_name: str = ""  # the guardian on record (the agreement's, when empty)


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
    if signature.kind is not None and (signature.kind not in KINDS or signature.method == "paper"):
        raise ValueError(f"signature: kind must be one of {', '.join(KINDS)} (or none, on paper), "
                         f"not {signature.kind!r}")
    if signature.image_png is None:
        if signature.method != "paper" and signature.kind != "typed":
            raise ValueError(f"signature: a drawn {signature.method} signature needs the drawn signature image")
    elif signature.kind == "typed":
        raise ValueError("signature: a typed signature has no drawn image")
    elif not signature.image_png.startswith(PNG_MAGIC):
        raise ValueError("signature: the signature image is not a PNG")
    if signature.scan_pages < 0 or (signature.method == "paper" and signature.scan_pages < 1):
        raise ValueError("signature: a paper signature needs the scan's page count (1 or more)")


def _signature_page(data: AgreementData, template: Template, signature: Signature) -> list[Flowable]:
    st = styles()
    w = {**signature_words(data.language), **words(data)}
    method = w[f"method_{signature.method}"]
    if signature.method == "paper":
        method += f" · {signature.scan_pages} {w['pages']}"
    elif signature.kind == "typed":
        method += f" · {w['kind_typed']}"
    rows = [(w["signer"], signer_line(w, signature, data.guardian.name)), (w["signed_at"], signature.signed_at),
            (w["method"], method), (w["original"], signature.original_sha256)]
    other = signature.signer_is_guardian is False
    story: list[Flowable] = [
        Start(Footer(footer_text(data, template), w["page"], w["signature_page"])),
        plain(w["signature_title"].format(number=data.number), "title"),
        Paragraph(f"{escape(template.title)} {w['number']} {bold(data.number)}, {escape(data.date)} · "
                  f"{w['template']} {bold(template.version)}", st["subtitle"]),
        Spacer(1, 5 * mm),
        facts(rows, plain_rows=(3,), warn=(0,) if other else ()),
        Spacer(1, 6 * mm),
    ]
    if signature.image_png is not None:
        story += [plain(w["signature"], "label", fixed=True), Spacer(1, 1 * mm),
                  _SignatureImage(signature.image_png, SIGNATURE_BOX_MM[0] * mm, SIGNATURE_BOX_MM[1] * mm),
                  Spacer(1, 1 * mm), plain(signature.signer_name, "cell"),
                  Spacer(1, 5 * mm)]
    elif signature.kind == "typed":
        story += [plain(w["signature_typed"], "label", fixed=True), Spacer(1, 1 * mm),
                  plain(signature.signer_name, "title"), Spacer(1, 5 * mm)]
    if signature.method == "paper":
        story.append(plain(w["paper"].format(pages=signature.scan_pages), "body", fixed=True))
    else:
        story.append(plain(w["consent_typed" if signature.kind == "typed" else "consent"], "body", fixed=True))
    if other:
        story.append(plain(w["signer_other_text"], "body", fixed=True))
    story += [plain(w["link_used"], "body", fixed=True),
              Spacer(1, 3 * mm), plain(w["hash_text"], "small", fixed=True)]
    return story


def signer_line(w, signature: Signature, guardian: str) -> str:
    """Who signed, as the signature page says it: the name, or — someone other than the guardian on record —
    "X (relationship), not the guardian on record Y"."""
    if signature.signer_is_guardian is not False:
        return signature.signer_name
    name = f"{signature.signer_name} ({signature.relationship})" if signature.relationship else signature.signer_name
    return w["signer_other"].format(name=name, guardian=signature.guardian_name or guardian)


def agreement_sections(data: AgreementData, template: Template) -> list[tuple[str, list[str]]]:
    """The agreement's own text as on its pages, each section (heading, paragraphs) as HTML markup: the text
    escaped, the filled-in values in ``<strong>`` (the guardian's page shows it to read without the PDF)."""
    values = _values(data, template)
    return [(fill(heading, values, "<strong>", "</strong>"),
             [fill(text, values, "<strong>", "</strong>") for text in paragraphs])
            for heading, paragraphs in template.sections]


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
