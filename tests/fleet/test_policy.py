"""The role table's own rules: pupils' personal data never reaches the roles that must not see it,
and which roles are tied to schools."""

import pytest

from fleet import policy
from fleet.models import ROLES


def test_every_role_is_in_the_table():
    assert set(policy.PERMISSIONS) == set(policy.ACTIONS) == set(ROLES)


@pytest.mark.parametrize("role", sorted(policy.NO_PERSONAL_DATA))
def test_warehouse_ministry_and_founder_managers_never_hold_personal_data(role):
    assert [p for p in policy.PERMISSIONS[role] if policy.is_personal(p)] == []


@pytest.mark.parametrize("role", sorted(policy.NO_PERSONAL_DATA))
@pytest.mark.parametrize("permission", ["pupils:read", "loans:write", "agreements:read"])
def test_giving_them_one_fails_when_the_module_loads(monkeypatch, role, permission):
    monkeypatch.setitem(policy.PERMISSIONS, role, policy.PERMISSIONS[role] | {permission})
    with pytest.raises(RuntimeError, match=f"{role}.*{permission}"):
        policy._check_no_personal_data()


def test_read_only_roles_write_nothing():
    writes = (":write", ":act", ":arrive", ":print", ":preprint", "stocktakes")
    for role in ("ministry", "founder_manager", "auditor"):
        assert [p for p in policy.PERMISSIONS[role] if p.endswith(writes)] == [], role
        assert policy.ACTIONS[role] == frozenset()


def test_the_auditor_reads_signed_agreements_and_the_access_log_but_no_pupil_records():
    assert {"agreements:read", "access_log:read"} <= policy.PERMISSIONS["auditor"]
    assert "pupils:read" not in policy.PERMISSIONS["auditor"]


def test_school_it_and_founder_managers_are_tied_to_schools():
    assert policy.SCOPED_ROLES == {"school_it", "founder_manager"}
    for role in ROLES:
        assert policy.Principal(1, "x", role).school_scoped == (role in policy.SCOPED_ROLES)
