"""Which schools a report covers: a reader's reach (every school, or a founder manager's own) narrowed by
the ``founder`` or ``school`` asked for. Something outside the reach answers ``not_found``, as everywhere."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.errors import FleetError, invalid
from fleet.i18n import Text, _l
from fleet.models import Founder, School
from fleet.reports import Params, Reach


def narrow(session: Session, reach: Reach, params: Params) -> tuple[frozenset[int] | None, Text | str]:
    """(the school ids the figures cover — None: every school and the warehouse —, who they cover in words)."""
    if params.founder and params.school:
        raise invalid(_l("ask for one founder or one school, not both"), [{"field": "school"}])
    if params.school:
        school = session.scalar(select(School).where(School.registration_number == params.school))
        if school is None or not (reach.all_schools or school.id in reach.school_ids):
            raise FleetError("not_found", _l("no school %(reg)s", reg=params.school), {"field": "school"})
        return frozenset({school.id}), f"{school.name} ({school.registration_number})"
    if params.founder:
        founder = session.scalar(select(Founder).where(Founder.code == params.founder))
        ids = frozenset(session.scalars(select(School.id).where(School.founder_id == founder.id))) if founder else None
        if founder is None or not (reach.all_schools or (ids and ids <= reach.school_ids)):
            raise FleetError("not_found", _l("no founder %(code)s", code=params.founder), {"field": "founder"})
        return ids, founder.name
    if reach.all_schools:
        return None, _l("all founders")
    return reach.school_ids, _l("your schools")
