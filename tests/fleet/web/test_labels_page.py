"""The labels page through the Flask test client: what can be printed and what not (with the reason in
words), printing what can be (recorded as label_printed events, as through the API), the run's PDF or
ZPL downloaded again from its record, the used cells of a part-used sheet (the PDF's first label after
them; a cell outside the sheet refused), the preview, school IT's scope, and pre-printed batches."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader

import labels
from fleet import lifecycle
from fleet.models import Event, LabelBatch, Printer
from tests.factories import DeliveryFactory, DeviceFactory, SchoolFactory, current_session
from tests.page_routes import client_as

L7160 = labels.STOCKS["avery-l7160"]


def post(client, path: str, data: dict):
    with client.session_transaction() as s:
        token = s.setdefault("csrf", "test-csrf-token")
    return client.post(path, data={**data, "csrf_token": token})


def refused(body: str) -> dict[str, str]:
    """ref → error code of the page's refused list."""
    return dict(re.findall(r'<tr data-ref="([^"]+)" data-code="([^"]+)">', body))


def printed(session, device) -> list[Event]:
    session.expire_all()
    return session.query(Event).filter_by(device_id=device.id, action="label_printed").order_by(Event.seq).all()


def download(client, body: str):
    href = re.search(r'id="download" href="([^"]+)"', body).group(1).replace("&amp;", "&")
    return client.get(href)


def tag_cells(pdf: bytes, tags: list[str], stock: labels.Stock = L7160) -> dict[str, int]:
    """The cell (from 0, row by row) of the first page where each asset tag's text starts."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    height = float(page.mediabox.height)
    found = {}

    def visit(text, cm, tm, *_):
        x, y = cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]
        for tag in tags:
            if tag in text and tag not in found:
                mm_x, mm_y = x * 25.4 / 72, (height - y) * 25.4 / 72
                for index in range(stock.per_page):
                    left, top = stock.cell(index)
                    if left <= mm_x <= left + stock.label_width and top <= mm_y <= top + stock.label_height:
                        found[tag] = index

    page.extract_text(visitor_text=visit)
    return found


def test_the_form_draws_the_sheet_with_a_checkbox_per_cell(app, session):
    body = client_as(app, "warehouse").get("/labels").get_data(as_text=True)
    cells = re.findall(r'<input type="checkbox" name="used" value="(\d+)" id="cell-\d+"', body)
    assert cells == [str(i) for i in range(1, 22)]  # Avery L7160: 3 × 7
    assert "rinda 1, kolonna 1" in body and "rinda 7, kolonna 3" in body
    assert 'data-stock="avery-l7160"' in body and 'id="preview"' not in body
    css = client_as(app, "warehouse").get("/labels/sheets.css").get_data(as_text=True)
    for stock in labels.STOCKS.values():
        assert (f'.sheet[data-stock="{stock.id}"] .c{stock.per_page} ' in css) == (stock.kind == "sheet")
    roll = client_as(app, "warehouse").get("/labels?stock=zebra-2x1&lang=en").get_data(as_text=True)
    assert 'name="used"' not in roll and 'id="roll-note"' in roll


def test_before_printing_the_page_says_what_can_be_printed_and_why_not_the_rest(app, session):
    good, untagged = DeviceFactory(status="imaged"), DeviceFactory(status="expected")
    body = client_as(app, "warehouse").get(
        f"/labels?devices={good.serial},{untagged.serial},NOSUCH99&lang=en").get_data(as_text=True)
    assert 'data-printable="1"' in body
    assert refused(body) == {untagged.serial: "conflict", "NOSUCH99": "not_found"}
    assert "not received yet" in body and "no device matches" in body
    assert re.search(r'<img id="preview" class="preview" src="/labels/preview\.png\?[^"]*devices=' + good.serial, body)
    assert printed(session, good) == []  # looking records nothing


def test_print_records_what_can_be_printed_and_lists_the_rest(app, session):
    first, second, before = (DeviceFactory(status="imaged") for _ in range(3))
    lifecycle.apply(session, before, "label_printed", {"reason": "first_print", "stock": "avery-l7160", "run": "x"},
                    "test", via="labels")
    session.commit()
    client = client_as(app, "warehouse")
    r = post(client, "/labels", {"devices": f"{first.serial}\n{second.serial}\n{before.serial}\n{first.serial}\nNOPE1",
                                 "stock": "avery-l7160", "action": "print"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and 'data-printed="2"' in body
    assert refused(body) == {before.serial: "conflict", "NOPE1": "not_found"}
    assert "reprint needs a reason" in body or "atkārtotai drukai" in body
    textarea = re.search(r'<textarea id="refused-serials"[^>]*>([^<]*)</textarea>', body).group(1)
    assert textarea.split("\n") == [before.serial, "NOPE1"]
    reopen = re.search(r'id="reopen" class="button secondary" href="([^"]+)"', body).group(1)
    assert f"devices={before.serial},NOPE1" in reopen
    (event,) = printed(session, first)
    assert event.data["reason"] == "first_print" and event.data["stock"] == "avery-l7160" and event.actor
    assert [e.data["run"] for e in printed(session, second)] == [event.data["run"]]
    assert len(printed(session, before)) == 1  # not printed again
    pdf = download(client, body)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert first.asset_tag in text and second.asset_tag in text and before.asset_tag not in text
    assert len(printed(session, first)) == 1  # the download is the same run, not a new print


def test_a_reprint_reason_prints_those_printed_before_and_not_the_new_ones(app, session):
    again, new = DeviceFactory(status="imaged"), DeviceFactory(status="imaged")
    lifecycle.apply(session, again, "label_printed", {"reason": "first_print", "stock": "avery-l7160", "run": "x"},
                    "test", via="labels")
    session.commit()
    r = post(client_as(app, "warehouse"), "/labels",
             {"devices": f"{again.serial}\n{new.serial}", "reason": "damaged", "action": "print"})
    body = r.get_data(as_text=True)
    assert 'data-printed="1"' in body and refused(body) == {new.serial: "conflict"}
    assert [e.data["reason"] for e in printed(session, again)] == ["first_print", "damaged"]
    assert printed(session, new) == []


def test_the_same_form_sent_twice_prints_once(app, session):
    device = DeviceFactory(status="imaged")
    lifecycle.apply(session, device, "label_printed", {"reason": "first_print", "stock": "avery-l7160", "run": "x"},
                    "test", via="labels")
    session.commit()
    client = client_as(app, "warehouse")
    form = {"devices": device.serial, "reason": "damaged", "action": "print", "once": "f0f0f0"}
    assert 'data-printed="1"' in post(client, "/labels", form).get_data(as_text=True)
    again = post(client, "/labels", form).get_data(as_text=True)  # a reload of the result, a double click
    assert 'id="sent-again"' in again and 'id="download"' in again and 'id="result"' not in again
    assert [e.data["reason"] for e in printed(session, device)] == ["first_print", "damaged"]
    assert 'data-printed="1"' in post(client, "/labels", {**form, "once": "0e0e0e"}).get_data(as_text=True)


def test_skipped_cells_the_first_label_prints_after_the_last_used_cell(app, session):
    devices = [DeviceFactory(status="imaged") for _ in range(3)]
    client = client_as(app, "warehouse")
    r = post(client, "/labels", {"devices": "\n".join(d.serial for d in devices), "stock": "avery-l7160",
                                 "used": ["1", "2", "5"], "action": "print"})
    body = r.get_data(as_text=True)
    assert 'data-printed="3"' in body
    assert 'data-skip="8"' in body and 'value="8" id="cell-8" checked' in body  # next time: after this run's cells
    pdf = download(client, body).data
    cells = tag_cells(pdf, [d.asset_tag for d in devices])
    assert [cells[d.asset_tag] for d in sorted(devices, key=lambda d: d.asset_tag)] == [5, 6, 7]  # cells 6-8


@pytest.mark.parametrize("used", [["22"], ["0"], ["x"], ["21"]])
def test_a_used_cell_outside_the_sheet_is_refused_and_nothing_printed(app, session, used):
    device = DeviceFactory(status="imaged")
    r = post(client_as(app, "warehouse"), "/labels",
             {"devices": device.serial, "stock": "avery-l7160", "used": used, "action": "print"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and 'data-code="invalid_input"' in body and 'id="result"' not in body
    assert printed(session, device) == []


def test_another_stock_chosen_starts_with_no_used_cells(app, session):
    r = post(client_as(app, "warehouse"), "/labels", {"stock": "avery-l7163", "shown_stock": "avery-l7651",
                                                      "used": ["40"], "action": "show"})
    assert r.status_code == 200 and 'data-stock="avery-l7163"' in r.get_data(as_text=True)


def test_a_delivery_prints_what_was_received_and_names_what_was_not(app, session):
    delivery = DeliveryFactory(serials=("PGL00001", "PGL00002", "PGL00003"))
    client = client_as(app, "warehouse")
    for device in delivery_devices(session, delivery)[:2]:
        lifecycle.apply(session, device, "receive", {"delivery": delivery.id}, "test")
    session.commit()
    r = post(client, "/labels", {"delivery": str(delivery.id), "stock": "zebra-2x1", "format": "zpl",
                                 "action": "print"})
    body = r.get_data(as_text=True)
    assert 'data-printed="2"' in body and refused(body) == {"PGL00003": "conflict"}
    zpl = download(client, body)
    assert zpl.mimetype == "application/zpl" and zpl.data.count(b"^XA") == 2


def delivery_devices(session, delivery):
    from fleet.models import Device
    return session.query(Device).filter_by(delivery_id=delivery.id).order_by(Device.serial).all()


def test_the_preview_is_the_first_page_as_a_picture(app, session):
    device = DeviceFactory(status="imaged")
    r = client_as(app, "warehouse").get(f"/labels/preview.png?devices={device.serial}&stock=avery-l7160&used=3")
    assert r.status_code == 200 and r.mimetype == "image/png"
    image = Image.open(io.BytesIO(r.data))
    assert abs(image.width / image.height - 210 / 297) < 0.01
    assert printed(session, device) == []


def test_school_it_prints_its_own_devices_and_uses_its_own_printers(app, session):
    mine, theirs = SchoolFactory(), SchoolFactory()
    own, other = DeviceFactory(status="at_school", school=mine), DeviceFactory(status="at_school", school=theirs)
    session.add_all([Printer(name="Skolas printeris", school_id=mine.id, stock="avery-l7163"),
                     Printer(name="Citas skolas printeris", school_id=theirs.id)])
    session.commit()
    client = client_as(app, "school_it", mine)
    page = client.get("/labels").get_data(as_text=True)
    assert "Skolas printeris" in page and "Citas skolas printeris" not in page
    assert 'id="delivery"' not in page  # deliveries are the warehouse's
    r = post(client, "/labels", {"devices": f"{own.serial}\n{other.serial}", "printer": "Skolas printeris",
                                 "action": "print"})
    body = r.get_data(as_text=True)
    assert 'data-printed="1"' in body and refused(body) == {other.serial: "not_found"}
    assert printed(session, other) == [] and printed(session, own)[0].data["printer"] == "Skolas printeris"
    r = post(client, "/labels", {"devices": own.serial, "printer": "Citas skolas printeris", "reason": "lost",
                                 "action": "print"})
    assert r.status_code == 400 and 'data-code="invalid_input"' in r.get_data(as_text=True)
    assert client.get(f"/labels/preview.png?devices={other.serial}").status_code == 404


def test_a_run_downloads_only_for_its_own_range_and_format(app, session):
    device = DeviceFactory(status="imaged")
    client = client_as(app, "warehouse")
    body = post(client, "/labels", {"devices": device.serial, "action": "print"}).get_data(as_text=True)
    href = re.search(r'id="download" href="([^"]+)"', body).group(1).replace("&amp;", "&")
    assert client.get(href.replace(".pdf", ".zpl")).status_code == 404
    first, last = (int(n) for n in re.search(r"first=(\d+)&last=(\d+)", href).groups())
    assert client.get(href.replace(f"first={first}", "first=0")).status_code == 200  # a wider range: the same run
    assert client.get(href.replace(f"last={last}", f"last={first - 1}")).status_code == 404
    assert client.get(href.replace(f"first={first}", f"first={last + 1}")).status_code == 404
    assert client.get(href.replace(f"last={last}", "last=999999999")).status_code == 404  # no scan of everything
    assert client.get(href.replace("/runs/", "/runs/ffff")).status_code == 404


def test_nothing_printable_is_a_conflict_and_nothing_is_recorded(app, session):
    untagged = DeviceFactory(status="expected")
    r = post(client_as(app, "warehouse"), "/labels", {"devices": untagged.serial, "action": "print"})
    assert r.status_code == 409 and 'data-code="conflict"' in r.get_data(as_text=True)


def test_say_what_to_print(app, session):
    r = post(client_as(app, "warehouse"), "/labels", {"action": "print"})
    assert r.status_code == 400 and 'data-code="invalid_input"' in r.get_data(as_text=True)


def test_a_preprinted_batch_is_created_listed_and_downloaded(app, session):
    client = client_as(app, "warehouse")
    r = post(client, "/labels/batches", {"count": "3", "stock": "avery-l7651"})
    assert r.status_code == 303
    batch = current_session().query(LabelBatch).one()
    assert r.headers["Location"].startswith(f"/labels/batches/{batch.id}")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    tags = re.findall(r'<tr data-tag="([^"]+)">', page)
    assert len(tags) == 3
    assert f'data-batch="{batch.id}"' in client.get("/labels/batches").get_data(as_text=True)
    pdf = client.get(f"/labels/batches/{batch.id}.pdf?skip=2")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    cells = tag_cells(pdf.data, tags, labels.STOCKS["avery-l7651"])
    assert sorted(cells.values()) == [2, 3, 4]
    r = post(client, "/labels/batches", {"count": "0", "stock": "avery-l7651"})
    assert r.status_code == 400 and 'data-code="invalid_input"' in r.get_data(as_text=True)
