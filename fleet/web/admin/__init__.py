"""The administration pages, ``/admin/...``: one module per section, all on the ``web`` blueprint.

- ``index``: ``/admin``, the sections the role may open (each section wears its own permission)
- ``users``: accounts, their roles and schools, ending a user's sessions (``fleet.access.auth``, ``sessions``)
- ``tokens``: API tokens — created (shown once), listed, revoked
- ``catalog``: founders, schools, contracts (``fleet.catalog``)
- ``printers``: printer profiles and their shift (``fleet.labelling.printers``; school IT its school's)
- ``templates``: agreement templates — versions, a draft's preview, publishing (``fleet.lending.agreements``)
- ``access_log``: the access log (admins and auditors)
- ``outbox``: the e-mails waiting, stuck or given up
- ``verify``: the latest ``fleet verify`` and running it now

``forms`` holds what every form does with its answer. Templates are ``fleet/templates/admin/``.
"""

from __future__ import annotations

from fleet.web.admin import access_log, catalog, index, outbox, printers, templates, tokens, users, verify  # noqa: F401
