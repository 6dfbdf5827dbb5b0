"""Pages outside the API, one module per area, all on the ``web`` blueprint:

- ``signin``: signing in and out (``fleet.access.staff_login`` decides; the session is ``fleet.access.sessions``')
- ``home``: who is signed in and the laptops they may see (``fleet.home``), and the health check
- ``finder``: the public page a label's QR code opens, ``/d/<tag>``
- ``errors``: Werkzeug's errors (unknown URL, wrong method) as a page in the visitor's language
- ``language``: the language switch every page carries (``fleet.i18n``)

Every form carries a CSRF token (``fleet.access.csrf``); templates are ``fleet/templates/<area>/``.
"""

from __future__ import annotations

from fleet.web import (  # noqa: F401  (each adds its routes to bp)
    admin,
    device_page,
    devices,
    errors,
    finder,
    home,
    label_batches,
    labels,
    language,
    signin,
    station,
)
from fleet.web.blueprint import bp

__all__ = ["bp", "errors"]
