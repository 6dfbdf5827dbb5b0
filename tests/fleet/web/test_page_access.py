"""Who may open which page: the role × page table, as the API has its own (tests/fleet/api/test_access.py).

Each area keeps its rows in a module of its own, ``tests/**/page_routes_<area>.py`` with a list
``PAGE_ROUTES``; this test gathers them, opens every page as every role (and as school_it and
founder_manager of another school), and fails while a page route has no row. A page a role may not
open is the error page with ``forbidden`` (403) — the bar and a way back, in the reader's language —
and another school's record is ``not_found``, as in the API. Without a session every staff page
sends the visitor to the sign-in form, which comes back to it.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from fleet.access import policy
from fleet.web.pages import SIGNED_IN
from tests.factories import SchoolFactory, UserFactory, current_session
from tests.page_routes import EVERYONE, PageRoute, client_as, page_world

ROLES = sorted(EVERYONE)
ROOT = Path(__file__).resolve().parents[3]
# Pages anyone may open: signing in, the language switch, the health check, a label's finder page
# (a member of staff who may see the device gets the device page there), the guardian's signing page.
PUBLIC = {"/login", "/logout", "/language", "/healthz", "/d/<tag>", "/D/<tag>", "/sign/<token>",
          "/sign/<token>/agreement.pdf", "/sign/<token>/copy.pdf", "/api/docs", "/static/<path:filename>"}


def _tables() -> list[PageRoute]:
    routes = []
    for path in sorted((ROOT / "tests").rglob("page_routes_*.py")):
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        routes.extend(module.PAGE_ROUTES)
    return routes


PAGE_ROUTES = _tables()


def page_rules(app) -> dict[tuple[str, str], object]:
    """(method, rule) → view of every route outside /api/ and /static/ that needs a member of staff."""
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule in PUBLIC:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found[(method, rule.rule)] = app.view_functions[rule.endpoint]
    return found


def test_table_covers_every_page_route(app):
    """A new page fails here until a ``page_routes_<area>.py`` row says who may open it."""
    assert set(page_rules(app)) == {(r.method, r.rule) for r in PAGE_ROUTES}


def test_every_page_declares_what_it_needs(app):
    """Every page wears ``fleet.web.pages.page`` (a permission of the policy, or any member of staff)."""
    known = {p for perms in policy.PERMISSIONS.values() for p in perms} | {SIGNED_IN}
    undeclared = {key: getattr(view, "permission", None) for key, view in page_rules(app).items()
                  if getattr(view, "permission", None) not in known}
    assert undeclared == {}


WHO = [(role, "own") for role in ROLES] + [(role, "other") for role in sorted(policy.SCOPED_ROLES)]


@pytest.mark.parametrize(("role", "scope"), WHO, ids=lambda v: v)
@pytest.mark.parametrize("route", PAGE_ROUTES, ids=str)
def test_role_may_open_page(app, session, route, role, scope):
    world = page_world()
    school = world["_school"] if scope == "own" else SchoolFactory()
    client = client_as(app, role, school)
    r = route.call(client, world)
    body = r.get_data(as_text=True) if r.mimetype.startswith("text/") else ""  # (a PDF is no text)
    if role not in route.roles:
        assert r.status_code == 403, (r.status_code, body[:300])
        assert 'data-code="forbidden"' in body
    elif scope == "other" and route.elsewhere:
        assert r.status_code == route.elsewhere, (r.status_code, body[:300])
        assert 'data-code="not_found"' in body
    else:
        assert r.status_code == route.ok, (r.status_code, body[:300])
        if r.mimetype == "text/html" and r.status_code < 300:  # (a form's 303 is Werkzeug's bare redirect)
            assert 'id="nav"' in body and re.search(r'<html lang="(lv|en)"', body)


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=str)
def test_without_a_session_a_page_sends_to_sign_in(app, session, route):
    world = page_world()
    r = route.call(app.test_client(), world)
    assert r.status_code == 303
    assert r.headers["Location"].startswith("/login?next=")


def test_sign_in_comes_back_to_the_page_asked_for(app, session, client):
    from fleet.access import auth
    from tests.conftest import csrf_of

    user = UserFactory(role="warehouse", name="noliktava")
    auth.set_password(user, "ļoti-slepena-parole")
    current_session().commit()
    asked = "/?mode=receive&delivery=7"
    r = client.get(asked)
    assert r.status_code == 303
    login = r.headers["Location"]
    form = client.get(login).get_data(as_text=True)
    assert 'name="next" value="/?mode=receive&amp;delivery=7"' in form
    r = client.post("/login", data={"username": "noliktava", "password": "ļoti-slepena-parole",
                                    "csrf_token": csrf_of(client, login), "next": asked})
    assert r.status_code == 303 and r.headers["Location"] == asked


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil", "javascript:alert(1)"])
def test_sign_in_never_returns_to_another_site(client, target):
    page = client.get("/login", query_string={"next": target}).get_data(as_text=True)
    form = page[page.index('id="login"'):page.index("</form>", page.index('id="login"'))]
    assert 'name="next"' not in form  # back to the home page, which needs no field

