"""The application factory: the one place that wires Fleet together."""

from __future__ import annotations

import logging
import os
from datetime import timedelta

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from fleet import db, i18n
from fleet.access import csrf
from fleet.config import Config, instance_secret
from fleet.http.routing import install_converters
from fleet.web import pages

PLAIN_COOKIE, SECURE_COOKIE = "fleet", "__Host-fleet"  # the session cookie over HTTP, over HTTPS


def create_app(config: Config | None = None, instance_path: str | None = None) -> Flask:
    config = config or Config.from_env()
    config.validate()
    instance_path = instance_path or os.environ.get("FLEET_INSTANCE_PATH") or None
    app = Flask("fleet", instance_path=instance_path, instance_relative_config=True)
    app.config["FLEET"] = config
    _configure_reports(config)
    _configure_flask(app, config)
    url = config.database_url or db.default_sqlite_url(app.instance_path)
    db.init_app(app, url, {"asset_tag_prefix": config.asset_tag_prefix})
    i18n.init_app(app)
    pages.init_app(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    csrf.init_app(app)
    app.after_request(_security_headers)
    if config.proxy_count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_count, x_proto=config.proxy_count)
    return app


def _configure_flask(app: Flask, config: Config) -> None:
    app.config.update(
        SECRET_KEY=config.secret_key or instance_secret(app.instance_path),
        MAX_CONTENT_LENGTH=config.max_request_bytes,
        TESTING=config.env == "test",
        # Browser sessions (fleet.access.sessions): never readable by scripts, not sent along with other
        # sites' requests, over HTTPS only (then with the __Host- prefix: no Domain, Path=/). These
        # two are what the configuration forces; a request over HTTPS gets the secure cookie even
        # when it does not (CookieSessions).
        SESSION_COOKIE_NAME=SECURE_COOKIE if config.secure_cookies else PLAIN_COOKIE,
        SESSION_COOKIE_SECURE=config.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=config.session_minutes),
    )
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.session_interface = CookieSessions()
    install_converters(app)  # <int:…> ids fit the database's integer column
    app.url_map.merge_slashes = False  # "/devices/https://host/d/TAG" must reach the resolver intact
    if config.env != "test":
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


SECURITY_HEADERS = {
    # Only the app's own scripts, styles and images (and images drawn in the page, data:); no
    # inline script or style, no plugins, never inside another site's frame.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a signing link's token must not leak to another site
}


_SECURITY_KEYS = frozenset(name.lower() for name in SECURITY_HEADERS)


def _security_headers(response):
    headers = response.headers
    if _SECURITY_KEYS.isdisjoint(key.lower() for key in headers.keys()):  # noqa: SIM118  (Headers iterate pairs)
        headers.extend(SECURITY_HEADERS)  # the usual case (each setdefault would scan the headers and raise a KeyError)
    else:
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if g.get("personal_data"):
        headers["Cache-Control"] = "no-store"
    return response


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the cookie chosen per request, and without building the
    signer for requests that carry no session cookie (API clients with a token: less work per scan).

    The cookie is ``Secure`` and named ``__Host-fleet`` when the configuration says HTTPS
    (``FLEET_ENV=production``, or an https public URL) or when this request came over HTTPS — as
    the proxy reports it when ``FLEET_PROXY_COUNT`` is set (``ProxyFix``: ``X-Forwarded-Proto``;
    without it the header is ignored) — else plain ``fleet``. A request reads only the cookie of its
    own kind: over HTTPS never the plain one, which anyone on the network could have set."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return app.config["SESSION_COOKIE_SECURE"] or request.is_secure

    def get_cookie_name(self, app: Flask) -> str:
        return SECURE_COOKIE if self.get_cookie_secure(app) else PLAIN_COOKIE

    def open_session(self, app: Flask, request):
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:
        if not session and not session.modified and not session.accessed:
            return  # what Flask's own does for an empty, untouched session, without reading six settings
        super().save_session(app, session, response)


def _register_blueprints(app: Flask) -> None:
    from fleet import api, web
    from fleet.lending import guardian_signing
    from provisioning import api as provisioning_api
    from provisioning import web as provisioning_web

    app.register_blueprint(api.bp)
    app.register_blueprint(api.docs)
    app.register_blueprint(provisioning_api.bp)
    app.register_blueprint(provisioning_web.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(guardian_signing.bp)


def _register_error_handlers(app: Flask) -> None:
    from fleet.errors import FleetError
    from fleet.http import http_error_json
    from fleet.web.errors import http_error_page, refusal_page

    app.register_error_handler(FleetError, refusal_page)  # a page's refusal (the API's blueprints answer JSON)

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        if request.path.startswith("/api/"):
            return http_error_json(e)
        return http_error_page(e)  # in the visitor's language


def _configure_reports(config: Config) -> None:
    """The reports' settings that their roll-ups read (the worker and the app alike build the app)."""
    from fleet.reports import health_rollups

    health_rollups.RETURN_BY = config.return_by_day()
