"""The scan station's modes: what a mode does with each scan, who may use it (``fleet.access.policy``),
its parameters as the station's URL holds them, and the places a mode scans at.

A mode is picked once and stays: ``/station?mode=receive&delivery=ID`` (``image&image=NAME&station=``,
``label``, ``ship&school=REG``, ``arrive&shipment=ID``, ``stocktake&stocktake=ID``, ``wipe``, ``repair``,
``note&text=``, ``lookup``, ``collect&school=REG&class=7.b`` — the end-of-year collection of a class,
whose place is where the class's collection stands, ``fleet.lending.returns.Collection``). ``configure``
checks such a choice against the caller's role and scope; the scans themselves go to the API
(``fleet.scanning``, provisioning's places, ``POST /loans/collect``), never through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import display_names
from fleet.access import policy
from fleet.access.policy import Principal, Scope
from fleet.errors import FleetError, invalid, not_found
from fleet.i18n import _l
from fleet.lending import pupils, returns
from fleet.models import Delivery, Pupil, School, Shipment, Stocktake

CHOICES = 50  # the newest open places offered in the form


@dataclass(frozen=True)
class Mode:
    name: str
    permission: str
    action: str | None  # the lifecycle action the role must be allowed (policy.ACTIONS); None: none
    required: tuple[str, ...] = ()  # query parameters the mode needs before it can scan
    optional: tuple[str, ...] = ()

    @property
    def params(self) -> tuple[str, ...]:
        return self.required + self.optional


MODES: dict[str, Mode] = {m.name: m for m in (
    Mode("receive", "deliveries:write", "receive", ("delivery",)),
    Mode("image", "devices:act", "image", ("image",), ("station",)),
    Mode("label", "devices:act", "label"),
    Mode("ship", "shipments:write", "ship", ("school",)),
    Mode("arrive", "shipments:arrive", "arrive", ("shipment",)),
    Mode("stocktake", "stocktakes", None, ("stocktake",)),
    Mode("wipe", "devices:act", "wipe"),
    Mode("repair", "devices:act", "repair"),
    Mode("note", "devices:act", "note", ("text",)),
    Mode("lookup", "devices:read", None),
    Mode("collect", "loans:write", None, ("school", "class")),
)}
DEFAULT = "lookup"
PARAMS = ("delivery", "image", "station", "school", "shipment", "stocktake", "text", "class")
LIMITS = {"image": 100, "station": 100, "school": 20, "text": 2000, "class": 10}  # the lifecycle's own bounds
NUMBERS = ("delivery", "shipment", "stocktake")


def may_use(principal: Principal, mode: Mode) -> bool:
    """The role holds the mode's permission and may apply its action."""
    return policy.allows(principal, mode.permission) and (
        mode.action is None or mode.action in policy.ACTIONS.get(principal.role, ()))


def modes_for(principal: Principal) -> list[str]:
    """The modes this principal may pick, in the station's order."""
    return [name for name, mode in MODES.items() if may_use(principal, mode)]


@dataclass
class Station:
    """A station's configuration: its mode, the parameters given, the place it scans at (a Delivery,
    Shipment, Stocktake or School, or None) and whether it is ready to scan (every required one given)."""

    mode: Mode
    params: dict[str, Any] = field(default_factory=dict)
    place: Any = None
    ready: bool = False

    def query(self) -> dict[str, Any]:
        """The mode and its parameters as the URL holds them."""
        return {"mode": self.mode.name, **self.params}


def configure(session: Session, scope: Scope, args: Mapping[str, str]) -> Station:
    """The station the query ``args`` describe, checked: an unknown mode or a malformed parameter is
    ``invalid_input``, a mode the role may not use ``forbidden``, a place it does not see ``not_found``,
    a closed one ``conflict``. A mode without its required parameters is returned not ready."""
    name = args.get("mode") or DEFAULT
    mode = MODES.get(name)
    if mode is None:
        raise invalid(_l("unknown mode %(mode)s", mode=repr(name)), [{"field": "mode"}])
    if not may_use(scope.principal, mode):
        raise FleetError("forbidden", _l("your role may not use the %(mode)s mode", mode=name), {"mode": name})
    params = {}
    for key in mode.params:
        value = (args.get(key) or "").strip()
        if not value:
            continue
        if key in NUMBERS:
            if not (value.isascii() and value.isdigit() and 1 <= int(value) < 2**31):
                raise invalid(_l("must be a whole number %(low)s-%(high)s", low=1, high=2**31 - 1),
                              [{"field": key}])
            params[key] = int(value)
        elif len(value) > LIMITS[key]:
            raise invalid(_l("must be at most %(max_length)s characters", max_length=LIMITS[key]), [{"field": key}])
        else:
            params[key] = value
    station = Station(mode, params, ready=all(key in params for key in mode.required))
    if station.ready:
        station.place = _place(session, scope, mode, params)
    return station


def _place(session: Session, scope: Scope, mode: Mode, params: dict[str, Any]) -> Any:
    if mode.name == "receive":
        return _open(session.get(Delivery, params["delivery"]), "delivery", params["delivery"], True)
    if mode.name == "arrive":
        shipment = session.get(Shipment, params["shipment"])
        return _open(shipment, "shipment", params["shipment"],
                     shipment is not None and scope.sees_shipment(shipment) and scope.may_receive(shipment.school_id))
    if mode.name == "stocktake":
        stocktake = session.get(Stocktake, params["stocktake"])
        return _open(stocktake, "stocktake", params["stocktake"],
                     stocktake is not None and scope.may_count(stocktake.school_id))
    if mode.name == "collect":
        school = pupils.school_by_reg(session, params["school"], scope)
        return returns.collection(session, school, params["class"])
    if mode.name == "ship":
        school = session.scalar(select(School).where(School.registration_number == params["school"]))
        if school is None:
            raise invalid(_l("no school %(school)s", school=repr(params["school"])),
                          [{"field": "school", "message": "unknown school"}])
        return school
    return None


def _open(record: Any, what: str, ref: int, visible: bool) -> Any:
    if record is None or not visible:
        raise not_found(what, str(ref))
    if getattr(record, "closed_at", None) is not None:
        raise FleetError("conflict", _l("%(what)s %(ref)s is closed", what=display_names.text("thing", what), ref=ref),
                         {what: ref})
    return record


def choices(session: Session, scope: Scope, modes: list[str]) -> dict[str, list[Any]]:
    """What the form offers for each place parameter of the modes given: the newest open deliveries,
    shipments the caller receives, open stocktakes where it counts, and the schools."""
    found: dict[str, list[Any]] = {}
    if "receive" in modes:
        found["delivery"] = list(session.scalars(select(Delivery).where(Delivery.closed_at.is_(None))
                                                 .order_by(Delivery.id.desc()).limit(CHOICES)))
    if "arrive" in modes:
        stmt = select(Shipment).order_by(Shipment.id.desc()).limit(CHOICES)
        schools = scope.visible_schools()
        if schools is not None:
            stmt = stmt.where(Shipment.school_id.in_(sorted(schools)))
        found["shipment"] = list(session.scalars(stmt))
    if "stocktake" in modes:
        open_ones = session.scalars(select(Stocktake).where(Stocktake.closed_at.is_(None))
                                    .order_by(Stocktake.id.desc()).limit(CHOICES * 4))
        found["stocktake"] = [s for s in open_ones if scope.may_count(s.school_id)][:CHOICES]
    if "ship" in modes:
        found["school"] = list(session.scalars(select(School).order_by(School.name)))
    if "collect" in modes:
        visible = scope.visible_schools()
        stmt = select(School).order_by(School.name)
        if visible is not None:
            stmt = stmt.where(School.id.in_(sorted(visible)))
        found["collect_school"] = list(session.scalars(stmt))
        grades = select(Pupil.grade).distinct().where(Pupil.anonymised_at.is_(None))
        if visible is not None:
            grades = grades.where(Pupil.school_id.in_(sorted(visible)))
        found["class"] = sorted(session.scalars(grades.limit(CHOICES * 4)), key=pupils.class_order)
    return found
