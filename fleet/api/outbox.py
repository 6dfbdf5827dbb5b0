"""The outbox, for admins: which e-mails wait, went, or were given up (``?state=dead``), and why;
never their recipients or content."""

from __future__ import annotations

from fleet import db, outbox
from fleet.api import bp, render
from fleet.api.schemas import Page
from fleet.api.schemas import access as schemas
from fleet.http import endpoint


@bp.get("/outbox")
@endpoint("outbox:read", query=schemas.OutboxQuery, answers={200: Page[schemas.OutboxMessage]})
def list_outbox(query: schemas.OutboxQuery):
    """Newest first, optionally of one state."""
    after = None if query.after is None else str(query.after)
    rows, last = outbox.listing(db.session(), state=query.state, after=after, limit=str(query.limit))
    return render.paged([render.outbox_message(r) for r in rows], None if last is None else int(last))
