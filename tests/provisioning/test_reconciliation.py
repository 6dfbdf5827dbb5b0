from provisioning.reconciliation import reconcile


def test_found_missing_unexpected_and_repeated():
    r = reconcile(["PF0001", "PF0002", "PF0003"], ["PF0003", "XX9999", "PF0001", "PF0003", "XX9999", "XX9999"])
    assert r.found == ("PF0003", "PF0001")
    assert r.missing == ("PF0002",)
    assert r.unexpected == ("XX9999",)
    assert r.repeated == {"PF0003": 2, "XX9999": 3}
    assert r.counts() == {"expected": 3, "found": 2, "missing": 1, "unexpected": 1, "repeated": 2}
    assert not r.complete


def test_interleaved_scans_from_two_stations_give_the_same_result_in_any_order():
    expected = [f"PF{i:04d}" for i in range(100)]
    a = [f"PF{i:04d}" for i in range(0, 100, 2)] + ["EXTRA1"]
    b = [f"PF{i:04d}" for i in range(1, 100, 2)] + ["PF0050"]
    interleaved = [s for pair in zip(a, b, strict=True) for s in pair]
    one, other = reconcile(expected, interleaved), reconcile(expected, b + a)
    assert set(one.found) == set(other.found) == set(expected)
    assert one.missing == other.missing == ()
    assert one.unexpected == other.unexpected == ("EXTRA1",)
    assert one.repeated == other.repeated == {"PF0050": 2}


def test_nothing_scanned_and_nothing_expected():
    assert reconcile(["A1B2"], []).missing == ("A1B2",)
    empty = reconcile([], [])
    assert empty.complete and empty.counts()["expected"] == 0


def test_freezing_records_who_and_refuses_a_second_close():
    from types import SimpleNamespace

    import pytest

    from fleet.errors import FleetError
    from provisioning.reconciliation import ensure_open, freeze

    count = SimpleNamespace(id=7, closed_at=None, closed_by=None, summary=None)
    ensure_open(count, "stocktake")
    freeze(count, "stocktake", {"missing": ["PF0002"]}, "anna")
    assert (count.closed_by, count.summary) == ("anna", {"missing": ["PF0002"]}) and count.closed_at is not None
    with pytest.raises(FleetError) as e:
        freeze(count, "stocktake", {}, "jānis")
    assert e.value.code == "conflict" and e.value.details == {"stocktake": 7}
    assert count.closed_by == "anna" and count.summary == {"missing": ["PF0002"]}
