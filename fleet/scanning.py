"""A code was scanned (or typed), with an action or without: the one use case the API's ``/scan`` and
the scanning station's page both call.

Without an action a scan is a look-up. ``bind`` is a pre-printed label's first scan with the device's
serial; ``label`` confirms a label by scanning the label itself (its QR code or asset tag), not the
box's serial; any other action is the lifecycle's, applied to the device the code names. Devices
outside the caller's ``Scope`` are ``not_found``, exactly like devices that do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from fleet import labelling, lifecycle, resolvers
from fleet.access import policy
from fleet.access.policy import Scope
from fleet.errors import invalid
from fleet.models import Device


@dataclass(frozen=True)
class Scanned:
    """What a scan found, and what it did (``outcome`` None: it was a look-up)."""

    device: Device
    outcome: lifecycle.Outcome | None = None


def scanned(session: Session, scope: Scope, code: Any, action: str | None = None,
            params: dict[str, Any] | None = None, nonce: str | None = None) -> Scanned:
    """Look the code up, or apply ``action`` with ``params`` to its device (not committed). The
    caller needs ``devices:read``; an action needs ``devices:act``, ``bind`` ``labels:preprint``."""
    params = dict(params or {})
    if action is None:
        if params:
            raise invalid("parameters given without an action", [{"field": k} for k in sorted(params)])
        return Scanned(resolvers.resolve(session, code, scope))
    if action == "bind":
        policy.require(scope.principal, "labels:preprint")
        outcome = labelling.bind(session, code, params.pop("serial", None), scope)
        return Scanned(outcome.device, outcome)
    policy.require(scope.principal, "devices:act")
    if action == "label":
        policy.require_action(scope.principal, "label")
        labelling.confirm_label(session, code)
    return act(session, scope, code, action, params, nonce)


def act(session: Session, scope: Scope, ref: Any, action: str, params: dict[str, Any],
        nonce: str | None = None) -> Scanned:
    """Apply a lifecycle action to the device ``ref`` names, as this scope's principal (not committed).
    An action the lifecycle keeps for itself (``owner``) is refused by the lifecycle."""
    device = resolvers.resolve(session, ref, scope, lock=True)
    if action in lifecycle.ACTIONS and lifecycle.ACTIONS[action].owner is None:
        policy.require_action(scope.principal, action)
    outcome = lifecycle.apply(session, device, action, params, scope.actor, nonce=nonce)
    return Scanned(outcome.device, outcome)
