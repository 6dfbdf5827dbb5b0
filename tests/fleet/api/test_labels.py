"""Labels through HTTP: previews, recorded print runs, stocks, printer calibration, pre-printed
batches bound by their first scan, and confirming a label by scanning it."""

from __future__ import annotations

import io
from urllib.parse import quote

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from fleet import labelling
from fleet.asset_tags import format_tag
from fleet.models import Event, LabelBatch, PreprintedTag, Printer
from tests.conftest import error_code
from tests.factories import ContractFactory, DeliveryFactory, DeviceFactory, SchoolFactory
from tests.fleet.test_asset_tags import next_tag_number


def decoded(pdf: bytes, dpi: int = 300) -> set[str]:
    """Every QR and Code128 text on every page of a PDF, rasterised like a scanner would see it."""
    document = pypdfium2.PdfDocument(pdf)
    texts = set()
    for page in document:
        image = page.render(scale=dpi / 72).to_pil()
        texts |= {r.text for r in zxingcpp.read_barcodes(image)}
    document.close()
    return texts


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def url(tag: str) -> str:
    return f"HTTPS://FLEET.EXAMPLE.LV/D/{tag}"


def printed_events(session, device) -> list[Event]:
    session.commit()
    rows = session.query(Event).filter_by(device_id=device.id, action="label_printed").order_by(Event.seq).all()
    session.commit()
    return rows


# --- the URL on the label --------------------------------------------------------------------------

def test_label_url_is_upper_case_without_a_path_so_the_qr_code_is_alphanumeric():
    assert labelling.label_url("https://fleet.example.lv", "DIB-000123-K") == "HTTPS://FLEET.EXAMPLE.LV/D/DIB-000123-K"
    assert labelling.label_url("https://x.lv/fleet/", "DIB-000123-K") == "https://x.lv/fleet/d/DIB-000123-K"


def test_the_upper_case_url_opens_the_finder_page(client, session):
    device = DeviceFactory(status="imaged")
    assert client.get(f"/D/{device.asset_tag}").status_code == 200


# --- previews ------------------------------------------------------------------------------------

def test_device_label_pdf_decodes_to_its_url_and_serial(api, session):
    device = DeviceFactory(status="imaged", contract=ContractFactory(funding_source="rrf"))
    r = api.get(f"devices/{device.serial}/label.pdf?stock=avery-l7159")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert decoded(r.data) == {url(device.asset_tag), device.serial}
    text = text_of(r.data)
    assert device.asset_tag in text and "NextGenerationEU" in text and "Finansē Eiropas Savienība" in text
    assert printed_events(session, device) == []  # a preview is not a print


@pytest.mark.parametrize("fmt", ["png", "svg", "zpl"])
def test_device_label_other_formats(api, session, fmt):
    device = DeviceFactory(status="imaged")
    r = api.get(f"devices/{quote(device.asset_tag)}/label.{fmt}?stock=brother-dk-11201")
    assert r.status_code == 200
    assert r.mimetype == labelling.FORMATS[fmt]
    if fmt == "png":
        texts = {x.text for x in zxingcpp.read_barcodes(Image.open(io.BytesIO(r.data)))}
        assert texts == {url(device.asset_tag), device.serial}
    elif fmt == "svg":
        assert b"<svg" in r.data and device.asset_tag.encode() in r.data
    else:
        assert r.data.startswith(b"^XA") and f"^FDQA,{url(device.asset_tag)}^FS".encode() in r.data


def test_label_of_a_device_without_a_tag_is_a_conflict(api, session):
    device = DeviceFactory(status="expected")
    r = api.get(f"devices/{device.serial}/label.pdf")
    assert r.status_code == 409 and error_code(r) == "conflict"


@pytest.mark.parametrize("query, field", [("stock=avery-l9999", "stock"), ("skip=21&stock=avery-l7160", "skip"),
                                          ("skip=x", "skip"), ("printer=nope", "printer")])
def test_label_preview_bad_parameters(api, session, query, field):
    device = DeviceFactory(status="imaged")
    r = api.get(f"devices/{device.serial}/label.pdf?{query}")
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert r.get_json()["error"]["details"][0]["field"] == field


def test_unknown_label_format_is_invalid(api, session):
    device = DeviceFactory(status="imaged")
    r = api.get(f"devices/{device.serial}/label.gif")
    assert error_code(r) == "invalid_input"


def test_other_schools_device_label_is_not_found(api_as, session):
    mine, theirs = SchoolFactory(), SchoolFactory()
    device = DeviceFactory(status="at_school", school=theirs)
    r = api_as("school_it", school=mine).get(f"devices/{device.serial}/label.pdf")
    assert r.status_code == 404 and error_code(r) == "not_found"


def test_label_stocks_list_every_stock(api):
    r = api.get("label-stocks")
    items = {s["id"]: s for s in r.get_json()["items"]}
    assert {"avery-l7160", "avery-l7163", "avery-l7651", "avery-l7159", "avery-l6009", "avery-l6011",
            "brother-dk-11201", "brother-dk-22205", "zebra-2x1", "dymo-11352"} <= set(items)
    assert items["avery-l7160"]["per_page"] == 21 and items["zebra-2x1"]["kind"] == "roll"


# --- print runs ----------------------------------------------------------------------------------

def test_print_run_records_a_first_print_per_device(api, session):
    devices = [DeviceFactory(status="imaged") for _ in range(3)]
    r = api.post("labels", json={"devices": [d.serial for d in devices], "stock": "avery-l7160", "skip": 5})
    assert r.status_code == 200 and r.headers["X-Fleet-Labels"] == "3"
    assert decoded(r.data) == {url(d.asset_tag) for d in devices} | {d.serial for d in devices}
    for d in devices:
        (event,) = printed_events(session, d)
        assert event.data["reason"] == "first_print" and event.data["stock"] == "avery-l7160"
        assert (event.from_status, event.to_status) == ("imaged", None)  # a fact: the status stays


def test_a_reprint_needs_a_reason_and_records_it(api, session):
    device = DeviceFactory(status="imaged")
    assert api.post("labels", json={"devices": [device.serial], "stock": "avery-l7160"}).status_code == 200
    r = api.post("labels", json={"devices": [device.serial], "stock": "avery-l7160"})
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert r.get_json()["error"]["details"][0]["code"] == "conflict"
    r = api.post("labels", json={"devices": [device.serial], "stock": "avery-l7160", "reason": "damaged"})
    assert r.status_code == 200
    r = api.post("labels", json={"devices": [device.serial], "stock": "avery-l7160", "reason": "damaged"})
    assert r.status_code == 200  # a second reprint is a new print, not a double scan
    assert [e.data["reason"] for e in printed_events(session, device)] == ["first_print", "damaged", "damaged"]


def test_first_print_with_a_reprint_reason_is_refused(api, session):
    device = DeviceFactory(status="imaged")
    r = api.post("labels", json={"devices": [device.serial], "stock": "avery-l7160", "reason": "replacement"})
    assert error_code(r) == "invalid_input"
    assert printed_events(session, device) == []


def test_print_run_is_all_or_nothing(api, session):
    good = DeviceFactory(status="imaged")
    untagged = DeviceFactory(status="expected")
    r = api.post("labels", json={"devices": [good.serial, untagged.serial, "NOSUCH99", good.serial],
                                 "stock": "avery-l7160"})
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert [(e["index"], e["code"]) for e in r.get_json()["error"]["details"]] == \
        [(1, "conflict"), (2, "not_found"), (3, "duplicate")]
    assert printed_events(session, good) == []


def test_print_a_whole_delivery_as_zpl(api, session):
    delivery = DeliveryFactory(serials=("PFZ00001", "PFZ00002"))
    for serial in ("PFZ00001", "PFZ00002"):
        assert api.post(f"devices/{serial}/actions/receive", json={"delivery": delivery.id}).status_code == 200
    r = api.post("labels", json={"delivery": delivery.id, "stock": "zebra-2x1", "format": "zpl"})
    assert r.status_code == 200 and r.mimetype == "application/zpl"
    assert r.data.count(b"^XA") == 2 and r.data.count(b"^XZ") == 2
    assert r.headers["X-Fleet-Labels"] == "2"


@pytest.mark.parametrize("spec, field", [({}, "devices"), ({"devices": [], "stock": "avery-l7160"}, "devices"),
                                         ({"delivery": "7", "stock": "avery-l7160"}, "delivery"),
                                         ({"devices": ["X"], "delivery": 1, "stock": "avery-l7160"}, "devices")])
def test_print_run_bad_requests(api, session, spec, field):
    r = api.post("labels", json=spec)
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert field in {d.get("field") for d in r.get_json()["error"]["details"]}


def test_print_run_unknown_shipment_is_not_found(api, session):
    r = api.post("labels", json={"shipment": 999, "stock": "avery-l7160"})
    assert r.status_code == 404 and error_code(r) == "not_found"


# --- printers and calibration -----------------------------------------------------------------

def test_printer_profile_shifts_the_print(api, session, count):
    r = api.post("printers", json={"name": "Kopētājs 2. stāvā", "offset_x": 1.5, "offset_y": -0.75,
                                   "stock": "avery-l7163"})
    assert r.status_code == 201
    assert r.get_json() == {"name": "Kopētājs 2. stāvā", "offset_x": 1.5, "offset_y": -0.75, "stock": "avery-l7163",
                            "school": None}
    assert error_code(api.post("printers", json={"name": "Kopētājs 2. stāvā"})) == "duplicate"
    r = api.client.patch("/api/v1/printers/" + quote("Kopētājs 2. stāvā"), json={"offset_y": 0.5},
                         headers=api.headers)
    assert r.status_code == 200 and r.get_json()["offset_y"] == 0.5
    assert count(Printer) == 1
    device = DeviceFactory(status="imaged")
    r = api.post("labels", json={"devices": [device.serial], "printer": "Kopētājs 2. stāvā"})  # its stock
    assert r.status_code == 200
    (event,) = printed_events(session, device)
    assert event.data["printer"] == "Kopētājs 2. stāvā" and event.data["stock"] == "avery-l7163"
    r = api.get("label-stocks/avery-l7163/calibration.pdf?printer=" + quote("Kopētājs 2. stāvā"))
    assert r.status_code == 200 and "+1.5" in text_of(r.data)


@pytest.mark.parametrize("body, field", [({"name": ""}, "name"), ({"name": "p", "offset_x": 25}, "offset_x"),
                                         ({"name": "p", "offset_y": "1"}, "offset_y"),
                                         ({"name": "p", "stock": "nope"}, "stock"),
                                         ({"name": "p", "school": "0000000000"}, "school")])
def test_printer_profile_bad_input_saves_nothing(api, session, count, body, field):
    r = api.post("printers", json=body)
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert field in {d["field"] for d in r.get_json()["error"]["details"]}
    assert count(Printer) == 0


def test_school_printers_are_the_schools_own(api_as, session):
    mine, theirs = SchoolFactory(), SchoolFactory()
    it = api_as("school_it", school=mine)
    r = it.post("printers", json={"name": "Skolas printeris", "offset_x": 0.4})
    assert r.status_code == 201 and r.get_json()["school"] == mine.registration_number
    other = api_as("school_it", school=theirs)
    assert other.get("printers").get_json()["items"] == []
    r = other.client.patch("/api/v1/printers/Skolas%20printeris", json={"offset_x": 3}, headers=other.headers)
    assert r.status_code == 404 and error_code(r) == "not_found"


def test_patch_unknown_printer_is_not_found(api):
    r = api.client.patch("/api/v1/printers/nope", json={"offset_x": 1}, headers=api.headers)
    assert r.status_code == 404 and error_code(r) == "not_found"


# --- pre-printed batches ----------------------------------------------------------------------

def test_preprinted_batch_binds_on_first_scan_with_the_serial(api, session, count):
    r = api.post("label-batches", json={"count": 4, "stock": "avery-l7651"})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    batch_id = int(r.headers["X-Fleet-Batch"])
    tags = [t["tag"] for t in api.get(f"label-batches/{batch_id}").get_json()["tags"]]
    assert len(tags) == 4 and decoded(r.data) == {url(t) for t in tags}
    device = DeviceFactory(status="in_warehouse")
    old_tag = device.asset_tag
    r = api.post("scan", json={"code": url(tags[0]), "action": "bind", "serial": device.serial})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["device"]["asset_tag"] == tags[0]
    assert r.get_json()["event"]["data"] == {"tag": tags[0], "batch": batch_id, "replaces": old_tag}
    again = api.post("scan", json={"code": tags[0], "action": "bind", "serial": device.serial})
    assert again.status_code == 200 and again.get_json()["already"] is True
    other = DeviceFactory(status="in_warehouse")
    r = api.post("scan", json={"code": tags[0], "action": "bind", "serial": other.serial})
    assert r.status_code == 409 and error_code(r) == "conflict"
    r = api.post("scan", json={"code": tags[1], "action": "bind", "serial": device.serial})
    assert r.status_code == 409 and error_code(r) == "conflict"  # the device carries a label already
    body = api.get(f"label-batches/{batch_id}").get_json()
    assert body["bound"] == 1 and body["tags"][0] == {"tag": tags[0], "serial": device.serial}
    assert count(PreprintedTag, PreprintedTag.device_id.is_not(None)) == 1


def test_a_batch_across_the_millionth_tag_is_in_number_order_and_every_tag_prints_whole(api, session):
    next_tag_number(session, 999_998)
    r = api.post("label-batches", json={"count": 4, "stock": "avery-l7651"})  # the smallest stock
    assert r.status_code == 200, r.get_json()
    tags = [t["tag"] for t in api.get(f"label-batches/{r.headers['X-Fleet-Batch']}").get_json()["tags"]]
    assert tags == [format_tag("DIB", n) for n in (999_998, 999_999, 1_000_000, 1_000_001)]
    assert decoded(r.data) == {url(t) for t in tags}
    printed = text_of(r.data).split()
    assert all(t in printed for t in tags)  # whole, not cut with an ellipsis
    device = DeviceFactory(status="in_warehouse")
    r = api.post("scan", json={"code": url(tags[2]), "action": "bind", "serial": device.serial})
    assert r.status_code == 200 and r.get_json()["device"]["asset_tag"] == tags[2], r.get_json()
    other = DeviceFactory(status="in_warehouse")
    assert other.asset_tag == format_tag("DIB", 1_000_003)  # 1,000,002 went to `device`, replaced by the bind
    r = api.post("labels", json={"devices": [other.asset_tag], "stock": "avery-l7651"})
    assert r.status_code == 200, r.get_json()
    assert url(other.asset_tag) in decoded(r.data) and other.asset_tag in text_of(r.data).split()


@pytest.mark.parametrize("body, field", [({"count": 0, "stock": "avery-l7651"}, "count"),
                                         ({"count": 1001, "stock": "avery-l7651"}, "count"),
                                         ({"count": 2}, "stock"),
                                         ({"count": 2, "stock": "zebra-2x1", "skip": 1}, "skip")])
def test_preprinted_batch_bad_input(api, session, count, body, field):
    r = api.post("label-batches", json=body)
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert r.get_json()["error"]["details"][0]["field"] == field
    assert count(LabelBatch) == 0


def test_bind_needs_a_preprinted_label_and_a_serial(api, session):
    device = DeviceFactory(status="in_warehouse")
    r = api.post("scan", json={"code": device.asset_tag, "action": "bind", "serial": device.serial})
    assert r.status_code == 404 and error_code(r) == "not_found"
    r = api.post("scan", json={"code": device.asset_tag, "action": "bind"})
    assert error_code(r) == "invalid_input"


# --- the label action is confirmed by scanning the label --------------------------------------

def test_label_is_confirmed_by_scanning_the_label_not_the_serial(api, session):
    device = DeviceFactory(status="imaged")
    r = api.post("scan", json={"code": device.serial, "action": "label"})
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    r = api.post("scan", json={"code": url(device.asset_tag), "action": "label"})
    assert r.status_code == 200 and r.get_json()["device"]["status"] == "labelled"


def test_a_printers_name_never_changes(api):
    assert api.post("printers", json={"name": "Zebra 7"}).status_code == 201
    r = api.client.patch("/api/v1/printers/Zebra%207", json={"name": "Zebra 8"}, headers=api.headers)
    assert r.get_json()["error"]["details"] == [
        {"field": "name", "message": "a printer's name cannot change; create a new profile"}]
    assert api.get("printers").get_json()["items"][0]["name"] == "Zebra 7"
