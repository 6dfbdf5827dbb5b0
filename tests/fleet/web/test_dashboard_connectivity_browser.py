"""The dashboard's connectivity panel in Chromium, at a desktop and a 390 px phone, in Latvian and English
(axe-core, no sideways scrolling, CSP; tests.pages.check_page), with a round, its budget and the plan of the
small world of ``connectivity_world`` (its budget in millions, which must fit a phone's card); the screenshots
are saved for people to look at (tests.conftest)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import current_session
from tests.fleet.reports import connectivity_world as cw
from tests.pages import check_page


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_connectivity_panel_passes_the_checks(staff, app, viewport, lang):
    cw.build(current_session(), budget=Decimal("12345678.90"))  # a budget of millions fits a phone's card
    page = staff("ministry", viewport=viewport, lang=lang)
    page.goto(page.base + "/dashboard#connectivity")
    expect(page.locator("#connectivity svg[role=img]")).to_have_count(2)
    expect(page.locator('#connectivity [data-figure="without_data"] .big')).to_have_text("4")
    page.locator("#connectivity details").first.locator("summary").click()
    expect(page.locator("#connectivity-diagnosis tbody tr")).to_have_count(6)
    check_page(page)
