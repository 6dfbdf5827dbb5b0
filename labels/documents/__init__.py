"""The print shop's A4 documents: plain data in, PDF bytes out.

    frame               the loan documents' frame: styles, parties, tables, signature blocks, QR, footer
    words               the frame's words in each language
    agreement_template  the agreement's own text: a versioned template, the defaults in Latvian and English
    agreement           one agreement with its hand-over act; a class hand-out in one PDF
    signed_agreement    the agreement again and a signature page
    return_act          a device coming back from a loan
    sheet               the plain sheet of provisioning's lists
    reconciliation      expected serials against scanned ones (a delivery's report)
    packing_list        a shipment's packing list, or one per box
"""

from labels.documents.agreement import AgreementData, agreement_pdf, agreements_pdf
from labels.documents.agreement_template import (
    LANGUAGES,
    PLACEHOLDERS,
    Template,
    default_template,
    template_from_json,
    template_to_json,
)
from labels.documents.frame import Party
from labels.documents.packing_list import PackingItem, PackingList, packing_list_pdf
from labels.documents.reconciliation import Reconciliation, reconciliation_pdf
from labels.documents.return_act import ReturnData, return_act_pdf
from labels.documents.signed_agreement import SIGNATURE_MAX_PIXELS, Signature, signed_agreement_pdf

__all__ = ["LANGUAGES", "PLACEHOLDERS", "SIGNATURE_MAX_PIXELS", "AgreementData", "PackingItem", "PackingList", "Party",
           "Reconciliation", "ReturnData", "Signature", "Template", "agreement_pdf", "agreements_pdf",
           "default_template", "packing_list_pdf", "reconciliation_pdf", "return_act_pdf", "signed_agreement_pdf",
           "template_from_json", "template_to_json"]
