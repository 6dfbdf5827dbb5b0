"""Provisioning's printed documents, read back: the delivery's one-page reconciliation report and
the shipment's packing list (per shipment or per box)."""

import io

from pypdf import PdfReader

from tests.conftest import error_code
from tests.factories import ContractFactory, DeviceFactory, SchoolFactory


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_delivery_report_pdf_lists_every_discrepancy_on_one_page(api):
    contract = ContractFactory(number="IZM-2026/3", supplier="SIA Datorbāze", funding_source="rrf")
    manifest = [{"serial": s, "manufacturer": "HP", "model": "ProBook"} for s in ("PFR00001", "PFR00002", "PFR00003")]
    delivery = api.post("deliveries", json={"contract": contract.number, "manifest": manifest}).get_json()["id"]
    for code in ("PFR00001", "PFR00002", "PFR00001", "PFX00009"):
        assert api.post(f"deliveries/{delivery}/receive", json={"code": code}).status_code == 200
    r = api.get(f"deliveries/{delivery}/report.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    (page,) = pdf_pages(r.data)
    assert "Piegāde" in page and "IZM-2026/3" in page and "SIA Datorbāze" in page and "Atveseļošanas fonds" in page
    missing = page.split("Trūkst / Missing (1)")[1]
    assert "PFR00003" in missing.split("Neparedzēts")[0]
    assert "Neparedzēts / Unexpected (1)" in page and "PFX00009" in page
    twice = page.split("Skenēts divreiz / Scanned twice (1)")[1]
    assert "PFR00001" in twice.split("Nodeva")[0]  # the list, then the hand-over's signature lines
    assert page.rstrip().endswith("datums / date")
    assert "\x00" not in page


def test_delivery_report_pdf_of_a_closed_delivery_says_who_closed_it(api):
    contract = ContractFactory()
    manifest = [{"serial": "PFR10001", "manufacturer": "HP", "model": "ProBook"}]
    delivery = api.post("deliveries", json={"contract": contract.number, "manifest": manifest}).get_json()["id"]
    api.post(f"deliveries/{delivery}/receive", json={"code": "PFR10001"})
    assert api.post(f"deliveries/{delivery}/close").status_code == 200
    (page,) = pdf_pages(api.get(f"deliveries/{delivery}/report.pdf").data)
    assert "Slēgta / Closed" in page and "Everything matches" in page


def test_delivery_report_pdf_of_an_unknown_delivery_is_not_found(api):
    r = api.get("deliveries/999/report.pdf")
    assert r.status_code == 404 and error_code(r) == "not_found"


def test_packing_list_per_shipment_and_per_box(api):
    school = SchoolFactory(name="Ķekavas vidusskola")
    devices = [DeviceFactory(status="labelled") for _ in range(5)]
    shipment = api.post("shipments", json={"school": school.registration_number,
                                           "devices": [d.serial for d in devices]}).get_json()["id"]
    (page,) = pdf_pages(api.get(f"shipments/{shipment}/packing-list.pdf").data)
    assert "Ķekavas vidusskola" in page and school.founder.name in page
    assert all(d.serial in page and d.asset_tag in page for d in devices)
    assert "Pieņēma / Received by" in page and "Nodeva / Handed over by" in page
    pages = pdf_pages(api.get(f"shipments/{shipment}/packing-list.pdf?box_size=2").data)
    assert len(pages) == 3 and "Box 3/3" in pages[2]
    tags = sorted(d.asset_tag for d in devices)
    assert tags[4] in pages[2] and tags[0] not in pages[2]


def test_packing_list_bad_box_size_and_other_schools(api, api_as):
    school = SchoolFactory()
    shipment = api.post("shipments", json={"school": school.registration_number,
                                           "devices": [DeviceFactory(status="labelled").serial]}).get_json()["id"]
    for bad in ("0", "x", "501"):
        r = api.get(f"shipments/{shipment}/packing-list.pdf?box_size={bad}")
        assert r.status_code == 400 and error_code(r) == "invalid_input"
    r = api_as("school_it", school=SchoolFactory()).get(f"shipments/{shipment}/packing-list.pdf")
    assert r.status_code == 404 and error_code(r) == "not_found"


def test_documents_embed_their_fonts_and_name_no_standard_font(api):
    contract = ContractFactory()
    manifest = [{"serial": "PFR20001", "manufacturer": "HP", "model": "ProBook"}]
    delivery = api.post("deliveries", json={"contract": contract.number, "manifest": manifest}).get_json()["id"]
    data = api.get(f"deliveries/{delivery}/report.pdf").data
    assert b"/Helvetica" not in data and b"/FontFile2" in data
    fonts = {str(f["/BaseFont"]) for page in PdfReader(io.BytesIO(data)).pages
             for f in page["/Resources"]["/Font"].values()}
    assert any(name.endswith("DejaVuSans-Bold") for name in fonts)  # <b> picks the bold face


def test_the_documents_words_are_latvian_with_the_english_beside_them(api):
    contract = ContractFactory(number="IZM-2026/4", funding_source="rrf")
    manifest = [{"serial": "PFR30001", "manufacturer": "HP", "model": "ProBook"}]
    delivery = api.post("deliveries", json={"contract": contract.number, "manifest": manifest}).get_json()["id"]
    (page,) = pdf_pages(api.get(f"deliveries/{delivery}/report.pdf").data)
    for words in (f"Piegāde {delivery} / Delivery {delivery}", "Līgums / Contract", "Piegādātājs / Supplier",
                  "Finansējums / Funding", "Atveseļošanas fonds / Recovery Fund", "Izveidota / Created",
                  "Atvērta: skaitļi uz šo brīdi / Open: figures as of now", "Gaidīts / Expected",
                  "Trūkst / Missing (1)"):
        assert words in page, words
    school = SchoolFactory()
    shipment = api.post("shipments", json={"school": school.registration_number,
                                           "devices": [DeviceFactory(status="labelled").serial]}).get_json()["id"]
    (page,) = pdf_pages(api.get(f"shipments/{shipment}/packing-list.pdf").data)
    for words in (f"Pavadzīme: sūtījums {shipment} / Packing list: shipment {shipment}",
                  "Nosūtītājs / From", "Centrālā noliktava / Central warehouse", "Sērijas numurs / Serial"):
        assert words in " ".join(page.split()), words
