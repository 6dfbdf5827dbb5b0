"""The scan use case (fleet.scanning) and the bulk action (fleet.devices.apply_to_each), called as the
API and the station page call them: with a Scope, no request."""

from __future__ import annotations

import pytest

from fleet import devices, scanning
from fleet.access.policy import Principal
from fleet.errors import FleetError
from tests.factories import DeviceFactory, SchoolFactory


def scope_of(role: str, *schools) -> Principal:
    return Principal(1, f"{role}-1", role, frozenset(s.id for s in schools)).scope


def refused(call) -> FleetError:
    with pytest.raises(FleetError) as e:
        call()
    return e.value


def test_a_scan_without_an_action_looks_the_device_up_and_changes_nothing(session):
    device = DeviceFactory(status="in_warehouse")
    found = scanning.scanned(session, scope_of("warehouse"), device.asset_tag)
    assert found.device.id == device.id and found.outcome is None
    assert refused(lambda: scanning.scanned(session, scope_of("warehouse"), device.serial, None, {"x": 1})).details == [
        {"field": "x"}]


def test_a_scan_with_an_action_applies_it_as_the_scopes_actor(session):
    device = DeviceFactory(status="in_warehouse")
    done = scanning.scanned(session, scope_of("warehouse"), device.serial, "note", {"text": "ok"}, nonce="n-1")
    session.commit()
    assert done.outcome.applied and done.device.status == "in_warehouse"
    assert done.outcome.event.actor == "warehouse-1"
    again = scanning.scanned(session, scope_of("warehouse"), device.serial, "note", {"text": "ok"}, nonce="n-1")
    assert again.outcome.already


def test_a_device_outside_the_scope_is_not_found_for_a_scan_or_an_action(session):
    mine, theirs = SchoolFactory(), SchoolFactory()
    device = DeviceFactory(status="at_school", school=theirs)
    it = scope_of("school_it", mine)
    assert refused(lambda: scanning.scanned(session, it, device.serial)).code == "not_found"
    assert refused(lambda: scanning.scanned(session, it, device.serial, "wipe")).code == "not_found"
    assert scanning.scanned(session, scope_of("school_it", theirs), device.serial).device.id == device.id


def test_the_roles_rules_hold_for_scans(session):
    device = DeviceFactory(status="in_warehouse")
    assert refused(lambda: scanning.scanned(session, scope_of("auditor"), device.serial, "note", {"text": "x"})
                   ).code == "forbidden"
    assert refused(lambda: scanning.scanned(session, scope_of("school_it"), "DIB-000001-X", "bind",
                                            {"serial": device.serial})).details == {"needs": "labels:preprint"}
    labelled = refused(lambda: scanning.scanned(session, scope_of("warehouse"), device.serial, "label"))
    assert labelled.code == "invalid_input" and labelled.details == [{"field": "code"}]  # scan the label itself


def test_bulk_applies_to_each_device_on_its_own(session):
    good, other = DeviceFactory(status="in_warehouse"), DeviceFactory(status="in_warehouse")
    results = devices.apply_to_each(session, scope_of("warehouse"), "repair", [good.serial, "NOPE-1", other.serial],
                                    {})
    session.commit()
    assert [(r.index, r.error.code if r.error else "applied") for r in results] == [
        (0, "applied"), (1, "not_found"), (2, "applied")]
    assert {r.outcome.device.status for r in results if r.outcome} == {"in_repair"}


def test_bulk_refuses_what_may_not_be_applied_directly_or_by_the_role(session):
    device = DeviceFactory(status="in_warehouse")
    assert refused(lambda: devices.apply_to_each(session, scope_of("admin"), "hand_over", [device.serial], {})
                   ).code == "invalid_input"
    assert refused(lambda: devices.apply_to_each(session, scope_of("school_it"), "receive", [device.serial], {})
                   ).code == "forbidden"
    assert refused(lambda: devices.apply_to_each(session, scope_of("admin"), "note", [], {})).code == "invalid_input"
