"""What the start page shows a signed-in member of staff, by role: the laptops they may see counted by
status and the schools they are scoped to; the warehouse's work of the day (open deliveries and how
far their intake is, laptops waiting at each step, shipments on the road); and for a school the
shipments on their way to it. Domain queries only, so a page and an API answer count alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fleet.access import policy
from fleet.models import Contract, Delivery, DeliveryItem, DeliveryScan, Device, School, Shipment
from fleet.models.provisioning import shipment_items

# The warehouse's steps: laptops in this status wait for that action.
WAITING = (("in_warehouse", "image"), ("imaged", "label"), ("labelled", "ship"))
LIMIT = 10  # open deliveries and shipments on the start page; their own pages list the rest


@dataclass(frozen=True)
class OpenDelivery:
    id: int
    contract: str
    created_at: datetime
    expected: int
    found: int  # laptops of the manifest scanned in so far


@dataclass(frozen=True)
class OnTheRoad:
    id: int
    school: str
    created_at: datetime
    devices: int
    in_transit: int  # not scanned in at the school yet


@dataclass(frozen=True)
class Overview:
    counts: list[tuple[str, int]]  # (status, laptops) for each status that has any, by status name
    schools: list[School]  # the principal's schools (school-scoped roles), by registration number
    deliveries: list[OpenDelivery]  # open deliveries, newest first (roles that read deliveries)
    shipments: list[OnTheRoad]  # shipments with laptops still in transit, oldest first

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def waiting(self) -> list[tuple[str, str, int]]:
        """(status, the action it waits for, laptops) of the warehouse's steps."""
        by_status = dict(self.counts)
        return [(status, action, by_status.get(status, 0)) for status, action in WAITING]


def overview(session: Session, principal: policy.Principal) -> Overview:
    counts = session.execute(select(Device.status, func.count()).where(policy.device_filter(principal))
                             .group_by(Device.status).order_by(Device.status)).all()
    schools = session.scalars(select(School).where(School.id.in_(sorted(principal.school_ids)))
                              .order_by(School.registration_number)).all() if principal.school_ids else []
    deliveries = open_deliveries(session) if policy.allows(principal, "deliveries:read") else []
    shipments = on_the_road(session, principal) if policy.allows(principal, "shipments:read") else []
    return Overview([(status, n) for status, n in counts], list(schools), deliveries, shipments)


def open_deliveries(session: Session) -> list[OpenDelivery]:
    """The open deliveries (newest first) with their manifest's size and how many of it were scanned in."""
    expected = (select(func.count()).where(DeliveryItem.delivery_id == Delivery.id)
                .correlate(Delivery).scalar_subquery())
    found = (select(func.count(func.distinct(DeliveryScan.device_id)))
             .join(Device, Device.id == DeliveryScan.device_id)
             .join(DeliveryItem, DeliveryItem.serial == Device.serial)
             .where(DeliveryScan.delivery_id == Delivery.id, DeliveryItem.delivery_id == Delivery.id)
             .correlate(Delivery).scalar_subquery())
    rows = session.execute(select(Delivery.id, Contract.number, Delivery.created_at, expected, found)
                           .join(Contract, Contract.id == Delivery.contract_id)
                           .where(Delivery.closed_at.is_(None)).order_by(Delivery.id.desc()).limit(LIMIT)).all()
    return [OpenDelivery(*row) for row in rows]


def on_the_road(session: Session, principal: policy.Principal) -> list[OnTheRoad]:
    """Shipments with laptops still in transit (to or from the principal's schools when it is scoped)."""
    in_transit = func.sum(case((Device.status == "in_transit", 1), else_=0))
    stmt = (select(Shipment.id, School.name, Shipment.created_at, func.count(), in_transit)
            .join(School, School.id == Shipment.school_id)
            .join(shipment_items, shipment_items.c.shipment_id == Shipment.id)
            .join(Device, Device.id == shipment_items.c.device_id)
            .group_by(Shipment.id, School.name, Shipment.created_at)
            .having(in_transit > 0).order_by(Shipment.id).limit(LIMIT))
    visible = principal.scope.visible_schools()
    if visible is not None:
        ids = sorted(visible)
        stmt = stmt.where(Shipment.school_id.in_(ids) | Shipment.from_school_id.in_(ids))
    return [OnTheRoad(*row) for row in session.execute(stmt).all()]
