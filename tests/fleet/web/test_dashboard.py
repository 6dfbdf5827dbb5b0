"""The managers' dashboard through the Flask client, on SQLite and PostgreSQL: what each role sees, a founder
manager only its own founder (another founder asked for by ``?founder=`` is the 404 page), the founders'
table sorted by ``?sort=``, the lists behind the exceptions paged by keyset, the figures' freshness, and no
pupil's name anywhere on the pages. The milestones report and a list are stand-ins here
(``test_dashboard_stubs``): the figures themselves are the reports' own tests'."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from fleet import reports
from fleet.models import RollupRun
from fleet.reports import lists, rollup
from fleet.web import dashboard
from tests.factories import DeviceFactory, FounderFactory, PupilFactory, SchoolFactory, current_session
from tests.fleet.web import test_dashboard_stubs as stubs
from tests.page_routes import client_as


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def world(app, monkeypatch):
    """Two founders (Rīga with two schools, Liepāja with one), the milestones stand-in and its figures."""
    riga = FounderFactory(code="RIGA", name="Rīgas valstspilsētas pašvaldība")
    liepaja = FounderFactory(code="LIEP", name="Liepājas valstspilsētas pašvaldība")
    schools = [SchoolFactory(founder=riga), SchoolFactory(founder=riga), SchoolFactory(founder=liepaja)]
    reports._load()
    monkeypatch.setitem(reports.REPORTS, "milestones", stubs.milestones({"RIGA": 9100, "LIEP": 4402}))
    monkeypatch.setattr(lists, "LISTS", stubs.LISTS)
    return {"riga": riga, "liepaja": liepaja, "schools": schools}


@pytest.mark.parametrize("role", ["ministry", "admin", "auditor"])
def test_readers_of_every_school_see_both_targets_by_founder_and_a_picker(app, world, role):
    html = client_as(app, role).get("/dashboard").get_data(as_text=True)
    text = _text(html)
    assert 'data-state="met" data-target="13310"' in html and 'data-state="open" data-target="26620"' in html
    assert "13 502" in text and "13 310" in text and "31.12.2022" in text
    assert "26 620" in text and "31.12.2023" in text and 'data-state="open"' in html
    assert 'id="founder-picker"' in html
    assert 'data-founder="RIGA"' in html and 'data-founder="LIEP"' in html
    assert html.count('role="img"') == 5  # the milestones over time, the founders' bars, the pipeline's stages,
    # the schools by diagnosis and the plan's cost by founder (the connectivity panel)
    assert 'aria-labelledby="chart-progress-title chart-progress-desc"' in html
    assert 'href="/dashboard/lists/not_seen"' in html


def test_a_founder_manager_sees_only_its_founder_and_no_picker(app, world):
    client = client_as(app, "founder_manager", school=world["schools"][0])
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'data-founder="RIGA"' in html and 'data-founder="LIEP"' not in html
    assert "Liepājas" not in html and 'id="founder-picker"' not in html
    response = client.get("/dashboard?founder=LIEP")  # another municipality's: as if it did not exist
    assert response.status_code == 404
    assert client.get("/dashboard/lists/not_seen?founder=LIEP").status_code == 404
    assert client.get("/dashboard?founder=RIGA").status_code == 200


def test_the_picker_narrows_the_page_to_one_founder(app, world):
    client = client_as(app, "ministry")
    html = client.get("/dashboard?founder=LIEP").get_data(as_text=True)
    assert 'data-founder="LIEP"' in html and 'data-founder="RIGA"' not in html
    assert '<option value="LIEP" selected>' in html
    assert "Liepājas valstspilsētas pašvaldība" in _text(html.split('id="scope"')[1].split("</p>")[0])
    assert client.get("/dashboard?founder=NOSUCH").status_code == 404


def test_the_founders_table_sorts_by_the_link_in_its_headings(app, world):
    client = client_as(app, "ministry")
    html = client.get("/dashboard").get_data(as_text=True)  # by default: the most provided first
    assert html.index('data-founder="RIGA"') < html.index('data-founder="LIEP"')
    assert 'aria-sort="descending"' in html
    html = client.get("/dashboard?sort=name").get_data(as_text=True)  # by name: Liepāja before Rīga
    assert html.index('data-founder="LIEP"') < html.index('data-founder="RIGA"')
    assert 'data-key="name" data-kind="text" aria-sort="ascending"' in html
    html = client.get("/dashboard?sort=provided").get_data(as_text=True)
    assert html.index('data-founder="LIEP"') < html.index('data-founder="RIGA"')
    assert client.get("/dashboard?sort=nonsense").status_code == 200


def test_the_page_in_english_and_latvian(app, world):
    client = client_as(app, "ministry")
    client.set_cookie("lang", "en")
    english = _text(client.get("/dashboard").get_data(as_text=True))
    assert "Target by 31.12.2022" in english and "13,502" in english and "met" in english
    client.set_cookie("lang", "lv")
    latvian = _text(client.get("/dashboard").get_data(as_text=True))
    assert "Mērķis līdz 31.12.2022" in latvian and "sasniegts" in latvian


def test_freshness_is_said_plainly(app, world):
    client = client_as(app, "ministry")
    client.set_cookie("lang", "en")
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'data-refreshed="never"' in html and "never refreshed" in _text(html)
    at = datetime(2026, 12, 5, 12, 5, tzinfo=UTC)  # 14:05 in Riga
    current_session().add(RollupRun(started_at=at, finished_at=at, took_ms=40, rows=3))
    current_session().commit()
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'data-refreshed="yes"' in html and "Figures as of 2026-12-05 14:05, refreshed every 5 min" in _text(html)
    client.set_cookie("lang", "lv")
    assert "Skaitļi uz 2026-12-05 14:05, atjauno ik pēc 5 min" in _text(client.get("/dashboard").get_data(as_text=True))


def test_a_report_not_built_yet_is_a_note_not_an_error(app, world, monkeypatch):
    monkeypatch.delitem(reports.REPORTS, "milestones")
    response = client_as(app, "ministry").get("/dashboard")
    assert response.status_code == 200
    assert 'class="note missing" data-report="milestones"' in response.get_data(as_text=True)


def test_a_list_is_paged_by_keyset(app, world, monkeypatch):
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)
    school = world["schools"][2]
    serials = [DeviceFactory(status="at_school", school=school).serial for _ in range(5)]
    client = client_as(app, "ministry")
    seen, path = [], "/dashboard/lists/not_seen"
    for _ in range(3):
        html = client.get(path).get_data(as_text=True)
        seen += re.findall(r"PF\d{8}", html)
        found = re.search(r'href="([^"]+)" id="next-page"', html)
        if found is None:
            break
        path = found.group(1).replace("&amp;", "&")
    assert seen == serials and found is None
    assert "after=" in path and "days=90" in path
    assert client.get("/dashboard/lists/no_such_list").status_code == 404
    assert client.get("/dashboard/lists/not_seen?after=x").status_code == 400
    assert client.get(f"/dashboard/lists/not_seen?after={2**64}").status_code == 400  # past any row id
    assert client.get("/dashboard/lists/not_seen?days=٣").status_code == 400  # digits, but not ASCII ones
    assert client.get("/dashboard/lists/not_seen?days=9999").status_code == 400  # past ten years


def test_a_founder_manager_lists_only_its_schools(app, world):
    mine = DeviceFactory(status="at_school", school=world["schools"][0])
    theirs = DeviceFactory(status="at_school", school=world["schools"][2])
    html = client_as(app, "founder_manager", school=world["schools"][0]).get(
        "/dashboard/lists/not_seen").get_data(as_text=True)
    assert mine.serial in html and theirs.serial not in html


def test_no_pupil_name_on_the_dashboard_or_its_lists(app, monkeypatch):
    """With the real reports (those built so far) and a pupil of a distinctive name lent a laptop."""
    from fleet.access.policy import Principal, Scope
    from fleet.lending import loans

    school = SchoolFactory()
    pupil = PupilFactory(school=school, given_name="Zvaigznīte", family_name="Ķirbjgalve-Ūdrīte",
                         guardian_name="Gvido Ķirbjgalvis")
    device = DeviceFactory(status="at_school", school=school)
    session = current_session()
    loans.hand_over(session, Scope.of(Principal(0, "factory", "admin")),
                    loans.HandOver(device.serial, pupil.id, ["charger"]), "http://fleet.example.lv")
    session.commit()
    rollup.refresh(session)
    session.commit()
    client = client_as(app, "ministry")
    html = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'id="waiting">1 \S', html)  # the real milestones report: one hand-over waits for a signature
    pages = ["/dashboard"] + [f"/dashboard/lists/{name}" for name in lists.LISTS]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        for word in ("Zvaigznīte", "Ķirbjgalve", "Gvido", pupil.register_id):
            assert word not in html, (path, word)


def test_the_downloads_answer_this_browser_session(app):
    """Each report's links (helper C's API) open with the dashboard's session: a founder manager's too."""
    school = SchoolFactory()
    client = client_as(app, "founder_manager", school=school)
    html = client.get(f"/dashboard?founder={school.founder.code}").get_data(as_text=True)
    links = re.findall(r'href="(/api/v1/reports/[^"]+)"', html)
    assert {link.split("?")[0].rsplit(".", 1)[1] for link in links} == {"pdf", "xlsx", "csv"}
    for link in [x for x in links if "milestones" in x]:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
