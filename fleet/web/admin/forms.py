"""What every administration form does with its answer: a success is a 303 to a page with a flashed
message; a refusal (``FleetError``) rolls back and re-renders the form with it (``refusal``), its status,
and the fields it names marked (``bad``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from fleet import db
from fleet.errors import FleetError
from fleet.i18n import _, _l

# A domain refusal whose message has no translation (fleet.catalog's, fleet.labelling.printers') is shown with
# one of these in the page's language; its code, the fields it names and their reasons stay as they are.
IN_WORDS = {
    "invalid_input": _l("Some fields are not right (marked); nothing was saved."),
    "duplicate": _l("This exists already (the marked field); nothing was saved."),
    "not_found": _l("Not found; nothing was saved."),
}


def done(message, endpoint: str, **values):
    """Commit, flash ``message`` and see the page ``endpoint`` (303)."""
    db.session().commit()
    flash(str(message), "ok")
    return redirect(url_for(endpoint, **values), 303)


def bad_fields(e: FleetError) -> set[str]:
    """The form fields a refusal names (its ``details``: one field, or a list of them)."""
    details = e.details if isinstance(e.details, list) else [e.details]
    return {d["field"] for d in details if isinstance(d, dict) and isinstance(d.get("field"), str)}


def readable(e: FleetError) -> FleetError:
    """The refusal as the page shows it: an untranslated message in the page's language (``IN_WORDS``), with
    each field's reason translated where the catalogs know it."""
    if e.text is not None or e.code not in IN_WORDS:
        return e
    details = e.details
    if isinstance(details, list):
        details = [{**d, "message": _(d["message"])} if _has_reason(d) else d for d in details]
    return FleetError(e.code, IN_WORDS[e.code], details)


def _has_reason(detail) -> bool:
    return isinstance(detail, dict) and isinstance(detail.get("message"), str) and bool(detail["message"])


def refused(e: FleetError, template: str, **context):
    """Nothing saved: the form again with the refusal, in the refusal's status."""
    db.session().rollback()
    return render_template(template, refusal=readable(e), bad=bad_fields(e), **context), e.status


def text(form, name: str) -> str:
    """A form field as text, stripped ('' when absent)."""
    return (form.get(name) or "").strip()


def codes(form, name: str) -> list[str]:
    """A field of codes separated by commas, spaces or new lines (registration numbers, founder codes)."""
    return [c for c in text(form, name).replace(",", " ").split() if c]
