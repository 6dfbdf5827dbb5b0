"""The device lifecycle: every action as data, and the one function that applies them.

``apply`` is the only code that writes ``Device.status``. In one transaction it locks the device
row, checks who may use the action, the parameters, the source status and every guard (reporting
all failures at once), sets the new status and appends a hash-chained event; or it raises a
``FleetError`` and changes nothing.

The package: ``actions`` (the statuses and the action table: parameters, guards, targets, effects),
``runner`` (``apply``: one action on one device), ``store`` (the device lock, the write of a change
and its event, registering devices in bulk). What callers use is re-exported here.
"""

from __future__ import annotations

from fleet.lifecycle.actions import (
    ACTIONS,
    ANY,
    INITIAL_STATUS,
    PRINT_REASONS,
    STATUSES,
    Action,
    Context,
    Param,
    allowed_actions,
)
from fleet.lifecycle.runner import Outcome, apply, next_event, require_source
from fleet.lifecycle.store import NewEvent, lock_device, register, register_rows

__all__ = [
    "ACTIONS", "ANY", "INITIAL_STATUS", "PRINT_REASONS", "STATUSES", "Action", "Context", "NewEvent", "Outcome",
    "Param", "allowed_actions", "apply", "lock_device", "next_event", "register", "register_rows", "require_source",
]
