"""Error pages in the reader's language with a way back: an unknown page, a page the role may not
open, a refusal, and a failure of Fleet's own (a page, never Werkzeug's English)."""

from __future__ import annotations

import pytest

from fleet.errors import FleetError
from tests.page_routes import client_as


@pytest.mark.parametrize(("lang", "words"), [("lv", "Šajā adresē lapas nav"),
                                            ("en", "There is no page at this address")])
def test_an_unknown_page_of_a_signed_in_person_keeps_the_bar(app, session, lang, words):
    client = client_as(app, "warehouse")
    client.set_cookie("lang", lang)
    r = client.get("/no-such-page")
    page = r.get_data(as_text=True)
    assert r.status_code == 404 and 'data-code="not_found"' in page and words in page
    assert 'id="nav"' in page and 'id="back"' in page and f'<html lang="{lang}">' in page


def test_a_failure_of_fleet_s_own_is_a_page_in_the_reader_s_language(app, session):
    def boom():
        raise RuntimeError("a bug")

    def refused():
        raise FleetError("gone", "this link was used already")

    app.add_url_rule("/test-boom", "test_boom", boom)
    app.add_url_rule("/test-gone", "test_gone", refused)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = client_as(app, "warehouse")
    r = client.get("/test-boom")
    page = r.get_data(as_text=True)
    assert r.status_code == 500 and 'data-code="internal_error"' in page
    assert "Kaut kas nogāja greizi" in page and "a bug" not in page and 'id="back"' in page
    r = client.get("/test-gone")
    assert r.status_code == 410 and 'data-code="gone"' in r.get_data(as_text=True)
    assert client.get("/api/v1/test-boom").get_json()["error"]["code"] == "not_found"  # the API keeps its JSON
