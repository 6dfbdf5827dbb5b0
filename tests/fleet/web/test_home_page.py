"""The start page in Chromium: each role's navigation, in both languages, on a desktop and a phone."""

from __future__ import annotations

import pytest

from tests.pages import check_page


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_start_page_passes_the_checks(staff, viewport, lang):
    page = staff("warehouse", viewport=viewport, lang=lang)
    page.goto(page.base + "/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("#role").get_attribute("data-role") == "warehouse"
    check_page(page)
