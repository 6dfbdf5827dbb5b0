"""What the warehouse's pages list beside the use cases of deliveries, shipments and stocktakes:
how far each delivery's intake is (for a page of them at once), the contracts a delivery may be
made against, a shipment's devices and the schools a shipment may go to, and the stocktakes a
caller may see and where it may start one (its ``Scope``'s ``may_count``, as ``stocktakes.get``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fleet import paging
from fleet.access.policy import Scope
from fleet.models import Contract, DeliveryItem, DeliveryScan, Device, School, Shipment, Stocktake, shipment_items


def delivery_progress(session: Session, delivery_ids: list[int]) -> dict[int, tuple[int, int]]:
    """delivery id → (expected, found): the manifest's size and how many of it were scanned in at
    intake, for a page of deliveries in two queries (the full reconciliation is per delivery)."""
    if not delivery_ids:
        return {}
    expected = dict(session.execute(
        select(DeliveryItem.delivery_id, func.count()).where(DeliveryItem.delivery_id.in_(delivery_ids))
        .group_by(DeliveryItem.delivery_id)).all())
    on_manifest = (DeliveryItem.serial == Device.serial) & (DeliveryItem.delivery_id == DeliveryScan.delivery_id)
    found = dict(session.execute(
        select(DeliveryScan.delivery_id, func.count(func.distinct(DeliveryScan.device_id)))
        .join(Device, Device.id == DeliveryScan.device_id).join(DeliveryItem, on_manifest)
        .where(DeliveryScan.delivery_id.in_(delivery_ids)).group_by(DeliveryScan.delivery_id)).all())
    return {i: (expected.get(i, 0), found.get(i, 0)) for i in delivery_ids}


def contracts(session: Session) -> list[Contract]:
    """The contracts a delivery may be made against, the newest first."""
    return list(session.scalars(select(Contract).order_by(Contract.id.desc())))


def shipment_devices(session: Session, shipment: Shipment) -> list[Device]:
    """The devices on a shipment, by serial."""
    return list(session.scalars(select(Device).join(shipment_items, shipment_items.c.device_id == Device.id)
                                .where(shipment_items.c.shipment_id == shipment.id).order_by(Device.serial)))


def schools(session: Session) -> list[School]:
    """Every school by name: where a shipment from the warehouse may go."""
    return list(session.scalars(select(School).order_by(School.name, School.registration_number)))


def counting_places(session: Session, scope: Scope) -> tuple[bool, list[School]]:
    """Where the caller may start a stocktake: (the warehouse?, the schools by name)."""
    visible = scope.visible_schools()
    stmt = select(School).order_by(School.name, School.registration_number)
    if visible is not None:
        stmt = stmt.where(School.id.in_(sorted(visible)))
    return scope.may_count(None), [s for s in session.scalars(stmt) if scope.may_count(s.id)]


def stocktakes(
    session: Session, scope: Scope, limit: int, after: int | None = None,
) -> tuple[list[Stocktake], int | None]:
    """The newest stocktakes first at the places the caller may count, ``limit`` of them older than
    stocktake ``after``. (stocktakes, the last id when there are more)"""
    counted = [s for s in session.scalars(select(Stocktake.school_id).distinct()) if scope.may_count(s)]
    where = Stocktake.school_id.in_([s for s in counted if s is not None])
    if None in counted:
        where = where | Stocktake.school_id.is_(None)
    stmt = paging.newest_first(select(Stocktake).where(where), Stocktake.id, limit, after)
    return paging.split(session.scalars(stmt).all(), limit)
