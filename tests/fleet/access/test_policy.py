"""The role table's own rules: pupils' personal data never reaches the roles that must not see it,
and which roles are tied to schools."""

import pytest
from sqlalchemy import false

from fleet.access import policy
from fleet.errors import FleetError
from fleet.models import ROLES, Device, Shipment


def test_every_role_is_in_the_table():
    assert set(policy.PERMISSIONS) == set(policy.ACTIONS) == set(ROLES)


@pytest.mark.parametrize("role", sorted(policy.NO_PERSONAL_DATA))
def test_warehouse_ministry_and_founder_managers_never_hold_personal_data(role):
    assert [p for p in policy.PERMISSIONS[role] if policy.is_personal(p)] == []


# The read-only roles' one write each, in the connectivity survey: the ministry sets the survey's rounds and the
# plan's budget, prices and thresholds; a founder manager enters the answers it collected from its schools.
READ_ONLY_WRITES = {"ministry": {"connectivity:plan"}, "founder_manager": {"survey:answer"}, "auditor": set()}


def test_read_only_roles_write_nothing():
    writes = (":write", ":act", ":arrive", ":print", ":preprint", "stocktakes", ":answer", ":measure", ":plan")
    for role in ("ministry", "founder_manager", "auditor"):
        assert {p for p in policy.PERMISSIONS[role] if p.endswith(writes)} == READ_ONLY_WRITES[role], role
        assert policy.ACTIONS[role] == frozenset()


def test_the_auditor_reads_signed_agreements_and_the_access_log_but_no_pupil_records():
    assert {"agreements:signed", "access_log:read"} <= policy.PERMISSIONS["auditor"]
    assert {"pupils:read", "loans:write", "agreements:read"}.isdisjoint(policy.PERMISSIONS["auditor"])


READS = {  # role → the loan documents it reads
    "admin": set(policy.DOCUMENTS), "school_it": set(policy.DOCUMENTS), "auditor": {"signed_agreement"},
    "warehouse": set(), "ministry": set(), "founder_manager": set(),
}


@pytest.mark.parametrize("document", sorted(policy.DOCUMENTS))
@pytest.mark.parametrize("role", sorted(READS))
def test_each_loan_document_is_read_by_the_roles_the_table_gives_it(role, document):
    principal = policy.Principal(1, "x", role)
    if document in READS[role]:
        policy.require_document(principal, document)
    else:
        with pytest.raises(FleetError) as refused:
            policy.require_document(principal, document)
        assert refused.value.code == "forbidden"
        assert refused.value.details == {"needs": policy.DOCUMENTS[document], "document": document}


def test_every_loan_document_is_personal_data():
    assert all(policy.is_personal(p) for p in policy.DOCUMENTS.values())


def test_school_it_and_founder_managers_are_tied_to_schools():
    """Pinned here because test_access.py draws its "another school" cases from SCOPED_ROLES: a role
    dropped from the set would leave that table without failing, and its users seeing every school."""
    assert policy.SCOPED_ROLES == {"school_it", "founder_manager"}


# The Scope: one object per principal that the domain asks, in place of a callback per question.

def _scope(role: str, schools=()) -> policy.Scope:
    return policy.Principal(1, "x", role, frozenset(schools)).scope


def test_a_school_it_scope_sees_its_own_schools_devices_only():
    scope = _scope("school_it", {1, 2})
    assert scope.sees_device(Device(school_id=1)) and scope.sees_device(Device(school_id=2))
    assert not scope.sees_device(Device(school_id=3))
    assert not scope.sees_device(Device(school_id=None))  # in the warehouse
    assert scope.sees_school(2) and not scope.sees_school(3) and not scope.sees_school(None)
    assert scope.visible_schools() == {1, 2} and not scope.all_schools


@pytest.mark.parametrize("role", ["admin", "warehouse", "ministry", "auditor"])
def test_roles_not_tied_to_schools_see_every_device_and_school(role):
    scope = _scope(role)
    assert scope.all_schools and scope.visible_schools() is None
    assert scope.sees_device(Device(school_id=7)) and scope.sees_device(Device(school_id=None))
    assert scope.sees_school(7) and scope.sees_school(None)


def test_a_founder_manager_without_schools_sees_nothing():
    scope = _scope("founder_manager")
    assert not scope.sees_device(Device(school_id=1)) and not scope.sees_school(1)
    assert str(scope.device_filter()) == str(false())


@pytest.mark.parametrize("role, personal", [("admin", True), ("school_it", True), ("auditor", True),
                                            ("warehouse", False), ("ministry", False), ("founder_manager", False)])
def test_the_scope_says_whether_personal_data_is_ever_allowed(role, personal):
    assert _scope(role).personal_data is personal


def test_who_counts_where():
    assert _scope("admin").may_count(None) and _scope("admin").may_count(5)
    assert _scope("warehouse").may_count(None) and not _scope("warehouse").may_count(5)
    assert _scope("school_it", {5}).may_count(5) and not _scope("school_it", {5}).may_count(6)
    assert not _scope("school_it", {5}).may_count(None)
    assert not _scope("auditor").may_count(None)


def test_shipments_are_seen_by_both_sides_and_received_by_the_receiver_only():
    transfer = Shipment(school_id=1, from_school_id=2)
    assert _scope("school_it", {2}).sees_shipment(transfer) and _scope("school_it", {1}).sees_shipment(transfer)
    assert not _scope("school_it", {3}).sees_shipment(transfer)
    assert _scope("school_it", {1}).may_receive(1) and not _scope("school_it", {2}).may_receive(1)
    assert _scope("school_it", {2}).may_send("transfer", 2) and not _scope("school_it", {2}).may_send("transfer", 1)
    assert not _scope("school_it", {2}).may_send("ship", None)  # school IT does not ship from the warehouse
    assert _scope("warehouse").may_send("ship", None)


def test_the_scope_names_its_actor_and_the_actions_its_role_applies():
    scope = _scope("warehouse")
    assert scope.actor == "x" and scope.role == "warehouse"
    assert scope.may_apply("receive") and not scope.may_apply("arrive")
    assert scope.allows("deliveries:write") and not scope.allows("pupils:read")
