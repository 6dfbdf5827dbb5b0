"""Fixtures: an app per test on SQLite and on PostgreSQL, schemas built by the migrations.

PostgreSQL comes from FLEET_TEST_POSTGRES_URL (a scratch database this suite may wipe), else a
database the suite creates on 127.0.0.1:5432 and drops afterwards. When it cannot be reached the
PostgreSQL half is skipped, except under CI=true, where it fails.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from werkzeug.serving import make_server

from fleet import create_app
from fleet.config import Config
from fleet.db import make_engine
from fleet.migrations import upgrade
from tests import factories
from tests.postgres_reset import PostgresReset

pytest_plugins = ["tests.pages"]  # live, staff: staff pages in Chromium

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _unavailable(what: str):
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but unavailable", pytrace=False)
    pytest.skip(f"{what} unavailable")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    return str(path)


def _scratch_database_url() -> tuple[str, str | None]:
    """The database this process tests on, and the admin URL to drop it with when the suite made it.

    FLEET_TEST_POSTGRES_URL names a scratch database: used as it is by a single process; under
    pytest-xdist each worker makes its own beside it on the same server (``<name>_gw0`` …). Without
    it, a ``fleet_test_…`` database on 127.0.0.1:5432, unique to this process.
    """
    given = os.environ.get("FLEET_TEST_POSTGRES_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1" … under pytest-xdist
    if given and not worker:
        return given, None
    admin_url = sa.engine.make_url(given or PG_ADMIN_URL)
    name = f"{admin_url.database}_{worker}" if given else f"fleet_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # left by a killed run
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False), admin_url.render_as_string(False)


@pytest.fixture(scope="session")
def postgres_url():
    """A migrated PostgreSQL database for the whole run (of this xdist worker)."""
    try:
        url, drop_with = _scratch_database_url()
        engine = make_engine(url)
        if drop_with is None:
            with engine.begin() as conn:  # a scratch database: start from nothing
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        upgrade(engine)
        engine.dispose()
    except sa.exc.OperationalError as e:
        _unavailable(f"PostgreSQL ({type(e).__name__}: {str(e).splitlines()[0]})")
    yield url
    if drop_with:
        admin = sa.create_engine(drop_with, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_reset(postgres_url):
    """Empties the PostgreSQL database between tests (``tests/postgres_reset.py``)."""
    reset = PostgresReset(postgres_url)
    yield reset
    reset.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "fleet.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        reset = request.getfixturevalue("postgres_reset")
        reset()
        yield reset.url


@pytest.fixture
def postgres_only_url(postgres_reset):
    postgres_reset()
    return postgres_reset.url


def _make_app(url, tmp_path):
    config = Config(env="test", database_url=url, secret_key="t" * 40, public_url="https://fleet.example.lv")
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    return app


@pytest.fixture(scope="session")
def slapd():
    """A real OpenLDAP slapd on loopback ports for the whole run (``tests/directory_server.py``)."""
    from tests import directory_server

    try:
        server = directory_server.start()
    except FileNotFoundError as e:
        _unavailable(f"slapd ({e})")
    yield server
    server.stop()


@pytest.fixture
def configure(app):
    """``configure(directory=…, signin_failures_per_user=…)``: change the app's settings for one test."""

    def change(**settings):
        app.config["FLEET"] = dataclasses.replace(app.config["FLEET"], **settings)
        return app.config["FLEET"]

    return change


@pytest.fixture
def smtp(configure):
    """A real SMTP server on a loopback port that the app sends to: its ``Inbox`` (``tests.mailbox``)."""
    from tests.mailbox import start_server

    inbox, controller, _ = start_server(configure)
    yield inbox
    controller.stop()


@pytest.fixture
def directory_app(app, configure, slapd):
    """The app signing users in against the test slapd (local accounts still work)."""
    configure(directory=slapd.config())
    return app


@pytest.fixture
def app(database_url, tmp_path):
    app = _make_app(database_url, tmp_path)
    yield from _bind_factories(app)


@pytest.fixture
def pg_app(postgres_only_url, tmp_path):
    app = _make_app(postgres_only_url, tmp_path)
    yield from _bind_factories(app)


@pytest.fixture
def sqlite_app(sqlite_template, tmp_path):
    path = tmp_path / "fleet.sqlite3"
    shutil.copy(sqlite_template, path)
    yield from _bind_factories(_make_app(f"sqlite:///{path}", tmp_path))


def _bind_factories(app):
    session = app.extensions["fleet.read_sessionmaker"]()  # BEGIN DEFERRED: never blocks requests
    factories.bind(session)
    yield app  # no app context stays pushed: each request gets its own, as in production
    factories.bind(None)
    session.close()
    app.extensions["fleet.engine"].dispose()


@pytest.fixture
def session(app):
    """The session the factories write through (committed, so requests see the rows)."""
    return factories.current_session()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Api:
    """A test client that speaks to /api/v1 as one user."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _url(self, path: str) -> str:
        """Relative paths are under /api/v1; absolute ones are taken as they are."""
        return path if path.startswith("/") else f"/api/v1/{path}"

    def get(self, path, **kw):
        return self.client.get(self._url(path), headers=self.headers, **kw)

    def post(self, path, json=None, **kw):
        return self.client.post(self._url(path), json=json, headers=self.headers, **kw)

    def patch(self, path, json=None, **kw):
        return self.client.patch(self._url(path), json=json, headers=self.headers, **kw)


@pytest.fixture
def api_as(client):
    """``api_as("warehouse")`` or ``api_as("school_it", school=s)``: a client with a fresh token."""

    def make(role: str = "admin", school=None, user=None) -> Api:
        user = user or factories.UserFactory(role=role, schools=[school] if school else [])
        return Api(client, factories.token_for(user))

    return make


@pytest.fixture
def api(api_as):
    return api_as("admin")


@pytest.fixture
def count(session):
    """``count(Model, *where)``: rows in the database now, as committed by the requests so far."""

    def rows(model, *where) -> int:
        session.commit()  # end any earlier read transaction: its snapshot may predate the request
        n = session.scalar(select(func.count()).select_from(model).where(*where))
        session.commit()
        return n

    return rows


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def csrf_of(client, path: str = "/login") -> str:
    """The CSRF token a page's form carries (the page is fetched, so the session cookie has it)."""
    import re

    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username: str, password: str, csrf: str | None = None):
    """Sign in through the login form, as a browser does; the response (303 on success)."""
    token = csrf if csrf is not None else csrf_of(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@contextlib.contextmanager
def serving(app):
    """The app served on a free loopback port while the block runs; it stops by itself."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


CHROMIUM = os.environ.get("FLEET_TEST_CHROMIUM", "/usr/bin/chromium")


SCREENSHOTS = Path(os.environ.get("FLEET_TEST_SCREENSHOTS", Path(__file__).resolve().parents[1] / "test-screenshots"))


@pytest.fixture
def browser(request):
    """Real Chromium (Debian's) driven by Playwright, headless. When the test ends, every page it left
    open is saved as a screenshot in ``test-screenshots/`` (``FLEET_TEST_SCREENSHOTS``), named after the
    test, so people can look at the pages as their users would."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright")
    if not os.path.exists(CHROMIUM):
        _unavailable(f"Chromium ({CHROMIUM})")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        yield chromium
        _save_screenshots(chromium, request.node.nodeid)
        chromium.close()


def _save_screenshots(chromium, nodeid: str) -> None:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.removeprefix("tests/"))
    pages = [page for context in chromium.contexts for page in context.pages if not page.is_closed()]
    if not pages:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for index, page in enumerate(pages):
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{index}.png"), full_page=True)
        except Exception as e:  # a page mid-navigation or crashed: the test's own verdict stands
            print(f"screenshot of {nodeid} page {index} not saved: {type(e).__name__}")
