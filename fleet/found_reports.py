"""Finders' reports: someone who found a laptop reported lost or stolen writes to its school from the
public finder page (``/d/<tag>``) without an account — a message and, if they choose, a way to reach
them. The school sees them on its desk and on the device's page; nobody else does.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.access.policy import Scope
from fleet.models import FoundReport


def unhandled(session: Session, scope: Scope, limit: int = 50) -> list[FoundReport]:
    """The newest reports not yet handled, of the schools ``scope`` sees."""
    query = select(FoundReport).where(FoundReport.handled_at.is_(None))
    principal = scope.principal
    if principal.school_scoped:
        query = query.where(FoundReport.school_id.in_(sorted(principal.school_ids)))
    return list(session.scalars(query.order_by(FoundReport.id.desc()).limit(limit)))


def for_device(session: Session, device_id: int) -> list[FoundReport]:
    """A device's reports, newest first (the device's page shows them to those who see the device)."""
    return list(session.scalars(select(FoundReport).where(FoundReport.device_id == device_id)
                                .order_by(FoundReport.id.desc())))
