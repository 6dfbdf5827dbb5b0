"""The lifecycle's action table: the statuses, each action as data (the statuses it starts from,
its target, its parameters, guards and effects), and what the guards and effects do.

Nothing here writes: ``fleet.lifecycle.runner.apply`` checks an action against a device and
``fleet.lifecycle.store`` writes the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fleet.asset_tags import allocate_tag
from fleet.i18n import Text, _l
from fleet.models import Delivery, Device, Event, Loan, School, utcnow

STATUSES = (
    "expected", "in_warehouse", "imaged", "labelled", "in_transit", "at_school",
    "on_loan", "in_repair", "lost", "stolen", "written_off",
)
INITIAL_STATUS = "expected"
ANY = frozenset(STATUSES)


# --- parameters ---------------------------------------------------------------------------

@dataclass
class Context:
    """What guards, targets and effects see while an action is being applied."""

    session: Session
    device: Device
    params: dict[str, Any]  # canonical JSON values, as stored in the event
    objects: dict[str, Any] = field(default_factory=dict)  # rows the parameters named
    data: dict[str, Any] = field(default_factory=dict)  # what effects add to the event
    changes: dict[str, Any] = field(default_factory=dict)  # device columns effects set
    related: dict[str, Any] = field(default_factory=dict)  # relationships (and what is read with them) effects set
    action: str = ""
    actor: str = ""


def text(max_length: int = 200) -> Callable[[Session, Any], tuple[str, None]]:
    def parse(_session: Session, value: Any) -> tuple[str, None]:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(_l("must be a non-empty string"))
        if len(value.strip()) > max_length:
            raise ValueError(_l("must be at most %(max_length)s characters", max_length=max_length))
        return value.strip(), None

    return parse


def school(session: Session, value: Any) -> tuple[str, School]:
    if not isinstance(value, str):
        raise ValueError(_l("must be a school registration number (10 digits)"))  # noqa: TRY004
    row = session.scalar(select(School).where(School.registration_number == value.strip()))
    if row is None:
        raise ValueError(_l("no school with registration number %(number)s", number=repr(value)))
    return row.registration_number, row


def reference(_session: Session, value: Any) -> tuple[int, None]:
    """The id of a record kept by the code that owns the action (a stocktake, say)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(_l("must be a positive whole number"))
    return value, None


def delivery(session: Session, value: Any) -> tuple[int, Delivery]:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(_l("must be a delivery id (a whole number)"))  # noqa: TRY004
    row = session.get(Delivery, value)
    if row is None:
        raise ValueError(_l("no delivery %(delivery)s", delivery=value))
    return row.id, row


PRINT_REASONS = ("first_print", "damaged", "replacement", "lost")


def choice(values: tuple[str, ...]) -> Callable[[Session, Any], tuple[str, None]]:
    def parse(_session: Session, value: Any) -> tuple[str, None]:
        if value not in values:
            raise ValueError(_l("must be one of %(values)s", values=", ".join(values)))
        return value, None

    return parse


@dataclass(frozen=True)
class Param:
    name: str
    parse: Callable[[Session, Any], tuple[Any, Any]]
    required: bool = True


# --- guards (each returns None when satisfied, else the reason, translated when shown) ------

def has_asset_tag(ctx: Context) -> Text | None:
    return None if ctx.device.asset_tag else _l("the device has no asset tag yet (receive it first)")


def other_school(ctx: Context) -> Text | None:
    if ctx.objects["school"].id == ctx.device.school_id:
        return _l("the device is already at school %(school)s", school=ctx.params["school"])
    return None


def arrives_at_its_school(ctx: Context) -> Text | None:
    dest = ctx.objects.get("school")
    if dest is not None and dest.id != ctx.device.school_id:
        headed = ctx.device.school_registration or _l("no school")
        return _l("the device was sent to %(sent_to)s, not to %(school)s", sent_to=headed, school=ctx.params["school"])
    return None


def delivery_open(ctx: Context) -> Text | None:
    d = ctx.objects.get("delivery")
    return _l("delivery %(delivery)s is closed", delivery=d.id) if d is not None and d.closed_at is not None else None


def on_this_delivery(ctx: Context) -> Text | None:
    d = ctx.objects.get("delivery")
    if d is not None and ctx.device.delivery_id not in (None, d.id):
        return _l("the device is on delivery %(on)s, not %(delivery)s", on=ctx.device.delivery_id, delivery=d.id)
    return None


def belongs_to_a_school(ctx: Context) -> Text | None:
    if ctx.device.school_id:
        return None
    return _l("the device belongs to no school; say where it was found by transferring it")


# --- targets and effects --------------------------------------------------------------------

def back_from_repair(ctx: Context) -> str:
    """Where the device was before it went to repair (a repair from a loan goes back to school)."""
    came_from = ctx.session.scalar(
        select(Event.from_status)
        .where(Event.device_id == ctx.device.id, Event.to_status == "in_repair")
        .order_by(Event.seq.desc())
        .limit(1)
    )
    return "in_warehouse" if came_from == "in_warehouse" else "at_school"


def after_return(ctx: Context) -> str:
    return "in_repair" if ctx.params.get("condition") == "damaged" else "at_school"


def assign_asset_tag(ctx: Context) -> None:
    if ctx.device.asset_tag is None:
        ctx.changes["asset_tag"] = allocate_tag(ctx.session, ctx.session.info["asset_tag_prefix"])
        ctx.data["asset_tag"] = ctx.changes["asset_tag"]


def tag_not_printed(ctx: Context) -> Text | None:
    """A pre-printed tag may replace a tag the system allocated, but not one already on a label."""
    if ctx.device.asset_tag is None:
        return None
    printed = ctx.session.scalar(select(Event.id).where(Event.device_id == ctx.device.id,
                                                        Event.action.in_(("label_printed", "tag_bound"))).limit(1))
    return _l("the device already carries the label %(tag)s", tag=ctx.device.asset_tag) if printed else None


def bind_tag(ctx: Context) -> None:
    if ctx.device.asset_tag is not None:
        ctx.data["replaces"] = ctx.device.asset_tag
    ctx.changes["asset_tag"] = ctx.params["tag"]


def wiped_after_return(ctx: Context) -> Text | None:
    """A returned device is wiped before it is lent again: the pupil's files go with the pupil."""
    returned = ctx.session.scalar(select(func.max(Event.seq)).where(Event.device_id == ctx.device.id,
                                                                    Event.action == "return"))
    if returned is None:
        return None
    wiped = ctx.session.scalar(select(func.max(Event.seq)).where(Event.device_id == ctx.device.id,
                                                                 Event.action == "wipe", Event.seq > returned))
    return None if wiped else _l("the device was returned and must be wiped (wipe) before it is lent again")


def close_active_loan(ctx: Context) -> None:
    """A device lost or stolen while lent ends its loan with that outcome; the loan keeps the pupil."""
    if ctx.device.status == "on_loan":
        outcome = "lost" if ctx.action == "report_lost" else "stolen"
        ctx.session.execute(update(Loan).where(Loan.device_id == ctx.device.id, Loan.status == "active")
                            .values(status=outcome, ended_at=utcnow(), ended_by=ctx.actor))
        ctx.data["loan_outcome"] = outcome


def attach_to_delivery(ctx: Context) -> None:
    """A device received against a delivery it was not expected on is counted there (unexpected)."""
    if "delivery" in ctx.objects and ctx.device.delivery_id is None:
        ctx.changes["delivery_id"] = ctx.objects["delivery"].id


def move_to_school(ctx: Context) -> None:
    ctx.changes["school_id"] = ctx.objects["school"].id
    ctx.related["school"] = ctx.objects["school"]
    ctx.related["school_registration"] = ctx.objects["school"].registration_number


# --- the action table --------------------------------------------------------------------------

@dataclass(frozen=True)
class Action:
    name: str
    sources: frozenset[str]
    target: str | Callable[[Context], str] | None  # None: a fact, the status stays
    params: tuple[Param, ...] = ()
    guards: tuple[Callable[[Context], str | None], ...] = ()
    effects: tuple[Callable[[Context], None], ...] = ()
    owner: str | None = None  # set: only the code that names this owner may apply it

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _a(name, sources, target, **kw) -> Action:
    return Action(name, frozenset(sources), target, **kw)


ACTIONS: dict[str, Action] = {a.name: a for a in [
    _a("receive", {"expected"}, "in_warehouse", params=(Param("delivery", delivery, required=False),),
       guards=(delivery_open, on_this_delivery), effects=(assign_asset_tag, attach_to_delivery)),
    _a("image", {"in_warehouse", "imaged"}, "imaged",
       params=(Param("image", text(100)), Param("station", text(100), required=False))),
    _a("label", {"imaged"}, "labelled", guards=(has_asset_tag,)),
    _a("ship", {"labelled"}, "in_transit", params=(Param("school", school),),
       guards=(has_asset_tag,), effects=(move_to_school,)),
    _a("arrive", {"in_transit"}, "at_school", params=(Param("school", school, required=False),),
       guards=(arrives_at_its_school,)),
    _a("hand_over", {"at_school"}, "on_loan", owner="loans", params=(Param("loan", reference, required=False),),
       guards=(wiped_after_return,)),
    _a("return", {"on_loan"}, after_return, owner="loans",
       params=(Param("condition", text(20)), Param("notes", text(1000), required=False))),
    _a("wipe", {"at_school"}, "at_school", params=(Param("method", text(100), required=False),)),
    _a("repair", {"at_school", "in_warehouse"}, "in_repair", params=(Param("fault", text(1000), required=False),)),
    _a("repaired", {"in_repair"}, back_from_repair, params=(Param("notes", text(1000), required=False),)),
    _a("report_lost", {"on_loan", "at_school", "in_transit"}, "lost",
       params=(Param("notes", text(1000), required=False),), effects=(close_active_loan,)),
    _a("report_stolen", {"on_loan", "at_school", "in_transit"}, "stolen",
       params=(Param("police_report", text(50), required=False), Param("notes", text(1000), required=False)),
       effects=(close_active_loan,)),
    _a("found", {"lost", "stolen"}, "at_school", guards=(belongs_to_a_school,),
       params=(Param("notes", text(1000), required=False),)),
    _a("transfer", {"at_school"}, "in_transit", params=(Param("school", school),),
       guards=(other_school,), effects=(move_to_school,)),
    _a("write_off", ANY - {"on_loan", "written_off"}, "written_off", params=(Param("reason", text(1000)),)),
    # Facts: recorded in the history, the status stays.
    _a("audited", ANY, None, owner="stocktakes", params=(Param("stocktake", reference, required=False),)),
    _a("label_printed", ANY, None, owner="labels", guards=(has_asset_tag,),
       params=(Param("reason", choice(PRINT_REASONS)), Param("stock", text(40)), Param("run", text(40)),
               Param("printer", text(100), required=False), Param("format", text(10), required=False))),
    _a("tag_bound", ANY - {"written_off"}, None, owner="labels", guards=(tag_not_printed,),
       params=(Param("tag", text(20)), Param("batch", reference)), effects=(bind_tag,)),
    _a("image_failed", {"in_warehouse", "imaged"}, None, owner="imaging",
       params=(Param("image", text(100)), Param("station", text(100)), Param("error", text(1000), required=False))),
    _a("note", ANY, None, params=(Param("text", text(2000)),)),
]}


def allowed_actions(status: str, via: str | None = None) -> list[str]:
    """The actions whose source states include ``status`` and that ``via`` may use."""
    return sorted(a.name for a in ACTIONS.values() if status in a.sources and a.owner in (None, via))
