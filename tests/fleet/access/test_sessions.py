"""Browser sessions: the API through the session cookie, CSRF on forms and on session writes,
signing out, expiry, the cookie's flags, and the security headers on every response."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from fleet import create_app
from fleet.access import auth
from fleet.config import Config
from fleet.models import WebSession, utcnow
from tests.conftest import csrf_of, error_code, sign_in
from tests.factories import DeviceFactory, SchoolFactory, UserFactory, token_for

PASSWORD = "Rīga-Daugava-1201"


@pytest.fixture
def signed_in(client, session):
    """A school IT user signed in through the page: ``(client, device of its school, other school's device)``."""
    school = SchoolFactory()
    user = UserFactory(name="skolas-it", role="school_it", schools=[school])
    auth.set_password(user, PASSWORD)
    session.commit()
    assert sign_in(client, "skolas-it", PASSWORD).status_code == 303
    return client, DeviceFactory(status="at_school", school=school), DeviceFactory(status="at_school")


def page_csrf(client) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)


def cookie(client, app):
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"])


def test_the_api_accepts_the_session_and_keeps_its_scope(signed_in):
    client, mine, theirs = signed_in
    r = client.get("/api/v1/devices")
    assert r.status_code == 200 and [d["serial"] for d in r.get_json()["items"]] == [mine.serial]
    assert client.get(f"/api/v1/devices/{theirs.serial}").status_code == 404


def test_a_write_from_a_session_needs_the_csrf_header(signed_in, count):
    from fleet.models import Event

    client, mine, _ = signed_in
    url = f"/api/v1/devices/{mine.serial}/actions/note"
    before = count(Event)
    for headers in ({}, {"X-CSRF-Token": "nepareizs"}, {"X-CSRF-Token": ""}):
        r = client.post(url, json={"text": "pārbaude"}, headers=headers)
        assert r.status_code == 403 and error_code(r) == "forbidden", r.get_json()
        assert r.get_json()["error"]["details"] == {"csrf": "X-CSRF-Token"}
    assert count(Event) == before
    r = client.post(url, json={"text": "pārbaude"}, headers={"X-CSRF-Token": page_csrf(client)})
    assert r.status_code == 200 and r.get_json()["event"]["actor"] == "skolas-it"
    assert count(Event) == before + 1


def test_a_token_needs_no_csrf_header_even_with_a_session_cookie(signed_in, session):
    client, mine, _ = signed_in
    token = token_for(UserFactory(role="admin"))
    r = client.post(f"/api/v1/devices/{mine.serial}/actions/note", json={"text": "x"},
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.get_json()["event"]["actor"] != "skolas-it"  # the token speaks, not the cookie


def test_a_form_post_without_the_csrf_token_is_refused(client, session):
    user = UserFactory(name="anna", role="admin")
    auth.set_password(user, PASSWORD)
    session.commit()
    csrf_of(client)  # the browser has a session with a token, but the post does not carry it
    for data in ({"username": "anna", "password": PASSWORD},
                 {"username": "anna", "password": PASSWORD, "csrf_token": "nepareizs"}):
        r = client.post("/login", data=data)
        assert r.status_code == 403
        assert 'data-code="forbidden"' in r.get_data(as_text=True)
    fresh = client.application.test_client()  # never saw the form: no token in its session at all
    assert fresh.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": ""}).status_code == 403
    assert client.get("/").status_code == 303  # not signed in
    from fleet.models import AccessLogEntry

    assert session.scalar(select(AccessLogEntry.id)) is None  # refused before the sign-in ran


def test_sign_out_needs_the_token_and_ends_the_session_on_the_server(signed_in, app):
    client, _, _ = signed_in
    copied = cookie(client, app).value
    assert client.post("/logout").status_code == 403  # a forged sign-out
    assert client.get("/api/v1/devices").status_code == 200
    r = client.post("/logout", data={"csrf_token": page_csrf(client)})
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    assert client.get("/api/v1/devices").status_code == 401
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], copied)
    r = thief.get("/api/v1/devices")
    assert r.status_code == 401 and error_code(r) == "unauthorized"
    assert thief.get("/").status_code == 303


def test_signing_in_starts_a_new_session_and_token(client, session, app):
    user = UserFactory(name="anna", role="admin")
    auth.set_password(user, PASSWORD)
    session.commit()
    before = csrf_of(client)
    cookie_before = cookie(client, app).value
    assert sign_in(client, "anna", PASSWORD, csrf=before).status_code == 303
    assert page_csrf(client) != before and cookie(client, app).value != cookie_before
    first = cookie(client, app).value
    assert sign_in(client, "anna", PASSWORD).status_code == 303  # again, in the same browser
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], first)
    assert thief.get("/api/v1/devices").status_code == 401  # the earlier session ended
    assert client.get("/api/v1/devices").status_code == 200


@pytest.mark.parametrize("column, shift", [("last_seen_at", timedelta(minutes=-31)), ("expires_at", timedelta(0))])
def test_a_session_expires_when_idle_or_at_its_end(signed_in, session, column, shift):
    client, _, _ = signed_in
    row = session.scalar(select(WebSession))
    setattr(row, column, utcnow() + shift)
    session.commit()
    r = client.get("/api/v1/devices")
    assert r.status_code == 401 and "expired" in r.get_json()["error"]["message"]
    assert client.get("/").status_code == 303


def test_a_session_in_use_stays_alive_and_ends_at_its_end(signed_in, session):
    client, _, _ = signed_in
    row = session.scalar(select(WebSession))
    assert row.expires_at - row.created_at == timedelta(minutes=8 * 60)
    row.last_seen_at = utcnow() - timedelta(minutes=20)
    session.commit()
    assert client.get("/api/v1/devices").status_code == 200
    session.expire_all()
    assert utcnow() - session.scalar(select(WebSession.last_seen_at)) < timedelta(minutes=1)  # seen again


class Clock:
    """``fleet.access.sessions``' idea of now, moved on by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    from fleet.access import sessions

    moved = Clock()
    monkeypatch.setattr(sessions, "utcnow", moved)
    return moved


@pytest.mark.parametrize("idle_minutes", [1, 2, 30])
def test_a_session_in_use_outlives_a_short_idle_time(client, session, configure, clock, idle_minutes):
    """A request every fifth of the idle time keeps the session alive however short it is; the
    first pause longer than the idle time ends it."""
    configure(session_idle_minutes=idle_minutes)
    user = UserFactory(name="anna", role="admin")
    auth.set_password(user, PASSWORD)
    session.commit()
    assert sign_in(client, "anna", PASSWORD).status_code == 303
    step = idle_minutes * 60 / 5  # 12 s for a minute's idle time
    for i in range(16):  # more than three idle times, in steps well inside one
        clock.advance(step)
        r = client.get("/api/v1/devices")
        assert r.status_code == 200, (i, (i + 1) * step, r.get_json())
    clock.advance(idle_minutes * 60 + 1)
    r = client.get("/api/v1/devices")
    assert r.status_code == 401 and error_code(r) == "unauthorized" and "expired" in r.get_json()["error"]["message"]


def test_last_seen_is_written_often_enough_for_the_idle_time_and_at_most_once_a_minute(client, session, configure,
                                                                                       clock):
    from fleet.access import sessions

    assert sessions.seen_every(configure(session_idle_minutes=30)) == timedelta(minutes=1)
    assert sessions.seen_every(configure(session_idle_minutes=4)) == timedelta(minutes=1)
    assert sessions.seen_every(configure(session_idle_minutes=2)) == timedelta(seconds=30)
    assert sessions.seen_every(configure(session_idle_minutes=1)) == timedelta(seconds=15)
    user = UserFactory(name="anna", role="admin")
    auth.set_password(user, PASSWORD)
    session.commit()
    assert sign_in(client, "anna", PASSWORD).status_code == 303

    def last_seen():
        session.commit()
        return session.scalar(select(WebSession.last_seen_at))

    signed_in_at = last_seen()
    clock.advance(10)
    assert client.get("/api/v1/devices").status_code == 200
    assert last_seen() == signed_in_at  # within 15 s: not written again
    clock.advance(10)
    assert client.get("/api/v1/devices").status_code == 200
    assert last_seen() == clock.now  # 20 s after the last write: written


def test_the_session_cookie_is_secure_httponly_and_samesite(client, session, app):
    user = UserFactory(name="anna", role="admin")
    auth.set_password(user, PASSWORD)
    session.commit()
    csrf = csrf_of(client)
    r = sign_in(client, "anna", PASSWORD, csrf=csrf)
    set_cookie = r.headers["Set-Cookie"]
    assert set_cookie.startswith("__Host-fleet=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/", "Expires="):
        assert flag in set_cookie
    assert "Domain" not in set_cookie


def test_without_https_the_cookie_is_not_secure(sqlite_template, tmp_path):
    shutil.copy(sqlite_template, tmp_path / "fleet.sqlite3")
    config = Config(env="development", database_url=f"sqlite:///{tmp_path / 'fleet.sqlite3'}", secret_key="d" * 40,
                    public_url="http://127.0.0.1:5000")
    app = create_app(config, instance_path=str(tmp_path))
    set_cookie = app.test_client().get("/login").headers["Set-Cookie"]
    assert set_cookie.startswith("fleet=") and "Secure" not in set_cookie and "HttpOnly" in set_cookie
    production = create_app(Config(env="production", database_url=config.database_url, secret_key="p" * 40,
                                   public_url="http://intranet"), instance_path=str(tmp_path))
    assert "Secure" in production.test_client().get("/login").headers["Set-Cookie"]


# --- behind a TLS proxy: the cookie follows the request's scheme as the proxy reports it -------------

THROUGH_TLS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture
def app_with(app, database_url, tmp_path):
    """``app_with(public_url=…, proxy_count=…)``: another app on the test's database (the ``app``
    fixture's factories write to it), configured as given."""
    made = []

    def make(**settings):
        config = Config(env="test", database_url=database_url, secret_key="t" * 40, **settings)
        made.append(create_app(config, instance_path=str(tmp_path / "instance")))
        return made[-1]

    yield make
    for other in made:
        other.extensions["fleet.engine"].dispose()


def _anna(session):
    user = UserFactory(name="anna", role="admin")
    auth.set_password(user, PASSWORD)
    session.commit()


def _set_cookie(response) -> str:
    [value] = [v for k, v in response.headers.items() if k == "Set-Cookie"]
    return value


def test_behind_a_tls_proxy_the_cookie_is_secure_and_host_prefixed(app_with, session):
    _anna(session)
    app = app_with(public_url="http://fleet.skola.lv", proxy_count=1)  # neither production nor an https URL
    client = app.test_client()
    page = client.get("/login", headers=THROUGH_TLS)
    cookie = _set_cookie(page)
    assert cookie.startswith("__Host-fleet=") and "; Secure" in cookie and "; Path=/" in cookie
    assert "Domain" not in cookie
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    r = client.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": csrf}, headers=THROUGH_TLS)
    assert r.status_code == 303, r.get_data(as_text=True)
    assert _set_cookie(r).startswith("__Host-fleet=") and "; Secure" in _set_cookie(r)
    assert client.get("/api/v1/devices", headers=THROUGH_TLS).status_code == 200  # the secure cookie is read
    plain = client.get("/api/v1/devices")  # the proxy says plain HTTP: the secure cookie is not read
    assert plain.status_code == 401 and error_code(plain) == "unauthorized"
    session.commit()
    from fleet.models import AccessLogEntry

    assert session.scalar(select(AccessLogEntry.address).where(AccessLogEntry.event == "signin")) == "203.0.113.7"


def test_behind_the_proxy_over_plain_http_the_cookie_is_plain_and_not_read_over_https(app_with, session):
    _anna(session)
    client = app_with(public_url="http://fleet.skola.lv", proxy_count=1).test_client()
    assert sign_in(client, "anna", PASSWORD).status_code == 303  # the proxy forwards plain HTTP (no header)
    assert client.get_cookie("fleet") is not None and client.get_cookie("__Host-fleet") is None
    assert client.get("/api/v1/devices").status_code == 200
    r = client.get("/api/v1/devices", headers=THROUGH_TLS)  # a plain cookie (anyone could have set it) is not read
    assert r.status_code == 401 and error_code(r) == "unauthorized"


def test_without_a_proxy_count_forwarded_headers_are_ignored(app_with, session):
    _anna(session)
    client = app_with(public_url="http://127.0.0.1:5000").test_client()  # a laptop: no proxy, plain HTTP
    page = client.get("/login", headers=THROUGH_TLS)
    cookie = _set_cookie(page)
    assert cookie.startswith("fleet=") and "Secure" not in cookie and "HttpOnly" in cookie
    assert "Strict-Transport-Security" not in page.headers
    assert client.get("/login").headers.get("Set-Cookie") is None  # the same cookie, read back over plain HTTP
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    r = client.post("/login", data={"username": "anna", "password": "nepareiza-parole", "csrf_token": csrf},
                    headers=THROUGH_TLS)
    assert r.status_code == 401
    session.commit()
    from fleet.models import AccessLogEntry

    assert session.scalar(select(AccessLogEntry.address)) == "127.0.0.1"  # not the forwarded one


@pytest.mark.parametrize("path", ["/login", "/", "/healthz", "/api/v1/devices", "/api/v1/nav", "/nav",
                                  "/d/DIB-000001-X", "/static/fleet.css"])
def test_every_response_has_the_security_headers(client, path):
    r = client.get(path)
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "http" not in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"


def test_https_responses_ask_for_https_from_then_on(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert client.get("/login", base_url="https://fleet.example.lv").headers["Strict-Transport-Security"].startswith(
        "max-age=")


def test_pages_have_no_inline_script_or_style(client, signed_in):
    for path in ("/login", "/"):
        html = client.get(path).get_data(as_text=True)
        assert "<style" not in html and " style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_signing_in_again_clears_the_users_ended_sessions(signed_in, session, app):
    client, _, _ = signed_in
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    assert sign_in(client, "skolas-it", PASSWORD).status_code == 303
    other = app.test_client()
    assert sign_in(other, "skolas-it", PASSWORD).status_code == 303  # two browsers at once: both live
    session.commit()
    assert [row.ended_at for row in session.scalars(select(WebSession))] == [None, None]
    assert client.get("/api/v1/devices").status_code == other.get("/api/v1/devices").status_code == 200
