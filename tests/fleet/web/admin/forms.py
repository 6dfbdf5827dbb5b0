"""What the administration pages' tests share: a signed-in client of a role, and posting its forms."""

from __future__ import annotations

import re

from tests.page_routes import client_as


def as_role(app, role: str, school=None):
    return client_as(app, role, school)


def post(client, path: str, data: dict | None = None):
    """A form post with the session's CSRF token (as the page's form carries it)."""
    with client.session_transaction() as s:
        token = s.setdefault("csrf", "test-csrf-token")
    return client.post(path, data={**(data or {}), "csrf_token": token})


def code_of(body: str) -> str | None:
    """The refusal's code on a page (``data-code`` of ``#refusal``)."""
    found = re.search(r'id="refusal" data-code="([a-z_]+)"', body)
    return found.group(1) if found else None


def invalid_fields(body: str) -> set[str]:
    """The fields a refusal marked on the form."""
    return set(re.findall(r'name="([a-z_0-9]+)"[^>]*aria-invalid="true"', body))
