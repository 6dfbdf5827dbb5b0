"""What the home page shows a signed-in user: the laptops they may see, counted by status, and the
schools they are scoped to. One domain function, so a page and an API answer count alike."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fleet.access import policy
from fleet.models import Device, School


@dataclass(frozen=True)
class Overview:
    counts: list[tuple[str, int]]  # (status, laptops) for each status that has any, by status name
    schools: list[School]  # the principal's schools (school-scoped roles), by registration number

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


def overview(session: Session, principal: policy.Principal) -> Overview:
    counts = session.execute(select(Device.status, func.count()).where(policy.device_filter(principal))
                             .group_by(Device.status).order_by(Device.status)).all()
    schools = session.scalars(select(School).where(School.id.in_(sorted(principal.school_ids)))
                              .order_by(School.registration_number)).all() if principal.school_ids else []
    return Overview([(status, n) for status, n in counts], list(schools))
