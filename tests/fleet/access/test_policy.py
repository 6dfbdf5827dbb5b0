"""The role table's own rules: pupils' personal data never reaches the roles that must not see it,
and which roles are tied to schools."""

import pytest

from fleet.access import policy
from fleet.errors import FleetError
from fleet.models import ROLES


def test_every_role_is_in_the_table():
    assert set(policy.PERMISSIONS) == set(policy.ACTIONS) == set(ROLES)


@pytest.mark.parametrize("role", sorted(policy.NO_PERSONAL_DATA))
def test_warehouse_ministry_and_founder_managers_never_hold_personal_data(role):
    assert [p for p in policy.PERMISSIONS[role] if policy.is_personal(p)] == []


def test_read_only_roles_write_nothing():
    writes = (":write", ":act", ":arrive", ":print", ":preprint", "stocktakes")
    for role in ("ministry", "founder_manager", "auditor"):
        assert [p for p in policy.PERMISSIONS[role] if p.endswith(writes)] == [], role
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
