"""labelling.selection, what the labels page prints: the codes as pasted, the used cells of a part-used
sheet, the devices sorted into printable and refused (in the order asked, with the reason), a run
recorded as the API records it and found again by its events, and the first page as a picture."""

from __future__ import annotations

import io

import pytest
from PIL import Image

import labels
from fleet import labelling
from fleet.access.policy import Principal, Scope
from fleet.errors import FleetError
from fleet.labelling import selection
from tests.factories import DeviceFactory, SchoolFactory

EVERYWHERE = Scope.of(Principal(0, "test", "admin"))
L7160 = labels.STOCKS["avery-l7160"]


def test_codes_one_a_line_or_separated_by_commas():
    assert selection.refs(" A1 \n\nB2, C3 ,\r\nhttps://x.lv/D/DIB-1 ") == ["A1", "B2", "C3", "https://x.lv/D/DIB-1"]
    assert selection.refs(None) == []


@pytest.mark.parametrize("used, skip", [([], 0), (["1"], 1), (["1", "2", "3"], 3), (["5"], 5), ([2, "7", 3], 7)])
def test_printing_starts_after_the_last_used_cell(used, skip):
    assert selection.skip_after(used, L7160) == skip


@pytest.mark.parametrize("used, stock", [(["0"], L7160), (["22"], L7160), (["x"], L7160), (["21"], L7160),
                                         (["1"], labels.STOCKS["zebra-2x1"])])
def test_a_cell_not_on_the_sheet_is_invalid_input(used, stock):
    with pytest.raises(FleetError) as e:
        selection.skip_after(used, stock)
    assert e.value.code == "invalid_input" and e.value.details[0]["field"] == "used"


def test_refused_devices_keep_the_order_asked_with_their_reasons(session):
    good, untagged, school = DeviceFactory(status="imaged"), DeviceFactory(status="expected"), SchoolFactory()
    elsewhere = DeviceFactory(status="at_school", school=school)
    mine = Scope.of(Principal(0, "it", "school_it", frozenset({SchoolFactory().id})))
    choice = selection.choose(session, {"devices": [untagged.serial, "NOPE", good.serial, good.serial]},
                              EVERYWHERE, None)
    assert choice.devices == [good]
    assert [(r.ref, r.code) for r in choice.refused] == [(untagged.serial, "conflict"), ("NOPE", "not_found")]
    hidden = selection.choose(session, {"devices": [elsewhere.serial, "NOPE"]}, mine, None).refused
    assert [(r.ref, r.code, r.reason.in_("en")) for r in hidden] == [
        (elsewhere.serial, "not_found", f"no device matches {elsewhere.serial!r}"),
        ("NOPE", "not_found", "no device matches 'NOPE'")]  # another school's device: as if it did not exist


def test_a_run_is_recorded_as_the_api_records_it_and_found_again(session):
    devices = [DeviceFactory(status="imaged") for _ in range(3)]
    sheet = labelling.sheet(session, labelling.PrinterScope(None), None, "avery-l7160", 2)
    choice = selection.choose(session, {"devices": [d.serial for d in devices]}, EVERYWHERE, None)
    printed = selection.print_chosen(session, choice, None, sheet, "pdf", "noliktava")
    session.commit()
    again, data = selection.recorded_run(session, printed.run, printed.first, printed.last, EVERYWHERE)
    assert again == choice.devices and printed.count == 3
    assert data == {"reason": "first_print", "stock": "avery-l7160", "run": printed.run, "format": "pdf"}
    later = selection.choose(session, {"devices": [devices[0].serial]}, EVERYWHERE, None)
    assert later.devices == [] and later.refused[0].code == "conflict"  # printed before: needs a reason now
    assert selection.choose(session, {"devices": [devices[0].serial]}, EVERYWHERE, "lost").devices == [devices[0]]
    mine = Scope.of(Principal(0, "it", "school_it", frozenset({SchoolFactory().id})))
    with pytest.raises(FleetError) as e:
        selection.recorded_run(session, printed.run, printed.first, printed.last, mine)
    assert e.value.code == "not_found"


def test_the_first_page_as_a_picture(session):
    device = DeviceFactory(status="imaged")
    data = [labelling.label_data(device, "https://fleet.example.lv")]
    sheet = labelling.sheet(session, labelling.PrinterScope(None), None, "avery-l7160", 20)
    image = Image.open(io.BytesIO(selection.first_page_png(sheet, data * 5)))
    assert abs(image.width / image.height - 210 / 297) < 0.01
    roll = labelling.sheet(session, labelling.PrinterScope(None), None, "zebra-2x1")
    image = Image.open(io.BytesIO(selection.first_page_png(roll, data)))
    assert abs(image.width / image.height - 50.8 / 25.4) < 0.02
