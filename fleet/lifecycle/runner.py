"""Applying an action: ``apply`` is the only code that writes ``Device.status`` (through
``fleet.lifecycle.store.write``). In the caller's transaction it locks the device row, checks who
may use the action, the parameters, the source status and every guard (reporting all failures at
once), sets the new status and appends a hash-chained event; or it raises a ``FleetError`` and
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import history
from fleet.errors import FleetError, invalid
from fleet.i18n import API_LOCALE, Joined, Text, _l
from fleet.lifecycle import store
from fleet.lifecycle.actions import ACTIONS, Action, Context, allowed_actions
from fleet.lifecycle.store import NewEvent
from fleet.models import Device, Event, utcnow


@dataclass(frozen=True)
class Outcome:
    device: Device
    event: Event | NewEvent | None  # NewEvent when applied; the recorded Event when already
    already: bool

    @property
    def applied(self) -> bool:
        return not self.already


def apply(
    session: Session,
    device: Device,
    action_name: str,
    params: dict[str, Any] | None,
    actor: str,
    *,
    nonce: str | None = None,
    via: str | None = None,
) -> Outcome:
    """Apply one action to one device inside the caller's transaction (the caller commits)."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise invalid(_l("unknown action %(action)s", action=repr(action_name)),
                      {"field": "action", "actions": sorted(ACTIONS)})
    if action.owner is not None and action.owner != via:
        raise FleetError(
            "forbidden",
            _l("%(action)s is applied only through %(owner)s, not directly", action=action_name, owner=action.owner),
            {"action": action_name, "owner": action.owner},
        )
    device, latest = store.locked_latest(session, device)

    if nonce is not None:
        seen = session.scalar(select(Event).where(Event.nonce == nonce))
        if seen is not None:
            if seen.device_id == device.id and seen.action == action_name:
                return Outcome(device, seen, already=True)
            raise FleetError("conflict", _l("this nonce was already used for another scan"), {"nonce": nonce})

    ctx = Context(session, device, {}, action=action_name, actor=actor)
    _parse_params(action, params or {}, ctx)

    latest_action, latest_data = latest
    if latest_action == action_name and _same_params(action, latest_data, ctx.params):
        return Outcome(device, _latest_event(session, device), already=True)

    require_source(device, action_name, via)
    reasons = [(g.__name__, reason) for g in action.guards if (reason := g(ctx))]
    if reasons:
        failed = [{"guard": name, "message": reason.in_(API_LOCALE) if isinstance(reason, Text) else reason}
                  for name, reason in reasons]
        raise FleetError("conflict", Joined([reason for _, reason in reasons], "; "), {"failed": failed})

    to_status = action.target(ctx) if callable(action.target) else action.target
    for effect in action.effects:
        effect(ctx)
    event = next_event(device, action_name, device.status, to_status, actor, {**ctx.params, **ctx.data}, nonce)
    changes = {**ctx.changes, "updated_at": event.at, "history_head": event.hash, "history_length": event.seq}
    if to_status is not None:
        changes["status"] = to_status
    store.write(session, device, changes, ctx.related, event)
    return Outcome(device, event, already=False)


def require_source(device: Device, action_name: str, via: str | None = None) -> None:
    """``invalid_transition`` unless the action may start from the device's status now."""
    if device.status not in ACTIONS[action_name].sources:
        raise FleetError(
            "invalid_transition",
            _l("cannot %(action)s a device that is %(status)s", action=action_name, status=device.status),
            {"status": device.status, "allowed": allowed_actions(device.status, via)},
        )


def _latest_event(session: Session, device: Device) -> Event:
    return session.scalar(select(Event).where(Event.device_id == device.id, Event.seq == device.history_length))


def next_event(device, action, from_status, to_status, actor, data, nonce) -> NewEvent:
    """The device's next event, hashed onto its chain (not yet written)."""
    event = NewEvent(device.id, device.history_length + 1, action, from_status, to_status, utcnow(), actor, data, nonce)
    event.hash = history.chain_hash(device.history_head, event, device.serial)
    return event


def _parse_params(action: Action, raw: dict[str, Any], ctx: Context) -> None:
    errors = []
    for name in sorted(set(raw) - {p.name for p in action.params}):
        errors.append({"field": name, "message": _l("%(action)s takes no parameter %(name)s", action=action.name,
                                                    name=repr(name))})
    for p in action.params:
        value = raw.get(p.name)
        if value is None:
            if p.required:
                errors.append({"field": p.name, "message": _l("is required")})
            continue
        try:
            ctx.params[p.name], obj = p.parse(ctx.session, value)
        except ValueError as e:
            errors.append({"field": p.name, "message": e.args[0]})  # a Text: in the reader's language
            continue
        if obj is not None:
            ctx.objects[p.name] = obj
    if errors:
        raise invalid(_l("invalid parameters for %(action)s", action=action.name), errors)


def _same_params(action: Action, recorded: dict, given: dict) -> bool:
    return all(recorded.get(p.name) == given.get(p.name) for p in action.params)
