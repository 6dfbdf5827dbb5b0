"""The access log, for admins and auditors: who signed in, used personal data or exported, when."""

from __future__ import annotations

from fleet import db
from fleet.access import access_log
from fleet.api import bp, render
from fleet.api.schemas import Page
from fleet.api.schemas import access as schemas
from fleet.http import endpoint, personal_data


@bp.get("/access-log")
@endpoint("access_log:read", query=schemas.AccessLogQuery, answers={200: Page[schemas.AccessLogEntry]})
def list_access_log(query: schemas.AccessLogQuery):
    """Newest first, optionally of one event or one actor."""
    personal_data()  # who read which pupil's data, and from where: no cache keeps it
    after = None if query.after is None else str(query.after)
    rows, last = access_log.listing(db.session(), event=query.event, actor=query.actor, after=after,
                                    limit=str(query.limit))
    return render.paged([render.access_entry(e) for e in rows], None if last is None else int(last))
