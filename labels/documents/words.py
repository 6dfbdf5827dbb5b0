"""The frame's words: everything a loan document prints that is not the data or the agreement's template text."""

from __future__ import annotations

WORDS = {
    "lv": {
        "number": "Nr.", "date": "Datums", "template": "veidne", "page": "Lapa",
        "funding": "Finansē Eiropas Savienība – NextGenerationEU",
        "scan": ("Skenējiet, lai parakstītu", "Scan to sign"),
        "signatures": "Līdzēju paraksti",
        "lender": "Patapinātājs", "borrower": "Patapinājuma ņēmējs",
        "school_sign": "Skolas pārstāvis (vārds, uzvārds, amats, paraksts)",
        "guardian_sign": "paraksts", "date_line": "datums",
        "annex": "Pielikums patapinājuma līgumam Nr. {number}",
        "act": "Nodošanas–pieņemšanas akts",
        "act_text": "Skola nodod un Patapinājuma ņēmējs pieņem Izglītojamā lietošanā iepriekš aprakstīto ierīci. "
                    "Patapinājuma ņēmējs ir pārbaudījis ierīces stāvokli un piederumus; iebildumu nav, ja tie nav "
                    "ierakstīti zemāk.",
        "remarks": "Iebildumi",
        "handed": "Nodeva", "received": "Pieņēma",
        "school": "Skola", "pupil": "Izglītojamais", "guardian": "Vecāks vai likumiskais pārstāvis",
        "manufacturer": "Ražotājs", "model": "Modelis", "serial": "Sērijas numurs", "asset_tag": "Inventāra numurs",
        "accessories": "Piederumi", "condition": "Stāvoklis", "none": "nav",
        "signature_page": "Parakstu lapa", "signature_title": "Parakstu lapa patapinājuma līgumam Nr. {number}",
        "signer": "Parakstītājs", "signed_at": "Parakstīts", "method": "Parakstīšanas veids",
        "original": "Oriģināla SHA-256", "signature": "Paraksts",
        "pages": "lpp.",
        "methods": {"link": "ar saiti savā ierīcē", "desk": "skolā, planšetdatorā", "paper": "uz papīra (skenēts)"},
        "consent": "Parakstītājs ir iepazinies ar līgumu un, atzīmējot piekrišanu, apliecinājis, ka tam piekrīt.",
        "paper": "Līgums parakstīts uz papīra; tā skenētā kopija ({pages} lpp.) glabājas kopā ar šo dokumentu.",
        "hash_text": "SHA-256 ir līguma oriģināla – PDF datnes, kādu to izsniedza Fleet un kāda tā glabājas kopā ar "
                     "šo ierakstu, – nospiedums: ja oriģinālā mainītu kaut vienu zīmi, nospiedums būtu cits. "
                     "Iepriekšējās lapas atveido to pašu līgumu.",
        "return_title": "Ierīces atgriešanas akts",
        "return_subtitle": "nodošanas–pieņemšanas akts pie patapinājuma līguma Nr. {number}",
        "returned": "Atdoti piederumi", "missing": "Trūkst piederumu", "notes": "Piezīmes",
        "outcome": {"at_school": "Ierīce pieņemta Skolā; līgums izbeigts.",
                    "in_repair": "Ierīce pieņemta Skolā un nodota remontā; līgums izbeigts."},
        "return_handed": "vecāks, likumiskais pārstāvis vai izglītojamais (vārds, uzvārds, paraksts)",
        "return_received": "Skolas pārstāvis (vārds, uzvārds, amats, paraksts)",
    },
    "en": {
        "number": "No.", "date": "Date", "template": "template", "page": "Page",
        "funding": "Funded by the European Union – NextGenerationEU",
        "scan": ("Scan to sign", "Skenējiet, lai parakstītu"),
        "signatures": "Signatures",
        "lender": "Lender", "borrower": "Borrower",
        "school_sign": "for the School (name, position, signature)",
        "guardian_sign": "signature", "date_line": "date",
        "annex": "Annex to loan agreement No. {number}",
        "act": "Hand-over and acceptance act",
        "act_text": "The School hands over and the Borrower accepts for the Pupil's use the device described above. The "
                    "Borrower has checked the device's condition and accessories and has no objections unless written "
                    "below.",
        "remarks": "Objections",
        "handed": "Handed over by", "received": "Received by",
        "school": "School", "pupil": "Pupil", "guardian": "Parent or legal guardian",
        "manufacturer": "Manufacturer", "model": "Model", "serial": "Serial number", "asset_tag": "Asset tag",
        "accessories": "Accessories", "condition": "Condition", "none": "none",
        "signature_page": "Signature page", "signature_title": "Signature page of loan agreement No. {number}",
        "signer": "Signed by", "signed_at": "Signed at", "method": "Way of signing",
        "original": "SHA-256 of the original", "signature": "Signature",
        "pages": "pages",
        "methods": {"link": "by link, on their own device", "desk": "at the school, on a tablet",
                    "paper": "on paper (scanned)"},
        "consent": "The signer has read the agreement and confirmed their consent by ticking the consent box.",
        "paper": "The agreement was signed on paper; its scan ({pages} pages) is kept with this document.",
        "hash_text": "The SHA-256 is the fingerprint of the original agreement, the PDF file as Fleet issued it and "
                     "keeps it with this record: changing a single character of it would change the fingerprint. The "
                     "pages before this one show the same agreement.",
        "return_title": "Device return act",
        "return_subtitle": "hand-over and acceptance act under loan agreement No. {number}",
        "returned": "Accessories returned", "missing": "Accessories missing", "notes": "Notes",
        "outcome": {"at_school": "The device was taken back by the School; the agreement has ended.",
                    "in_repair": "The device was taken back by the School and sent for repair; the agreement has ended."},
        "return_handed": "parent, legal guardian or pupil (name, signature)",
        "return_received": "for the School (name, position, signature)",
    },
}
