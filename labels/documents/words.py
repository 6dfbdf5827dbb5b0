"""The words the loan documents print around the data and the agreement's own text: "Nr.", "Datums", the
signature blocks, the hand-over act, the signature page, the return act — in Latvian and English.

Each word has a key, which never changes, and a message: the English text, translated by the print shop's own
Babel catalogs, ``labels/translations/{lv,en}/LC_MESSAGES/labels.po`` (see ``catalog``). The key is what an
agreement pins: ``agreement_words(language)`` gives today's words by key, the agreement's snapshot keeps them,
and the agreement is rendered from the kept words ever after, whatever the catalogs say by then
(docs/decisions/0007-labels-catalogs.md). Edit a wording in the catalogs; add a key for a new word; never reuse
a key for another meaning.
"""

from __future__ import annotations

from collections.abc import Mapping

from labels.catalog import LANGUAGES, N_, translations

# key -> message: the words of an agreement and of its signature page (pinned in the agreement's snapshot)
AGREEMENT = {
    "number": N_("No."),
    "date": N_("Date"),
    "template": N_("template"),
    "page": N_("Page"),
    "funding": N_("Funded by the European Union – NextGenerationEU"),
    "scan": N_("Scan to sign"),
    "signatures": N_("Signatures"),
    "lender": N_("Lender"),
    "borrower": N_("Borrower"),
    "school_sign": N_("for the School (name, position, signature)"),
    "guardian_sign": N_("signature"),
    "date_line": N_("date"),
    "annex": N_("Annex to loan agreement No. {number}"),
    "act": N_("Hand-over and acceptance act"),
    "act_text": N_("The School hands over and the Borrower accepts for the Pupil's use the device described above. "
                   "The Borrower has checked the device's condition and accessories and has no objections unless "
                   "written below."),
    "remarks": N_("Objections"),
    "handed": N_("Handed over by"),
    "received": N_("Received by"),
    "school": N_("School"),
    "pupil": N_("Pupil"),
    "guardian": N_("Parent or legal guardian"),
    "manufacturer": N_("Manufacturer"),
    "model": N_("Model"),
    "serial": N_("Serial number"),
    "asset_tag": N_("Asset tag"),
    "device_serial": N_("serial number"),  # in the {device} phrase: "HP ProBook (sērijas Nr. …, inventāra Nr. …)"
    "device_asset_tag": N_("asset tag"),
    "accessories": N_("Accessories"),
    "condition": N_("Condition"),
    "none": N_("none"),
    "signature_page": N_("Signature page"),
    "signature_title": N_("Signature page of loan agreement No. {number}"),
    "signer": N_("Signed by"),
    "signed_at": N_("Signed at"),
    "method": N_("Way of signing"),
    "original": N_("SHA-256 of the original"),
    "signature": N_("Signature"),
    "pages": N_("pages"),
    "method_link": N_("by link, on their own device"),
    "method_desk": N_("at the school, on a tablet"),
    "method_paper": N_("on paper (scanned)"),
    "consent": N_("The signer has read the agreement and confirmed their consent by ticking the consent box."),
    "paper": N_("The agreement was signed on paper; its scan ({pages} pages) is kept with this document."),
    "hash_text": N_("The SHA-256 is the fingerprint of the original agreement, the PDF file as Fleet issued it and "
                    "keeps it with this record: changing a single character of it would change the fingerprint. "
                    "The pages before this one show the same agreement."),
}
# key -> message: the signature page's words for a typed signature, a signer other than the guardian on record and
# the used link (printed once, when the agreement is signed: not pinned, like the return act's)
SIGNATURE = {
    "kind_typed": N_("typed signature"),
    "signature_typed": N_("Signature (the signer's full name, typed)"),
    "consent_typed": N_("The signer typed their full name as their signature and confirmed their consent by ticking "
                        "the consent box."),
    "signer_other": N_("{name}, not the parent or guardian on record ({guardian})"),
    "signer_other_text": N_("The agreement was signed by a person other than the parent or guardian on record; the "
                            "School checks that they may sign for the pupil."),
    "link_used": N_("The signing link of this agreement (its QR code on the first page) has been used and no longer "
                    "works."),
}
# printed under the signing QR code in the agreement's language and then in the other one
SCAN_ALSO = "scan_also"

# key -> message: the words of a return act (printed once, when the device comes back; not pinned)
RETURN_ACT = {key: AGREEMENT[key] for key in (
    "number", "date", "page", "handed", "received", "school", "pupil", "guardian", "manufacturer", "model",
    "serial", "asset_tag", "condition", "none")} | {
    "title": N_("Device return act"),
    "subtitle": N_("hand-over and acceptance act under loan agreement No. {number}"),
    "returned": N_("Accessories returned"),
    "missing": N_("Accessories missing"),
    "notes": N_("Notes"),
    "outcome_at_school": N_("The device was taken back by the School; the agreement has ended."),
    "outcome_in_repair": N_("The device was taken back by the School and sent for repair; the agreement has ended."),
    "handed_caption": N_("parent, legal guardian or pupil (name, signature)"),
    "received_caption": N_("for the School (name, position, signature)"),
}

CLASS_TITLE = N_("Loan agreements")  # the title of a class hand-out's PDF


def agreement_words(language: str) -> dict[str, str]:
    """Today's words of an agreement in `language`, by key: what an agreement's snapshot pins."""
    words = _translated(AGREEMENT, language)
    words[SCAN_ALSO] = "\n".join(translations(other).gettext(AGREEMENT["scan"]) for other in LANGUAGES
                                 if other != language)
    return words


def signature_words(language: str) -> dict[str, str]:
    """Today's words of a signature page beyond the agreement's pinned ones, in `language`, by key."""
    return _translated(SIGNATURE, language)


def return_act_words(language: str) -> dict[str, str]:
    """Today's words of a return act in `language`, by key."""
    return _translated(RETURN_ACT, language)


def pinned(words: Mapping[str, str] | None, language: str) -> Mapping[str, str]:
    """The words an agreement is rendered with: those it pinned, and today's for any key it has not (a word the
    frame printed only after the agreement was issued)."""
    today = agreement_words(language)
    if not words:
        return today
    return today | dict(words)


def _translated(messages: dict[str, str], language: str) -> dict[str, str]:
    catalog = translations(language)
    return {key: catalog.gettext(message) for key, message in messages.items()}
