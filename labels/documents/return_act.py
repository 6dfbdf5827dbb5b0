"""The return act: a device coming back from a loan, its condition, the accessories returned and missing,
notes, the outcome, and the signature lines of who handed it over and who took it; one A4 PDF.

The act has its own number (``act_number``, ``A-…``: its title and footer) and cites the loan
agreement's (``number``, ``L-…``) where it refers to the agreement. Every word is the act's language;
the caller gives the condition and the accessories already in that language."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from labels.documents.agreement_template import LANGUAGES
from labels.documents.frame import Footer, Party, Start, bold, build, facts, plain, signature_lines, styles
from labels.documents.words import return_act_words

OUTCOMES = ("at_school", "in_repair")


@dataclass(frozen=True)
class ReturnData:
    number: str  # the loan's agreement number (L-…), cited by the act
    language: str
    date: str
    school: Party
    guardian: Party  # who brings the device back
    pupil: Party
    manufacturer: str
    model: str
    serial: str
    asset_tag: str
    condition: str
    accessories_returned: tuple[str, ...]
    accessories_missing: tuple[str, ...]
    notes: str
    outcome: str  # "at_school" or "in_repair"
    act_number: str = ""  # the act's own number (A-…); none: the act is named by the agreement's


def return_act_pdf(data: ReturnData) -> bytes:
    """The act for a device coming back, on its own pages ("Lapa 1/1")."""
    if data.language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {data.language!r}")
    if data.outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {data.outcome!r}")
    w = return_act_words(data.language)
    return build([_story(data)], f"{w['title']} {data.act_number or data.number}", data.language)


def _story(data: ReturnData) -> list[Flowable]:
    st = styles()
    w = return_act_words(data.language)
    story: list[Flowable] = [
        Start(Footer(f"{w['title']} · {w['number']} {data.act_number or data.number}", w["page"])),
        plain(w["title"], "title", fixed=True),
        plain(w["subtitle"].format(number=data.number), "subtitle"),
        Paragraph((f"{w['number']} {bold(data.act_number)} · " if data.act_number else "")
                  + f"{w['date']}: {bold(data.date)}", st["subtitle"]),
        Spacer(1, 4 * mm),
        facts([(w["school"], str(data.school)), (w["pupil"], str(data.pupil)), (w["guardian"], str(data.guardian))],
              grid=False),
        Spacer(1, 3 * mm),
        facts([(w["manufacturer"], data.manufacturer), (w["model"], data.model), (w["serial"], data.serial),
               (w["asset_tag"], data.asset_tag), (w["condition"], data.condition),
               (w["returned"], ", ".join(data.accessories_returned) or w["none"]),
               (w["missing"], ", ".join(data.accessories_missing) or w["none"])],
              warn=(6,) if data.accessories_missing else ()),
    ]
    if data.notes.strip():
        story += [Spacer(1, 3 * mm), plain(w["notes"], "label", fixed=True), plain(data.notes, "body")]
    story += [Spacer(1, 3 * mm), Paragraph(bold(w[f"outcome_{data.outcome}"]), st["body"]), Spacer(1, 8 * mm),
              signature_lines((w["handed"], [str(data.guardian)], w["handed_caption"]),
                              (w["received"], [str(data.school)], w["received_caption"]))]
    return story
