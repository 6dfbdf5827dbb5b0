"""Scans that were refused: kept, so a station can show "last 50 scans, 3 refused" and a supervisor
can see what went wrong.

A refusal rolls the request's transaction back; ``keep`` then writes one row in a short transaction
of its own. The row says who, when, where (a delivery, shipment or stocktake, or none for
``/scan``), the action's name, the code as scanned (truncated) and the error — nothing else of the
request, so never personal data. It is not a device's history: a refused scan did not happen to
the device. A station's retry (the same nonce) is kept once. Nothing here runs for an accepted scan.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fleet import lifecycle, paging, resolvers
from fleet.access import policy
from fleet.access.policy import Principal
from fleet.errors import FleetError
from fleet.models import Delivery, Device, RefusedScan, Shipment, Stocktake

log = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 200
PLACES = {"delivery_id": ("delivery", Delivery), "shipment_id": ("shipment", Shipment),
          "stocktake_id": ("stocktake", Stocktake)}
KNOWN_ACTIONS = frozenset({*lifecycle.ACTIONS, "bind"})


def action_name(action: Any) -> str:
    """What ``/scan``'s ``action`` is kept as: a known action's name, ``lookup`` without one, and
    ``unknown`` for anything else (text a client made up is not kept)."""
    if action is None:
        return "lookup"
    return action if isinstance(action, str) and action in KNOWN_ACTIONS else "unknown"


def _text(value: Any, limit: int) -> str | None:
    """Text as either database stores it: truncated, no NUL, no lone surrogate."""
    if not isinstance(value, str):
        return None
    value = value[:limit].replace("\x00", "\ufffd")
    return value.encode("utf-8", "replace").decode("utf-8")


def keep(session: Session, error: FleetError, principal: Principal, action: str, code: Any, nonce: Any,
         place: dict[str, int]) -> None:
    """Keep a refused scan; the request's transaction is rolled back first. ``place`` is at most one
    of ``delivery_id``, ``shipment_id``, ``stocktake_id``. Not kept when the place does not exist or
    the scanner may not scan there (its refusal is about the place, not a scan). Never raises: a
    refusal stays the refusal even when it cannot be kept."""
    try:
        session.rollback()
        if _keep(session, error, principal, action, code, nonce, place):
            session.commit()
        else:
            session.rollback()
    except IntegrityError:  # the same nonce kept at the same moment, or the place deleted meanwhile
        session.rollback()
    except Exception:  # noqa: BLE001 — the refusal is answered whatever happens here
        session.rollback()
        log.exception("a refused scan could not be kept")


def _keep(session: Session, error: FleetError, principal: Principal, action: str, code: Any, nonce: Any,
          place: dict[str, int]) -> bool:
    for column, place_id in place.items():
        kind, model = PLACES[column]
        found = session.get(model, place_id)
        school_id = getattr(found, "school_id", None)
        if found is None or not policy.scans_at(principal, kind, school_id):
            return False
    nonce = nonce if isinstance(nonce, str) and 1 <= len(nonce) <= 100 else None
    if nonce is not None and session.scalar(select(RefusedScan.id).where(RefusedScan.nonce == nonce)):
        return False
    session.add(RefusedScan(actor=principal.name, action=action, code=_text(code, resolvers.MAX_CODE_LENGTH),
                            error=error.code, message=_text(error.message, MAX_MESSAGE_LENGTH) or "",
                            device_id=_device_id(session, principal, code), nonce=nonce, **place))
    session.flush()
    return True


def _device_id(session: Session, principal: Principal, code: Any) -> int | None:
    """The device the code names, when the scanner may see it."""
    try:
        m = resolvers.match(code)
    except FleetError:
        return None
    device = session.scalar(select(Device).where(getattr(Device, m.column) == m.value))
    return device.id if device is not None and policy.can_see_device(principal, device) else None


def count(session: Session, **place: int) -> int:
    """How many scans were refused at a place (``delivery_id=…``, ``shipment_id=…`` or ``stocktake_id=…``)."""
    (column, place_id), = place.items()
    return session.scalar(select(func.count()).select_from(RefusedScan)
                          .where(getattr(RefusedScan, column) == place_id))


def place_of(session: Session, principal: Principal, kind: str, place_id: int) -> dict[str, int]:
    """``{column: id}`` for a listing at a place; ``not_found`` when it does not exist or the
    principal does not scan there (``policy.scans_at``)."""
    column = f"{kind}_id"
    found = session.get(PLACES[column][1], place_id)
    if found is None or not policy.scans_at(principal, kind, getattr(found, "school_id", None)):
        raise FleetError("not_found", f"{kind} {place_id} not found", {"ref": place_id})
    return {column: place_id}


def listing(session: Session, principal: Principal, place: dict[str, int], limit: int,
            after: int | None = None) -> tuple[list[tuple[RefusedScan, Device | None]], int | None]:
    """The refused scans the principal may see (at ``place`` when given), newest first, ``limit``
    of them older than ``after``; (rows with their device when the principal may see it, the last
    id when there are more)."""
    stmt = (select(RefusedScan, Device).outerjoin(Device, Device.id == RefusedScan.device_id)
            .where(policy.refused_scans_filter(principal)))
    stmt = paging.newest_first(stmt, RefusedScan.id, limit, after)
    for column, place_id in place.items():
        stmt = stmt.where(getattr(RefusedScan, column) == place_id)
    rows = [(r, d if d is not None and policy.can_see_device(principal, d) else None)
            for r, d in session.execute(stmt)]
    return paging.split(rows, limit, lambda row: row[0].id)


def of_device(session: Session, principal: Principal, device: Device, limit: int = 20) -> list[RefusedScan]:
    """The refused scans of one device the principal may see (``policy.refused_scans_filter``), newest first."""
    stmt = (select(RefusedScan).where(RefusedScan.device_id == device.id, policy.refused_scans_filter(principal))
            .order_by(RefusedScan.id.desc()).limit(limit))
    return list(session.scalars(stmt))
