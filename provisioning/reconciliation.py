"""One reconciliation for deliveries, shipments and stocktakes: what should be there, against
what was scanned. Pure: sets of serials in, the discrepancies out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


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
