"""The labels pages in Chromium, at a desktop and a phone, in Latvian and English (axe-core, no
sideways scrolling, CSP): used cells ticked on the sheet's picture by keyboard (Tab + Space) and by
mouse, the preview, printing with a refused device listed; the pre-printed batches."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import DeviceFactory
from tests.pages import check_page


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_a_label_run_with_used_cells_ticked_on_the_sheet(staff, viewport, lang):
    devices = [DeviceFactory(status="imaged") for _ in range(2)]
    untagged = DeviceFactory(status="expected")
    page = staff("warehouse", viewport=viewport, lang=lang)
    page.goto(page.base + "/labels?devices=" + ",".join(d.serial for d in [*devices, untagged]))
    expect(page.locator("#choice")).to_have_attribute("data-printable", "2")
    expect(page.locator("#refused-table tbody tr")).to_have_count(1)
    page.wait_for_function("document.querySelector('#preview').naturalWidth > 0")
    check_page(page)

    page.focus("#calibration")  # the element before the sheet: Tab into it, Space ticks a cell
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "cell-1"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("#cell-1")).to_be_checked()
    expect(page.locator("#cell-2")).to_be_checked()
    page.locator('label[data-cell="4"]').click()  # by mouse, on the picture: cell 3 counts as used too
    expect(page.locator("#cell-4")).to_be_checked()
    assert page.locator('label[data-cell="3"]').evaluate(
        "cell => getComputedStyle(cell).backgroundImage").startswith("linear-gradient")  # crossed out
    assert page.locator('label[data-cell="5"]').evaluate("cell => getComputedStyle(cell).backgroundImage") == "none"
    check_page(page)

    page.click("#print-button")
    result = page.locator("#result")
    expect(result).to_have_attribute("data-printed", "2")
    expect(result).to_have_attribute("data-refused", "1")
    expect(page.locator("#skip-count")).to_have_attribute("data-skip", "6")  # the sheet goes back in: cells 5-6 used
    expect(page.locator("#cell-6")).to_be_checked()
    expect(page.locator("#devices")).to_have_value("")
    expect(page.locator("#refused-table tbody tr")).to_have_attribute("data-ref", untagged.serial)
    expect(page.locator("#refused-serials")).to_have_value(untagged.serial)
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename.endswith(".pdf")
    check_page(page)
    if viewport == "desktop":  # another stock chosen: its sheet at once (labels.js), no cell used on it yet
        page.select_option("#stock", "avery-l7163")
        expect(page.locator('.sheet[data-stock="avery-l7163"] input[name=used]')).to_have_count(14)
        expect(page.locator("input[name=used]:checked")).to_have_count(0)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_pre_printed_batches(staff, viewport):
    page = staff("warehouse", viewport=viewport, lang="en" if viewport == "phone" else "lv")
    page.goto(page.base + "/labels")
    page.click("#batches-link")
    check_page(page)
    page.fill("#count", "4")
    page.select_option("#batch-stock", "avery-l7651")
    page.click("#create-batch")
    expect(page.locator("#batch-tags tbody tr")).to_have_count(4)
    check_page(page)
