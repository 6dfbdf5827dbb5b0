"""The dashboard's connectivity panel through the Flask client, on SQLite and PostgreSQL: the round and its
budget against the plan's total, the schools by diagnosis (a chart with its numbers as a table), the plan's cost
by founder, the schools without data as a count beside the report's downloads; a founder manager's own schools
only; the panel without any round; Latvian and English. The figures are the connectivity report's own (its
tests work them out); the measurements of ``connectivity_world`` are from 2024, so on today's dashboard every
school is without data and the plan is the backup lines alone (4 × 600 EUR)."""

from __future__ import annotations

import re
from dataclasses import replace

from tests.factories import SchoolFactory
from tests.fleet.reports import connectivity_world as cw
from tests.page_routes import client_as


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _panel(html: str) -> str:
    return html.split('id="connectivity"')[1].split("</section>")[0]


def test_the_round_its_budget_the_plan_and_the_schools_without_data(app, session):
    world = cw.build(session)
    client = client_as(app, "ministry")
    client.set_cookie("lang", "lv")
    panel = _panel(client.get("/dashboard").get_data(as_text=True))
    text = _text(panel)
    assert "2024" in text and "29.02.2024" in text and "Savienojamības aptauja 2024" in text
    assert 'data-figure="total_cost"><p class="big n">2\u00a0400,00\u00a0€' in panel
    assert 'data-figure="budget"><p class="big n">20\u00a0000,00\u00a0€' in panel
    assert re.search(r'data-figure="without_data"><p class="big n">4</p>', panel)
    assert panel.count('role="img"') == 2 and 'id="connectivity-diagnosis"' in panel
    assert 'id="connectivity-founders"' in panel and world.founders[1].name in panel
    links = re.findall(r'href="(/api/v1/reports/connectivity\.[a-z]+)"', panel)
    assert sorted(links) == ["/api/v1/reports/connectivity.csv", "/api/v1/reports/connectivity.pdf",
                             "/api/v1/reports/connectivity.xlsx"]
    for link in links:
        assert client.get(link).status_code == 200, link
    client.set_cookie("lang", "en")
    english = _text(_panel(client.get("/dashboard").get_data(as_text=True)))
    assert "Connectivity of schools" in english and "2,400.00" in english and "20,000.00" in english
    assert "of 4 schools have no data" in english and "answers until 29.02.2024" in english


def test_a_founder_manager_sees_its_own_schools(app, session):
    world = cw.build(session)
    client = client_as(app, "founder_manager", school=world.schools["slow"])
    client.set_cookie("lang", "en")
    html = client.get("/dashboard").get_data(as_text=True)
    panel = _panel(html)
    assert "1,200.00" in _text(panel) and world.founders[0].name not in panel
    assert re.search(r'data-figure="without_data"><p class="big n">2</p>', panel)
    founder = world.founders[1].code
    assert f"/api/v1/reports/connectivity.pdf?founder={founder}" in client.get(
        f"/dashboard?founder={founder}").get_data(as_text=True)


def test_without_any_round(app, session):
    SchoolFactory()
    client = client_as(app, "ministry")
    client.set_cookie("lang", "en")
    text = _text(_panel(client.get("/dashboard").get_data(as_text=True)))
    assert "No survey round yet" in text and "no budget set" in text and "of 1 school has no data" in text


def test_the_panel_is_kept_for_the_roll_ups_period(app, session):
    """Computed live, the report is kept per reader for the period the page says its figures are refreshed in."""
    cw.build(session)
    client = client_as(app, "ministry")
    client.set_cookie("lang", "en")
    assert "of 4 schools have no data" in _text(_panel(client.get("/dashboard").get_data(as_text=True)))
    SchoolFactory()
    assert "of 4 schools have no data" in _text(_panel(client.get("/dashboard").get_data(as_text=True)))
    assert len(client.get("/api/v1/reports/connectivity").get_json()["items"]) == 5  # the API: always live
    app.config["FLEET"] = replace(app.config["FLEET"], rollup_seconds=0)
    assert "of 5 schools have no data" in _text(_panel(client.get("/dashboard").get_data(as_text=True)))
