"""The connectivity survey's pages, server-side: school IT fills in the questionnaire (a draft saved, a submission
with bad answers refused field by field with nothing saved, a good one submitted), the history of versions, a
founder manager's import (bad lines listed, nothing saved; then a good file), the ministry's settings (a deadline,
a budget, a price, a new round), read-only roles and closed rounds, another school not found."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from fleet.models import ConnectivityPrice, SurveyAnswer, SurveyRound
from tests.factories import DeviceFactory, FounderFactory, SchoolFactory, current_session
from tests.fleet.connectivity.answers import GOOD
from tests.page_routes import client_as


@pytest.fixture
def round_(session):
    made = SurveyRound(code="2024", title="Aptauja 2024", opens_on=date(2024, 1, 8), deadline=date(2099, 6, 30))
    session.add(made)
    session.commit()
    return made


def form_of(answers: dict) -> dict[str, str]:
    return {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in answers.items()}


def post(client, path: str, data: dict, **kwargs):
    with client.session_transaction() as s:
        token = s.setdefault("csrf", "test-csrf-token")
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def versions(school) -> list[tuple[int, str, str]]:
    session = current_session()
    session.commit()  # (a new snapshot: what the pages committed)
    return [(a.version, a.status, a.source) for a in session.scalars(
        select(SurveyAnswer).where(SurveyAnswer.school_id == school.id).order_by(SurveyAnswer.version))]


def test_school_it_saves_a_draft_is_refused_field_by_field_then_submits(app, session, round_):
    school = SchoolFactory()
    DeviceFactory(status="at_school", school=school)
    DeviceFactory(status="at_school", school=school)
    client = client_as(app, "school_it", school)
    path = f"/connectivity/2024/{school.registration_number}"
    index = client.get("/connectivity?lang=en").get_data(as_text=True)
    assert f'id="fill-in" href="{path}"' in index and "Fill in the survey" in index

    blank = client.get(path + "?lang=lv").get_data(as_text=True)
    assert blank.count("<legend>") >= 4 and 'data-status="none"' in blank
    assert re.search(r'id="known-laptops">Programmas portatīvie datori šajā skolā[^<]*: 2\.<', blank)  # Latvian
    assert 'type="number" id="f-pupils" name="pupils"' in blank and 'min="1" max="5000" step="1"' in blank
    assert 'name="backup_line" value="yes" id="f-backup_line"' in blank  # yes/no radios
    assert '<select id="f-uplink_technology"' in blank  # five technologies: a select

    r = post(client, path, {"action": "draft", "pupils": "420", "provider": "Tet"})
    assert r.status_code == 303 and r.headers["Location"] == path
    assert versions(school) == [(1, "draft", "form")]
    page = client.get(path + "?lang=en").get_data(as_text=True)
    assert "Draft saved" in page and 'data-status="draft"' in page
    assert re.search(r'id="f-pupils" name="pupils"[^>]* value="420"', page) and 'value="Tet"' in page

    bad = form_of({**GOOD, "pupils": "daudz", "classrooms_covered": "40", "contracted_down_mbps": "-3"})
    del bad["wifi_standard"]
    r = post(client, path + "?lang=en", {**bad, "action": "submit"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400
    summary = body[body.index('id="error-summary"'):body.index("</div>", body.index('id="error-summary"'))]
    assert re.findall(r'href="#f-([a-z_]+)"', summary) == ["contracted_down_mbps", "wifi_standard",
                                                          "classrooms_covered", "pupils"]
    for key in ("pupils", "classrooms_covered", "contracted_down_mbps", "wifi_standard"):
        assert f'id="e-{key}"' in body
        field = re.search(rf'<(?:input|select)[^>]*id="f-{key}"[^>]*>', body).group(0)
        assert 'aria-invalid="true"' in field and f"e-{key}" in field
    assert "Pupils: a number is needed" in unescape(body)
    assert re.search(r'name="pupils"[^>]* value="daudz"', body) and 'value="40"' in body  # what was typed is kept
    assert versions(school) == [(1, "draft", "form")]  # nothing saved

    r = post(client, path, {**form_of(GOOD), "action": "submit"})
    assert r.status_code == 303
    assert versions(school) == [(1, "draft", "form"), (2, "submitted", "form")]
    page = client.get(path + "?lang=en").get_data(as_text=True)
    assert 'data-status="submitted"' in page and "Submitted" in page

    history = client.get(path + "/history?lang=en").get_data(as_text=True)
    assert 'id="v2"' in history and 'id="v1"' in history and history.index('id="v2"') < history.index('id="v1"')
    v2 = history[history.index('id="v2"'):history.index('id="v1"')]
    assert 'data-key="wifi_standard"' in v2 and "Wi-Fi 6 (802.11ax)" in v2  # what changed from the draft
    assert 'data-key="provider"' not in v2  # unchanged: Tet in both
    assert "submitted" in v2 and "draft" in history[history.index('id="v1"'):]


def test_another_schools_survey_is_not_found(app, session, round_):
    mine, other = SchoolFactory(), SchoolFactory()
    client = client_as(app, "school_it", mine)
    path = f"/connectivity/2024/{other.registration_number}"
    assert client.get(path).status_code == 404
    assert client.get(path + "/history").status_code == 404
    assert post(client, path, {"action": "draft", "pupils": "5"}).status_code == 404
    assert versions(other) == []
    assert client.get("/connectivity/1999/" + mine.registration_number).status_code == 404


def test_the_ministry_reads_the_answers_and_filters_by_founder(app, session, round_):
    north, south = FounderFactory(name="Ziemeļu novads"), FounderFactory(name="Dienvidu novads")
    a, b = SchoolFactory(founder=north, name="Alpu skola"), SchoolFactory(founder=south, name="Bērzu skola")
    post(client_as(app, "school_it", a), f"/connectivity/2024/{a.registration_number}",
         {**form_of(GOOD), "action": "submit"})
    ministry = client_as(app, "ministry")
    index = ministry.get("/connectivity?lang=en").get_data(as_text=True)
    assert f'data-school="{a.registration_number}" data-status="submitted"' in index
    assert f'data-school="{b.registration_number}" data-status="none"' in index
    assert 'id="fill-in"' not in index and 'id="import-link"' not in index and 'id="settings-link"' in index
    assert 'href="/connectivity/diagnoses?round=2024" id="diagnoses-link"' in index
    only = ministry.get(f"/connectivity?founder={south.code}").get_data(as_text=True)
    assert b.registration_number in only and a.registration_number not in only
    page = ministry.get(f"/connectivity/2024/{a.registration_number}?lang=en").get_data(as_text=True)
    assert 'id="survey-form"' not in page and 'id="read-only"' in page
    assert re.search(r'id="a-uplink_technology">fibre<', page) and re.search(r'id="a-pupils">420 pupils<', page)


def test_after_the_deadline_the_form_is_read_only(app, session):
    session.add(SurveyRound(code="2023", title="Aptauja 2023", opens_on=date(2023, 1, 9), deadline=date(2023, 6, 30)))
    session.commit()
    school = SchoolFactory()
    client = client_as(app, "school_it", school)
    path = f"/connectivity/2023/{school.registration_number}"
    page = client.get(path + "?lang=en").get_data(as_text=True)
    assert 'id="survey-form"' not in page and "The deadline (2023-06-30) has passed" in page
    r = post(client, path, {"action": "draft", "pupils": "5"})
    assert r.status_code == 409 and 'data-code="conflict"' in r.get_data(as_text=True)
    assert versions(school) == []

    session.add(SurveyRound(code="2098", title="Aptauja 2098", opens_on=date(2098, 1, 6), deadline=date(2098, 6, 30)))
    session.commit()
    later = client.get(f"/connectivity/2098/{school.registration_number}?lang=en").get_data(as_text=True)
    assert 'id="survey-form"' not in later and "The round opens on 2098-01-06" in later


HEADER = ["school", *GOOD]


def csv_of(rows: list[list[str]]) -> bytes:
    return "\r\n".join(";".join(r) for r in [HEADER, *rows]).encode()


def line(reg: str, **changes) -> list[str]:
    values = form_of({**GOOD, **changes})
    return [reg, *(values.get(k, "") for k in GOOD)]


def test_a_founder_manager_imports_a_file_bad_lines_listed_then_a_good_one(app, session, round_):
    import io

    founder = FounderFactory()
    mine = [SchoolFactory(founder=founder) for _ in range(2)]
    stranger = SchoolFactory()
    client = client_as(app, "founder_manager", mine[0])
    page = client.get("/connectivity/2024/import?lang=en").get_data(as_text=True)
    assert 'href="/connectivity/2024/template.csv"' in page and "<code>peak_devices</code>" in page
    template = client.get("/connectivity/2024/template.csv")
    assert template.mimetype == "text/csv"
    rows = template.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0].split(";") == HEADER and len(rows) == 2

    bad = csv_of([line(mine[0].registration_number, pupils="daudz"), line(stranger.registration_number),
                  line(mine[1].registration_number, uplink_technology="balodis")])
    r = post(client, "/connectivity/2024/import?lang=en", {"file": (io.BytesIO(bad), "novads.csv")},
             content_type="multipart/form-data")
    body = unescape(r.get_data(as_text=True))
    assert r.status_code == 400 and 'data-code="invalid_input"' in body
    listed = re.findall(r"<li>line (\d+): ([^<]+)</li>", body)
    assert [n for n, _ in listed] == ["2", "3", "4"]
    assert "Pupils: a number is needed" in listed[0][1] and "not one of yours" in listed[1][1]
    assert versions(mine[0]) == [] and versions(mine[1]) == []

    good = csv_of([line(s.registration_number) for s in mine])
    r = post(client, "/connectivity/2024/import", {"file": (io.BytesIO(good), "novads.csv")},
             content_type="multipart/form-data")
    assert r.status_code == 303, r.get_data(as_text=True)[-3000:]
    assert [versions(s) for s in mine] == [[(1, "submitted", "import")]] * 2
    index = client.get("/connectivity?lang=en").get_data(as_text=True)
    assert index.count('data-status="submitted"') == 2


def test_the_ministry_changes_a_deadline_the_budget_and_a_price_and_opens_a_round(app, session, round_):
    client = client_as(app, "ministry")
    page = client.get("/connectivity/settings?lang=en").get_data(as_text=True)
    assert 'id="round-2024"' in page and 'id="price_access_point"' in page and 'id="t_compliance_ratio"' in page
    assert "default 0.8" in page

    r = post(client, "/connectivity/settings", {"form": "round", "code": "2024", "deadline": "2099-09-30",
                                                "budget": "1 250 000,50"})
    assert r.status_code == 303
    session.commit()
    session.expire_all()
    assert round_.deadline == date(2099, 9, 30) and str(round_.budget) == "1250000.50"

    r = post(client, "/connectivity/settings?lang=en", {"form": "round", "code": "2024", "deadline": "2099-09-30",
                                                        "budget": "daudz"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and 'id="e-round-2024-budget"' in body and 'value="daudz"' in body

    prices = {f"price_{p.measure}": str(p.unit_price) for p in session.scalars(select(ConnectivityPrice))}
    r = post(client, "/connectivity/settings", {"form": "prices", **prices, "price_access_point": "410"})
    assert r.status_code == 303
    session.commit()
    session.expire_all()
    assert session.get(ConnectivityPrice, "access_point").unit_price == 410
    r = post(client, "/connectivity/settings?lang=en", {"form": "prices", **prices, "price_switch": "-5",
                                                        "price_access_point": "999"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and 'id="e-prices-price_switch"' in body
    session.commit()
    session.expire_all()
    assert session.get(ConnectivityPrice, "access_point").unit_price == 410  # all or nothing

    r = post(client, "/connectivity/settings", {"form": "new_round", "code": "2025", "title": "Aptauja 2025",
                                                "opens_on": "2025-01-06", "deadline": "2025-06-30", "budget": ""})
    assert r.status_code == 303
    r = post(client, "/connectivity/settings?lang=en", {"form": "new_round", "code": "2025", "title": "Vēlreiz",
                                                        "opens_on": "2025-01-06", "deadline": "2025-06-30"})
    assert r.status_code == 400 and 'id="e-new_round-code"' in r.get_data(as_text=True)
    session.commit()
    assert sorted(session.scalars(select(SurveyRound.code))) == ["2024", "2025"]


def test_the_ministry_changes_thresholds_all_or_nothing(app, session):
    from fleet.models import ConnectivityThreshold

    client = client_as(app, "ministry")
    form = {f"t_{t.key}": str(t.value) for t in session.scalars(select(ConnectivityThreshold))}
    r = post(client, "/connectivity/settings?lang=en", {"form": "thresholds", **form, "t_compliance_ratio": "0,75",
                                                        "t_wifi_ratio": "1.5"})
    assert r.status_code == 400 and 'id="e-thresholds-t_wifi_ratio"' in r.get_data(as_text=True)
    session.commit()
    session.expire_all()
    assert session.get(ConnectivityThreshold, "compliance_ratio").value == 0.8  # nothing kept
    r = post(client, "/connectivity/settings", {"form": "thresholds", **form, "t_compliance_ratio": "0,75"})
    assert r.status_code == 303
    session.commit()
    session.expire_all()
    assert session.get(ConnectivityThreshold, "compliance_ratio").value == 0.75
