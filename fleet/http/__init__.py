"""HTTP plumbing shared by the JSON blueprints (``fleet.api``, ``provisioning.api``) and the pages.

- ``principal``: who is calling (a bearer token, or else a browser session) and the access log.
- ``endpoints``: ``endpoint()``, the decorator every JSON handler wears (``public()`` for the few that
  need no sign-in).
- ``schema``: what a handler declares (``body=``, ``query=``, ``answers=``: pydantic models, ``File``,
  ``Raw``, ``ERROR``), validated before it runs and described by ``fleet.api.openapi``.
- ``bodies``: the request's JSON (``body``, ``json_or_none``), ``checked_nonce``, ``created``.
- ``errors``: ``FleetError`` and database errors as JSON for a blueprint, Werkzeug's errors under
  ``/api``, and the HTML error page elsewhere.
- ``files``: ``disposition()``, the ``Content-Disposition`` of a file answer.
- ``caching``: ``personal_data()``, an answer no cache may keep.
- ``routing``: ``<int:…>`` ids that fit the database (a longer number is an unknown URL).

Handlers import from here (``from fleet.http import body, endpoint``); the domain never does.
"""

from fleet.http.bodies import body, checked_nonce, created, json_or_none
from fleet.http.caching import personal_data
from fleet.http.endpoints import SCAN_BODY, endpoint, public
from fleet.http.errors import error_page, http_error_json, install_error_handlers
from fleet.http.files import disposition
from fleet.http.principal import authenticate, record_access, require_document
from fleet.http.schema import ERROR, File, Raw

__all__ = ["ERROR", "SCAN_BODY", "File", "Raw", "authenticate", "body", "checked_nonce", "created", "disposition",
           "endpoint", "error_page", "http_error_json", "install_error_handlers", "json_or_none", "personal_data",
           "public", "record_access", "require_document"]
