"""What every administration form does with its answer: a success is a 303 to a page with a flashed
message; a refusal (``FleetError``) rolls back and re-renders the form with it (``refusal``), its status,
and the fields it names marked (``bad``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from fleet import db
from fleet.errors import FleetError


def done(message, endpoint: str, **values):
    """Commit, flash ``message`` and see the page ``endpoint`` (303)."""
    db.session().commit()
    flash(str(message), "ok")
    return redirect(url_for(endpoint, **values), 303)


def bad_fields(e: FleetError) -> set[str]:
    """The form fields a refusal names (its ``details``: one field, or a list of them)."""
    details = e.details if isinstance(e.details, list) else [e.details]
    return {d["field"] for d in details if isinstance(d, dict) and isinstance(d.get("field"), str)}


def refused(e: FleetError, template: str, **context):
    """Nothing saved: the form again with the refusal, in the refusal's status."""
    db.session().rollback()
    return render_template(template, refusal=e, bad=bad_fields(e), **context), e.status


def text(form, name: str) -> str:
    """A form field as text, stripped ('' when absent)."""
    return (form.get(name) or "").strip()


def codes(form, name: str) -> list[str]:
    """A field of codes separated by commas, spaces or new lines (registration numbers, founder codes)."""
    return [c for c in text(form, name).replace(",", " ").split() if c]
