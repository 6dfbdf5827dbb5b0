"""The first page of an evidence pack: ``summary.json`` for machines and ``summary.pdf`` for people (Latvian
and English side by side) — the target's wording for its date, the cut-off, the count achieved, the devices
withheld by reason, the counting rule in words, which agreements are in the pack (all, a sample and its
seed, or none), and who exported it and when."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.i18n import LOCALES, Text, _l
from fleet.models import EvidencePack, Founder, ProgrammeTarget
from fleet.reports import counting

WITHHELD = {"other_source": _l("bought from a source other than the programme's"),
            "no_contract": _l("no contract"),
            "other_fund": _l("its serial is in another fund's register (double funding)")}


@dataclass(frozen=True)
class Facts:
    """What the summary states, gathered while the pack is written."""

    pack: EvidencePack
    achieved: int
    withheld: dict[str, int]
    agreements: int  # signed agreements in the pack
    agreements_missing: int  # chosen, but no longer in the document store (purged)
    events: int
    exported_at: datetime


def utc_z(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def summary(session: Session, facts: Facts) -> dict:
    pack = facts.pack
    target = session.scalar(select(ProgrammeTarget).where(ProgrammeTarget.due_on == pack.target_date))
    founder = session.get(Founder, pack.founder_id) if pack.founder_id is not None else None
    included = "none" if not pack.agreements else "all" if pack.sample_size is None else "sample"
    return {
        "pack": pack.id,
        "cut_off": pack.target_date.isoformat(),
        "target": None if target is None else {"date": target.due_on.isoformat(), "target": target.target,
                                               "wording": {"lv": target.wording_lv, "en": target.wording_en}},
        "founder": None if founder is None else {"code": founder.code, "name": founder.name},
        "achieved": facts.achieved,
        "withheld": {reason: facts.withheld.get(reason, 0) for reason in counting.WITHHELD},
        "rule": {locale: counting.RULE.in_(locale) for locale in LOCALES},
        "agreements": {"included": included, "sample": None if included != "sample" else {
            "size": pack.sample_size, "seed": pack.sample_seed, "method": "random.Random(seed).sample(sorted device "
                                                                          "ids, min(size, counted))"},
                       "files": facts.agreements, "missing": facts.agreements_missing},
        "events": facts.events,
        "requested_by": pack.requested_by,
        "requested_at": utc_z(pack.requested_at),
        "exported_at": utc_z(facts.exported_at),
        "verify": "python3 verify.py",
    }


def summary_json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _both(text: Text) -> str:
    return " / ".join(escape(text.in_(locale)) for locale in LOCALES)


def summary_pdf(data: dict) -> bytes:
    """The summary on A4, each heading and statement in Latvian and English."""
    from labels.documents.sheet import sheet, styles, table

    st = styles()
    out = io.BytesIO()
    title = _both(_l("Evidence pack %(number)s", number=data["pack"]))
    story = [Paragraph(title, st["title"])]
    target = data["target"]
    if target is not None:
        for locale in LOCALES:
            story.append(Paragraph(escape(target["wording"][locale]), st["body"]))
    story.append(Spacer(1, 3 * mm))
    facts = [
        (_both(_l("Cut-off")), data["cut_off"]),
        (_both(_l("Target")), f"{target['target']:,}".replace(",", " ") if target else "—"),
        (_both(_l("Achieved at the cut-off")), f"{data['achieved']:,}".replace(",", " ")),
        (_both(_l("Founder")), escape(f"{data['founder']['name']} ({data['founder']['code']})")
         if data["founder"] else _both(_l("all founders"))),
        (_both(_l("Signed agreements in the pack")), _agreements(data["agreements"])),
        (_both(_l("Exported by")), escape(data["requested_by"])),
        (_both(_l("Exported at")), data["exported_at"]),
    ]
    story.append(table([[Paragraph(k, st["cell"]), Paragraph(str(v), st["cell"])] for k, v in facts],
                       [70 * mm, 110 * mm], header=False))
    story.append(Paragraph(_both(_l("Withheld from the count")), st["head"]))
    story.append(table([[Paragraph(_both(WITHHELD[reason]), st["cell"]), Paragraph(str(n), st["cell"])]
                        for reason, n in data["withheld"].items()], [150 * mm, 30 * mm], header=False))
    story.append(Paragraph(_both(_l("The counting rule")), st["head"]))
    for locale in LOCALES:
        story.append(Paragraph(escape(data["rule"][locale]), st["body"]))
        story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(_both(_l("How to verify")), st["head"]))
    story.append(Paragraph(_both(_l("Unzip the pack and run python3 verify.py inside it: it recomputes every "
                                    "device's history chain, checks every agreement's SHA-256 and SHA256SUMS, "
                                    "and prints OK or the first failure.")), st["body"]))
    sheet(out, title.replace("/", "-")).build(story)
    return out.getvalue()


def _agreements(agreements: dict) -> str:
    if agreements["included"] == "none":
        return _both(_l("none (left out on request)"))
    if agreements["included"] == "all":
        return _both(_l("all: %(files)s", files=agreements["files"]))
    sample = agreements["sample"]
    return _both(_l("a sample of %(size)s drawn with seed %(seed)s: %(files)s", size=sample["size"],
                    seed=sample["seed"], files=agreements["files"]))
