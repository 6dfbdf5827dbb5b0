"""The dashboard in Chromium, as a ministry manager opens it before a meeting: at a desktop and a 390 px phone,
in Latvian and English (axe-core, no sideways scrolling, CSP); the founders' table sorted with the keyboard
alone; a list behind an exception. The milestones report is the stand-in of ``test_dashboard_stubs`` (the
figures are the reports' tests'); the screenshots are saved for people to look at (tests.conftest)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from fleet import reports
from fleet.models import RollupRun
from tests.factories import DeviceFactory, FounderFactory, SchoolFactory, current_session
from tests.fleet.web import test_dashboard_stubs as stubs
from tests.pages import check_page

FOUNDERS = {"RIGA": ("Rīgas valstspilsētas pašvaldība", 7120), "DAUG": ("Daugavpils valstspilsētas pašvaldība", 2310),
            "LIEP": ("Liepājas valstspilsētas pašvaldība", 1904), "JELG": ("Jelgavas valstspilsētas pašvaldība", 1202),
            "DKN": ("Dienvidkurzemes novada pašvaldība", 566), "ROPA": ("Ropažu novada pašvaldība", 400)}


@pytest.fixture
def programme(app, monkeypatch):
    for code, (name, _) in FOUNDERS.items():
        SchoolFactory(founder=FounderFactory(code=code, name=name))
    reports._load()
    monkeypatch.setitem(reports.REPORTS, "milestones",
                        stubs.milestones({code: n for code, (_, n) in FOUNDERS.items()}))
    at = datetime(2026, 12, 5, 12, 5, tzinfo=UTC)
    current_session().add(RollupRun(started_at=at, finished_at=at, took_ms=40, rows=3))
    current_session().commit()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_dashboard_passes_the_checks(staff, programme, viewport, lang):
    page = staff("ministry", viewport=viewport, lang=lang)
    page.goto(page.base + "/dashboard")
    expect(page.locator("#targets .target")).to_have_count(2)
    expect(page.locator("#founders tbody tr")).to_have_count(len(FOUNDERS))
    expect(page.locator("#freshness")).to_contain_text("14:05")
    expect(page.locator("#targets .target.met .verdict")).to_contain_text("sasniegts" if lang == "lv" else "met")
    check_page(page)


def test_the_founders_table_sorts_by_keyboard(staff, programme):
    page = staff("ministry", lang="en")
    page.goto(page.base + "/dashboard")
    names = page.locator("#founders tbody tr td:first-child")
    expect(names.first).to_have_text("Rīgas valstspilsētas pašvaldība")  # the most provided first
    heading = page.locator("#founders th[data-key=name] button")
    heading.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#founders th[data-key=name]")).to_have_attribute("aria-sort", "ascending")
    expect(names.first).to_have_text("Daugavpils valstspilsētas pašvaldība")
    page.keyboard.press("Space")
    expect(page.locator("#founders th[data-key=name]")).to_have_attribute("aria-sort", "descending")
    expect(names.first).to_have_text("Ropažu novada pašvaldība")
    assert page.locator("#founders th[data-key=provided]").get_attribute("aria-sort") is None
    page.keyboard.press("Tab")  # on to the next heading's button, sorted by Enter: the largest first
    assert page.evaluate("document.activeElement.closest('th').dataset.key") == "provided"
    page.keyboard.press("Enter")
    expect(page.locator("#founders tbody tr").first).to_have_attribute("data-founder", "RIGA")
    expect(page.locator("#sort-status")).to_contain_text("largest")
    check_page(page)


def test_a_list_behind_an_exception(staff, programme):
    DeviceFactory(status="at_school")
    page = staff("auditor", viewport="phone", lang="lv")
    page.goto(page.base + "/dashboard")
    page.click("#exceptions [data-list=not_seen] a")
    page.wait_for_url("**/dashboard/lists/not_seen**")
    expect(page.locator("#list")).to_be_visible()
    check_page(page)
