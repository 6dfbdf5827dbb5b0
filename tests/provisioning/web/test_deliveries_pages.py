"""The deliveries pages with the test client: a delivery made from an uploaded manifest (CSV, XLSX),
a manifest's bad lines shown with their numbers and nothing imported, the live reconciliation
(the page and the fragment htmx polls), closing, and the report the page links to."""

from __future__ import annotations

import io
import re

from fleet.models import Delivery, DeliveryItem, Device
from provisioning import deliveries
from tests.factories import ContractFactory, DeliveryFactory, current_session
from tests.page_routes import client_as
from tests.provisioning.test_manifests import csv_bytes, xlsx_bytes
from tests.provisioning.web.forms import fragment, post_form

HEADER = ["Sērijas numurs", "Ražotājs", "Modelis"]


def upload(client, contract: str, data: bytes, name: str):
    return post_form(client, "/deliveries", {"contract": contract, "file": (io.BytesIO(data), name)},
                     content_type="multipart/form-data")


def test_a_delivery_from_a_csv_manifest(app, session, count):
    contract = ContractFactory()
    client = client_as(app, "warehouse")
    data = csv_bytes(HEADER, [("PFW00001", "Lenovo", "ThinkPad"), ("PFW00002", "Lenovo", "ThinkPad")], ";", "cp1257")
    r = upload(client, contract.number, data, "piegade.csv")
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    delivery_id = int(re.fullmatch(r"/deliveries/(\d+)", r.headers["Location"]).group(1))
    assert count(DeliveryItem, DeliveryItem.delivery_id == delivery_id) == 2
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="count-expected">2<' in page and 'id="count-found">0<' in page
    assert "PFW00001" in page and "PFW00002" in page  # both missing so far
    assert f'href="/station?mode=receive&amp;delivery={delivery_id}"' in page


def test_a_delivery_from_an_xlsx_manifest(app, session, count):
    contract = ContractFactory()
    client = client_as(app, "admin")
    data = xlsx_bytes(["Serial", "Manufacturer", "Model"], [("PFX00011", "HP", "ProBook")])
    r = upload(client, contract.number, data, "manifest.xlsx")
    assert r.status_code == 303
    assert count(Device, Device.serial == "PFX00011") == 1


def test_a_manifest_with_bad_lines_lists_each_and_imports_nothing(app, session, count):
    contract = ContractFactory()
    DeliveryFactory(contract=contract, serials=["PFB00001"])
    client = client_as(app, "warehouse")
    before = (count(Delivery), count(DeliveryItem), count(Device))
    rows = [("PFB00002", "Dell", "Latitude"), ("PFB00001", "Dell", "Latitude"), ("", "Dell", "Latitude"),
            ("PFB00002", "Dell", "Latitude")]
    r = upload(client, contract.number, csv_bytes(HEADER, rows), "piegade.csv")
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert 'data-code="invalid_input"' in page
    assert "kļūdainas rindas: 2; nekas netika importēts" in page  # in the page's language (Latvian here)
    lines = re.findall(r"<li>(\d+)\. rinda: ([^<]+)</li>", page)
    assert [int(n) for n, _ in lines] == [4, 5], page[page.find("refusal"):][:800]
    assert "garumam jābūt 4–40 zīmēm" in lines[0][1] and "atkārto 2. rindu" in lines[1][1]  # each line in Latvian too
    assert before == (count(Delivery), count(DeliveryItem), count(Device))
    assert 'id="create-delivery"' in page and f'value="{contract.number}" selected' in page  # the form again
    # a file whose serials are known already: those lines, nothing imported either
    r = upload(client, contract.number, csv_bytes(HEADER, [("PFB00001", "Dell", "Latitude")]), "again.csv")
    assert r.status_code == 400 and "jau ir piegādē" in r.get_data(as_text=True)
    assert before == (count(Delivery), count(DeliveryItem), count(Device))


def test_without_a_contract_the_page_says_what_comes_first(app, session):
    page = client_as(app, "warehouse").get("/deliveries").get_data(as_text=True)
    assert 'id="no-contracts"' in page and 'id="create-delivery"' not in page


def test_without_a_file_the_form_says_so(app, session, count):
    client = client_as(app, "warehouse")
    r = post_form(client, "/deliveries", {"contract": ContractFactory().number})
    assert r.status_code == 400 and 'data-code="invalid_input"' in r.get_data(as_text=True)


def test_the_list_shows_each_delivery_with_its_progress_newest_first(app, session):
    older = DeliveryFactory(serials=["PFL00001", "PFL00002", "PFL00003"])
    newer = DeliveryFactory(serials=["PFL00004"])
    db = current_session()
    deliveries.receive(db, older, "PFL00001", "noliktava")
    deliveries.receive(db, older, "PFL00001", "noliktava")  # scanned twice: found once
    db.commit()
    page = client_as(app, "ministry").get("/deliveries").get_data(as_text=True)
    rows = re.findall(r'<tr data-delivery="(\d+)">(.*?)</tr>', page, re.S)
    assert [int(i) for i, _ in rows] == [newer.id, older.id]
    assert "1 / 3" in rows[1][1] and "0 / 1" in rows[0][1]
    assert 'id="create-delivery"' not in page  # the ministry reads, it does not create


def test_the_list_pages_by_cursor(app, session):
    made = [DeliveryFactory(serials=[f"PFP{n:05d}"]).id for n in range(3)]
    client = client_as(app, "warehouse")
    from provisioning.web import cursor

    cursor.PAGE_SIZE, size = 2, cursor.PAGE_SIZE
    try:
        first = client.get("/deliveries").get_data(as_text=True)
        after = re.search(r'href="/deliveries\?after=([^"]+)" id="next-page"', first).group(1)
        second = client.get(f"/deliveries?after={after}").get_data(as_text=True)
    finally:
        cursor.PAGE_SIZE = size
    assert [int(i) for i in re.findall(r'<tr data-delivery="(\d+)">', first)] == made[:0:-1]
    assert [int(i) for i in re.findall(r'<tr data-delivery="(\d+)">', second)] == [made[0]]
    assert 'id="next-page"' not in second
    assert client.get("/deliveries?after=nonsense").status_code == 400


def test_the_reconciliation_fragment_counts_found_unexpected_and_twice_and_stops_polling_once_closed(app, session):
    delivery = DeliveryFactory(serials=["PFR00001", "PFR00002"])
    db = current_session()
    for code in ("PFR00001", "PFR00001", "PFRX9999"):
        deliveries.receive(db, delivery, code, "noliktava")
    db.commit()
    client = client_as(app, "auditor")
    r = fragment(client, f"/deliveries/{delivery.id}/reconciliation")
    part = r.get_data(as_text=True)
    assert r.status_code == 200 and "<html" not in part and 'id="nav"' not in part
    for name, n in (("expected", 2), ("found", 1), ("missing", 1), ("unexpected", 1), ("repeated", 1)):
        assert f'id="count-{name}">{n}<' in part, name
    assert 'hx-trigger="every 2s"' in part and "PFRX9999" in part and "PFR00002" in part
    # a poll that would show what the page shows already changes nothing (204: htmx leaves the page alone)
    seen = re.search(r'data-version="([^"]+)"', part).group(1)
    assert f"seen={seen}" in part
    r = fragment(client, f"/deliveries/{delivery.id}/reconciliation?seen={seen}")
    assert r.status_code == 204 and r.get_data() == b""
    deliveries.receive(db, delivery, "PFR00002", "noliktava")
    db.commit()
    part = fragment(client, f"/deliveries/{delivery.id}/reconciliation?seen={seen}").get_data(as_text=True)
    assert 'id="count-found">2<' in part and 'id="count-missing">0<' in part
    # opened as a page (no htmx), it is the delivery's page
    assert 'id="nav"' in client.get(f"/deliveries/{delivery.id}/reconciliation").get_data(as_text=True)
    deliveries.close(db, delivery, "noliktava")
    db.commit()
    part = fragment(client, f"/deliveries/{delivery.id}/reconciliation").get_data(as_text=True)
    assert "hx-trigger" not in part and 'data-closed="yes"' in part


def test_closing_needs_the_box_ticked(app, session):
    delivery = DeliveryFactory(serials=["PFZ00001"])
    client = client_as(app, "warehouse")
    r = post_form(client, f"/deliveries/{delivery.id}/close", {})
    assert r.status_code == 400 and 'data-code="invalid_input"' in r.get_data(as_text=True)
    current_session().expire_all()
    assert current_session().get(Delivery, delivery.id).closed_at is None
    r = post_form(client, f"/deliveries/{delivery.id}/close", {"confirm": "yes"})
    assert r.status_code == 303 and r.headers["Location"] == f"/deliveries/{delivery.id}"
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="close"' not in page and 'id="receive"' not in page and 'data-closed="yes"' in page
    r = post_form(client, f"/deliveries/{delivery.id}/close", {"confirm": "yes"})
    assert r.status_code == 409 and 'data-code="conflict"' in r.get_data(as_text=True)
    assert client.get("/deliveries/999999").status_code == 404


def test_the_report_links_open_with_the_browser_session(app, session):
    delivery = DeliveryFactory(serials=["PFQ00001"])
    client = client_as(app, "auditor")
    page = client.get(f"/deliveries/{delivery.id}").get_data(as_text=True)
    pdf = re.search(r'id="report-pdf" href="([^"]+)"', page).group(1)
    csv = re.search(r'id="report-csv" href="([^"]+)"', page).group(1)
    assert pdf == f"/api/v1/deliveries/{delivery.id}/report.pdf"
    r = client.get(pdf)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    r = client.get(csv)
    assert r.status_code == 200 and "PFQ00001;trūkst" in r.get_data(as_text=True)  # Excel's: ; and Latvian
    assert 'id="close"' not in page and 'id="receive"' not in page  # the auditor reads only
    assert '<a href="/deliveries" aria-current="page">' in page  # the bar marks the area on a record's page
