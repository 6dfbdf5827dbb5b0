"""Loan agreements (patapinājuma līgums with its nodošanas–pieņemšanas akts) as A4 PDFs: plain data in, PDF
bytes out.

An agreement is the template's text (see agreement_template) inside the fixed frame (see frame): the header with
the number, the date, the EU funding line with the emblem and the QR code of the guardian's signing link, the
signature blocks, the hand-over act with the device table as an annex, and a footer with the template's version
and the page number within the agreement ("Lapa 1/2"). The same data, template, fonts and reportlab give the same
bytes, so the SHA-256 of an agreement can be computed again when it is signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, Paragraph, Spacer

from labels import fonts
from labels.catalog import text
from labels.documents.agreement_template import LANGUAGES, PLACEHOLDERS, Template, fill
from labels.documents.frame import (
    FOOTER_SIZE,
    LEFT,
    LINE,
    QR_SIZE,
    RIGHT,
    WIDTH,
    Footer,
    Funding,
    Party,
    QRCode,
    Start,
    bold,
    build,
    facts,
    paragraph,
    plain,
    signature_lines,
    styles,
    table,
)
from labels.documents.words import CLASS_TITLE, SCAN_ALSO, pinned


@dataclass(frozen=True)
class AgreementData:
    number: str  # "L-2026-000123"
    language: str  # "lv" or "en"; must be the template's
    date: str  # "2026-11-28"
    founder: Party  # the lender, represented by the school
    school: Party
    guardian: Party  # the signer
    pupil: Party  # name and class; never a personal code
    manufacturer: str
    model: str
    serial: str
    asset_tag: str
    accessories: tuple[str, ...]  # already localised: ("lādētājs", "soma")
    condition: str  # "jauns" / "new", or free text
    eu_funded: bool
    sign_url: str | None  # its QR code is printed when given
    template_version: str  # the template's version ("" = take it from the template)
    privacy_contact: str = ""  # where to ask about personal data (the DPO's e-mail, ...); "" = the school
    # The frame's words it is printed with, by key (words.agreement_words(language) when it was issued, kept in
    # its snapshot); None: today's words from the catalogs.
    words: Mapping[str, str] | None = field(default=None, hash=False)


def agreement_pdf(data: AgreementData, template: Template) -> bytes:
    """One agreement with its hand-over act; the same input gives the same bytes."""
    return build([agreement_story(data, template)], title(data, template), data.language)


def agreements_pdf(items: list[tuple[AgreementData, Template]], copies: int = 1) -> bytes:
    """A class hand-out: every agreement its own document in one PDF, each starting on a new page and numbered
    on its own ("Lapa 1/2"); ``copies`` of each, one after the other (2: one for the family, one the school
    keeps)."""
    if not items:
        raise ValueError("no agreements to print")
    if copies not in (1, 2):
        raise ValueError("copies must be 1 or 2")
    heading = text(CLASS_TITLE, items[0][0].language)
    return build([agreement_story(data, template) for data, template in items for _ in range(copies)],
                 f"{heading} ({len(items)})", items[0][0].language)


def words(data: AgreementData) -> Mapping[str, str]:
    """The frame's words of this agreement: those it pinned, else today's."""
    return pinned(data.words, data.language)


def title(data: AgreementData, template: Template) -> str:
    """The PDF's title: "Patapinājuma līgums Nr. L-2026-000123"."""
    return f"{template.title} {words(data)['number']} {data.number}"


def footer_text(data: AgreementData, template: Template) -> str:
    """"Patapinājuma līgums Nr. L-2026-000123 · veidne default-lv-1"; a title too long is cut, never the number
    or the version."""
    w = words(data)
    tail = f" {w['number']} {data.number} · {w['template']} {template.version}"
    room = (A4[0] - LEFT - RIGHT) / mm - 25 - fonts.text_width(tail, FOOTER_SIZE)  # 25 mm for "Lapa 1/2"
    cut, _ = fonts.fit(template.title, max(room, 10), FOOTER_SIZE, FOOTER_SIZE)
    return cut + tail


def _check(data: AgreementData, template: Template) -> None:
    if data.language not in LANGUAGES:
        raise ValueError(f"agreement {data.number}: language must be one of {', '.join(LANGUAGES)}, "
                         f"not {data.language!r}")
    if template.language != data.language:
        raise ValueError(f"agreement {data.number}: the template {template.version} is in {template.language!r}, "
                         f"the agreement in {data.language!r}")
    if data.template_version and data.template_version != template.version:
        raise ValueError(f"agreement {data.number}: template_version {data.template_version!r} is not the template's "
                         f"version {template.version!r}")
    for name in ("number", "date", "serial", "asset_tag"):
        if not getattr(data, name).strip():
            raise ValueError(f"agreement: {name} is empty")
    for name in ("founder", "school", "guardian", "pupil"):
        if not getattr(data, name).name.strip():
            raise ValueError(f"agreement {data.number}: the {name}'s name is empty")


def _values(data: AgreementData, template: Template) -> dict[str, str]:
    """What each placeholder prints."""
    w = words(data)
    values = {"number": data.number, "date": data.date, "manufacturer": data.manufacturer, "model": data.model,
              "serial": data.serial, "asset_tag": data.asset_tag, "condition": data.condition,
              "accessories": ", ".join(data.accessories) or w["none"], "template_version": template.version,
              "privacy_contact": data.privacy_contact.strip() or str(data.school),
              "device": f"{data.manufacturer} {data.model} ({w['device_serial']} {data.serial}, "
                        f"{w['device_asset_tag']} {data.asset_tag})"}
    for name in ("founder", "school", "guardian", "pupil"):
        party: Party = getattr(data, name)
        values[name], values[f"{name}_name"], values[f"{name}_detail"] = str(party), party.name, party.detail
    assert values.keys() == PLACEHOLDERS.keys()
    return values


def agreement_story(data: AgreementData, template: Template) -> list[Flowable]:
    """One agreement's flowables: header, the template's sections, signature blocks, and the hand-over act."""
    _check(data, template)
    st = styles()
    w = words(data)
    story: list[Flowable] = [Start(Footer(footer_text(data, template), w["page"]))]
    if data.eu_funded:
        story += [Funding(w["funding"]), Spacer(1, 4 * mm)]
    heading = [plain(template.title, "title", fixed=True),
               Paragraph(f"{w['number']} {bold(data.number)}", st["subtitle"]),
               Paragraph(f"{w['date']}: {bold(data.date)}", st["subtitle"])]
    if data.sign_url:
        caption = "<br/>".join(map(escape, [w["scan"], *w[SCAN_ALSO].splitlines()]))
        code = [QRCode(data.sign_url, QR_SIZE), paragraph(caption, "caption", fixed=True)]
        column = QR_SIZE + 8 * mm
        story.append(table([[heading, code]], [WIDTH - column, column]))
    else:
        story += heading
    story.append(Spacer(1, 3 * mm))
    values = _values(data, template)
    for section_heading, paragraphs in template.sections:
        story.append(_filled(section_heading, values, "head"))
        story += [_filled(text, values, "body") for text in paragraphs]
    story.append(KeepTogether([
        plain(w["signatures"], "head", fixed=True), Spacer(1, 1 * mm),
        signature_lines((w["lender"], [str(data.founder), str(data.school)], w["school_sign"]),
                        (w["borrower"], [str(data.guardian), f"{w['pupil']}: {data.pupil}"],
                         f"{w['guardian_sign']}, {w['date_line']}")),
    ]))
    story.append(KeepTogether(_act(data)))
    return story


def _filled(text: str, values: dict[str, str], style: str) -> Paragraph:
    """A paragraph of template text, the values filled in bold."""
    return paragraph(fill(text, values, f'<font name="{fonts.BOLD}">', "</font>"), style, fixed="{" not in text)


def _act(data: AgreementData) -> list[Flowable]:
    st = styles()
    w = words(data)
    return [
        Spacer(1, 5 * mm),
        HRFlowable(width="100%", thickness=0.4, color=LINE, dash=(2, 2), spaceAfter=3 * mm),
        plain(w["annex"].format(number=data.number), "small"),
        plain(w["act"], "act", fixed=True),
        Paragraph(f"{w['date']}: {bold(data.date)}", st["subtitle"]),
        Spacer(1, 2 * mm),
        facts([(w["school"], str(data.school)), (w["pupil"], str(data.pupil)), (w["guardian"], str(data.guardian))],
              grid=False),
        Spacer(1, 2 * mm),
        facts([(w["manufacturer"], data.manufacturer), (w["model"], data.model), (w["serial"], data.serial),
               (w["asset_tag"], data.asset_tag), (w["accessories"], ", ".join(data.accessories) or w["none"]),
               (w["condition"], data.condition)]),
        Spacer(1, 2 * mm),
        plain(w["act_text"], "body", fixed=True),
        plain(f"{w['remarks']}: " + "_" * 70, "body", fixed=True),
        Spacer(1, 2 * mm),
        signature_lines((w["handed"], [str(data.school)], w["school_sign"]),
                        (w["received"], [str(data.guardian)], f"{w['guardian_sign']}, {w['date_line']}")),
    ]
