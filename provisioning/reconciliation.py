"""One reconciliation for deliveries, shipments and stocktakes: what should be there, against
what was scanned (pure: sets of serials in, the discrepancies out), and the closing step that
freezes a result with who closed it (for any record with ``closed_at``, ``closed_by``, ``summary``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fleet.errors import FleetError
from fleet.models import utcnow


@dataclass(frozen=True)
class Reconciliation:
    expected: frozenset[str]
    found: tuple[str, ...]  # expected and scanned, in scan order
    missing: tuple[str, ...]  # expected, not scanned (sorted)
    unexpected: tuple[str, ...]  # scanned, not expected, in scan order
    repeated: dict[str, int]  # scanned more than once → how often

    @property
    def complete(self) -> bool:
        return not self.missing and not self.unexpected

    def counts(self) -> dict[str, int]:
        return {
            "expected": len(self.expected), "found": len(self.found), "missing": len(self.missing),
            "unexpected": len(self.unexpected), "repeated": len(self.repeated),
        }


def reconcile(expected: Iterable[str], scanned: Iterable[str]) -> Reconciliation:
    """Compare the expected serials with the scanned ones (repeats allowed, order kept)."""
    expected = frozenset(expected)
    times = Counter()
    order = []
    for serial in scanned:
        if not times[serial]:
            order.append(serial)
        times[serial] += 1
    return Reconciliation(
        expected=expected,
        found=tuple(s for s in order if s in expected),
        missing=tuple(sorted(expected - times.keys())),
        unexpected=tuple(s for s in order if s not in expected),
        repeated={s: n for s, n in times.items() if n > 1},
    )


def is_retry(outcome: Any, nonce: str | None) -> bool:
    """Whether a scan's outcome is a station's retry of a scan recorded before under the same
    nonce: the same scan sent again, not a second one, so it is not kept twice."""
    return nonce is not None and outcome.already and outcome.event is not None and outcome.event.nonce == nonce


def ensure_open(record: Any, what: str) -> None:
    """``conflict`` once the count is closed: a closed result no longer changes."""
    if record.closed_at is not None:
        raise FleetError("conflict", f"{what} {record.id} is closed", {what: record.id})


def freeze(record: Any, what: str, summary: dict, actor: str) -> Any:
    """Close the record with its result as it stands now, and who closed it."""
    ensure_open(record, what)
    record.summary = summary
    record.closed_at, record.closed_by = utcnow(), actor
    return record
