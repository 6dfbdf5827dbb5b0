"""Agreements pin their frame's words: each agreement's snapshot keeps the words ("Nr.", "Patapinātājs", the
hand-over act, the signature page) it was rendered with, so it renders byte for byte the same after any later
edit of the print shop's catalogs (labels/translations; docs/decisions/0007-labels-catalogs.md).

Agreements issued before this revision were rendered with the words below: those labels/agreements.py printed
(its WORDS and the device phrase's "sērijas Nr." / "serial number"), which the catalogs took over unchanged.
They are written here, not read from the catalogs, so that this revision gives the same result whenever it
runs. Data only; the schema does not change.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
AGREEMENTS = sa.table("agreements", sa.column("id", sa.Integer()), sa.column("language", sa.String()),
                      sa.column("snapshot", JSON))
BATCH = 500

WORDS = {
    "lv": {
        "number": "Nr.",
        "date": "Datums",
        "template": "veidne",
        "page": "Lapa",
        "funding": "Finansē Eiropas Savienība – NextGenerationEU",
        "scan": "Skenējiet, lai parakstītu",
        "signatures": "Līdzēju paraksti",
        "lender": "Patapinātājs",
        "borrower": "Patapinājuma ņēmējs",
        "school_sign": "Skolas pārstāvis (vārds, uzvārds, amats, paraksts)",
        "guardian_sign": "paraksts",
        "date_line": "datums",
        "annex": "Pielikums patapinājuma līgumam Nr. {number}",
        "act": "Nodošanas–pieņemšanas akts",
        "act_text": (
            "Skola nodod un Patapinājuma ņēmējs pieņem Izglītojamā lietošanā iepriekš aprakstīto ierīci. "
            "Patapinājuma ņēmējs ir pārbaudījis ierīces stāvokli un piederumus; iebildumu nav, ja tie nav "
            "ierakstīti zemāk."
        ),
        "remarks": "Iebildumi",
        "handed": "Nodeva",
        "received": "Pieņēma",
        "school": "Skola",
        "pupil": "Izglītojamais",
        "guardian": "Vecāks vai likumiskais pārstāvis",
        "manufacturer": "Ražotājs",
        "model": "Modelis",
        "serial": "Sērijas numurs",
        "asset_tag": "Inventāra numurs",
        "device_serial": "sērijas Nr.",
        "device_asset_tag": "inventāra Nr.",
        "accessories": "Piederumi",
        "condition": "Stāvoklis",
        "none": "nav",
        "signature_page": "Parakstu lapa",
        "signature_title": "Parakstu lapa patapinājuma līgumam Nr. {number}",
        "signer": "Parakstītājs",
        "signed_at": "Parakstīts",
        "method": "Parakstīšanas veids",
        "original": "Oriģināla SHA-256",
        "signature": "Paraksts",
        "pages": "lpp.",
        "method_link": "ar saiti savā ierīcē",
        "method_desk": "skolā, planšetdatorā",
        "method_paper": "uz papīra (skenēts)",
        "consent": "Parakstītājs ir iepazinies ar līgumu un, atzīmējot piekrišanu, apliecinājis, ka tam piekrīt.",
        "paper": "Līgums parakstīts uz papīra; tā skenētā kopija ({pages} lpp.) glabājas kopā ar šo dokumentu.",
        "hash_text": (
            "SHA-256 ir līguma oriģināla – PDF datnes, kādu to izsniedza Fleet un kāda tā glabājas kopā ar šo "
            "ierakstu, – nospiedums: ja oriģinālā mainītu kaut vienu zīmi, nospiedums būtu cits. Iepriekšējās "
            "lapas atveido to pašu līgumu."
        ),
        "scan_also": "Scan to sign",
    },
    "en": {
        "number": "No.",
        "date": "Date",
        "template": "template",
        "page": "Page",
        "funding": "Funded by the European Union – NextGenerationEU",
        "scan": "Scan to sign",
        "signatures": "Signatures",
        "lender": "Lender",
        "borrower": "Borrower",
        "school_sign": "for the School (name, position, signature)",
        "guardian_sign": "signature",
        "date_line": "date",
        "annex": "Annex to loan agreement No. {number}",
        "act": "Hand-over and acceptance act",
        "act_text": (
            "The School hands over and the Borrower accepts for the Pupil's use the device described above. The "
            "Borrower has checked the device's condition and accessories and has no objections unless written "
            "below."
        ),
        "remarks": "Objections",
        "handed": "Handed over by",
        "received": "Received by",
        "school": "School",
        "pupil": "Pupil",
        "guardian": "Parent or legal guardian",
        "manufacturer": "Manufacturer",
        "model": "Model",
        "serial": "Serial number",
        "asset_tag": "Asset tag",
        "device_serial": "serial number",
        "device_asset_tag": "asset tag",
        "accessories": "Accessories",
        "condition": "Condition",
        "none": "none",
        "signature_page": "Signature page",
        "signature_title": "Signature page of loan agreement No. {number}",
        "signer": "Signed by",
        "signed_at": "Signed at",
        "method": "Way of signing",
        "original": "SHA-256 of the original",
        "signature": "Signature",
        "pages": "pages",
        "method_link": "by link, on their own device",
        "method_desk": "at the school, on a tablet",
        "method_paper": "on paper (scanned)",
        "consent": "The signer has read the agreement and confirmed their consent by ticking the consent box.",
        "paper": "The agreement was signed on paper; its scan ({pages} pages) is kept with this document.",
        "hash_text": (
            "The SHA-256 is the fingerprint of the original agreement, the PDF file as Fleet issued it and keeps "
            "it with this record: changing a single character of it would change the fingerprint. The pages "
            "before this one show the same agreement."
        ),
        "scan_also": "Skenējiet, lai parakstītu",
    },
}


def _rewrite(change) -> None:
    """Each agreement's snapshot through `change` (data dict, language) -> bool (changed), a batch at a time."""
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(sa.select(AGREEMENTS.c.id, AGREEMENTS.c.language, AGREEMENTS.c.snapshot)
                                  .where(AGREEMENTS.c.id > last).order_by(AGREEMENTS.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            snapshot = dict(row.snapshot or {})
            data = dict(snapshot.get("data") or {})
            if data and change(data, data.get("language") or row.language):
                snapshot["data"] = data
                connection.execute(sa.update(AGREEMENTS).where(AGREEMENTS.c.id == row.id).values(snapshot=snapshot))
        last = rows[-1].id


def _pin(data: dict, language: str) -> bool:
    if data.get("words") or language not in WORDS:
        return False
    data["words"] = dict(WORDS[language])
    return True


def _unpin(data: dict, language: str) -> bool:
    return data.pop("words", "absent") != "absent"


def upgrade() -> None:
    _rewrite(_pin)


def downgrade() -> None:
    # The code before this revision knows no pinned words (and renders today's catalog words, the same as above
    # until the catalogs are edited).
    _rewrite(_unpin)
