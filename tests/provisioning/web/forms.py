"""Posting a page's form with the test client, as a browser does (the session's CSRF token with it)."""

from __future__ import annotations


def post_form(client, path: str, data: dict, **kw):
    with client.session_transaction() as s:
        token = s.setdefault("csrf", "test-csrf-token")
    return client.post(path, data={**data, "csrf_token": token}, **kw)


def fragment(client, path: str):
    """What htmx's poll gets (its request carries ``HX-Request``)."""
    return client.get(path, headers={"HX-Request": "true"})
