"""``fleet.access.directory`` against a real slapd: passwords, unknown users, injection, groups to roles,
schools from attributes and group names, TLS (StartTLS and LDAPS with a generated CA), and a
directory that is down, misconfigured or silent."""

from __future__ import annotations

import socket

import pytest

from fleet.access import directory
from fleet.access.directory import BadCredentials, DirectoryUnavailable, normal_dn
from tests.directory_server import (
    FOUNDER,
    GROUPS,
    PASSWORD,
    PEOPLE,
    ROLE_GROUPS,
    SCHOOL_A,
    SCHOOL_B,
    SCHOOL_GROUP,
    UNKNOWN_SCHOOL,
    free_port,
)


@pytest.mark.parametrize("username, role", [
    ("jberzins", "admin"), ("enikitina", "school_it"), ("akalnins", "warehouse"), ("iliepina", "ministry"),
    ("mvitols", "founder_manager"), ("dkrumina", "auditor"),
])
def test_right_password_gives_the_role_of_the_group(slapd, username, role):
    found = directory.authenticate(slapd.config(), username, PASSWORD)
    assert found.roles == {role}
    assert found.dn == f"uid={username},{PEOPLE}"
    assert normal_dn(ROLE_GROUPS[role]) in found.groups


def test_latvian_names_and_a_username_with_diacritics(slapd):
    assert directory.authenticate(slapd.config(), "enikitina", PASSWORD).display_name == "Ērika Ņikitina"
    found = directory.authenticate(slapd.config(), "ņikita", PASSWORD)
    assert found.display_name == "Ņikita Ābele" and found.roles == {"school_it"}


@pytest.mark.parametrize("username, password", [
    ("jberzins", "Zaļā-Zīle-2021"),  # wrong
    ("jberzins", PASSWORD.upper()),
    ("jberzins", ""),  # an "unauthenticated bind" would succeed: refused before asking
    ("jberzins", " "),
    ("nav-tada", PASSWORD),  # unknown
    ("", PASSWORD),
])
def test_wrong_password_or_unknown_user_is_bad_credentials(slapd, username, password):
    with pytest.raises(BadCredentials):
        directory.authenticate(slapd.config(), username, password)


@pytest.mark.parametrize("username", [
    "*", "*)(uid=*", "jberzins)(|(uid=*", "*)(|(objectClass=*", "j*", "jberzin*", "*berzins", "(uid=jberzins)",
    "jberzins\x00", "jberzins)(&", "\\2a", "\\6aberzins",
])
def test_injected_usernames_match_nobody(slapd, username):
    """Escaped as RFC 4515 says: a wildcard or a closing parenthesis is a character of a name."""
    with pytest.raises(BadCredentials):
        directory.authenticate(slapd.config(), username, PASSWORD)


def test_a_filter_matching_several_entries_is_refused(slapd):
    config = slapd.config(user_filter="(|(uid={username})(objectClass=inetOrgPerson))")
    with pytest.raises(BadCredentials):
        directory.authenticate(config, "jberzins", PASSWORD)


def test_schools_and_founders_come_from_the_attribute(slapd):
    assert directory.authenticate(slapd.config(), "enikitina", PASSWORD).school_regs == (SCHOOL_A,)
    assert directory.authenticate(slapd.config(), "lozolina", PASSWORD).school_regs == (SCHOOL_B,)
    assert directory.authenticate(slapd.config(), "kdivas", PASSWORD).school_regs == (SCHOOL_A, SCHOOL_B)
    assert directory.authenticate(slapd.config(), "zvitola", PASSWORD).school_regs == (UNKNOWN_SCHOOL,)
    assert directory.authenticate(slapd.config(), "mvitols", PASSWORD).founder_codes == (FOUNDER,)


def test_a_school_from_a_group_name(slapd):
    assert directory.authenticate(slapd.config(), "ņikita", PASSWORD).school_regs == (SCHOOL_GROUP,)
    no_pattern = directory.authenticate(slapd.config(school_group_pattern=None), "ņikita", PASSWORD)
    assert no_pattern.school_regs == ()


def test_no_group_and_two_role_groups(slapd):
    assert directory.authenticate(slapd.config(), "gsmits", PASSWORD).roles == frozenset()
    assert directory.authenticate(slapd.config(), "pdivrolis", PASSWORD).roles == {"warehouse", "school_it"}


def test_groups_from_member_of_and_from_a_group_search(slapd):
    """``memberOf`` on the entry (as Active Directory keeps it) is enough without a group base; a
    groupOfUniqueNames group (no ``memberOf``: the overlay follows groupOfNames) needs the search."""
    assert directory.authenticate(slapd.config(group_base=None), "iliepina", PASSWORD).roles == {"ministry"}
    assert directory.authenticate(slapd.config(group_base=None), "dkrumina", PASSWORD).roles == frozenset()
    assert directory.authenticate(slapd.config(), "dkrumina", PASSWORD).roles == {"auditor"}


def test_role_groups_are_compared_as_dns(slapd):
    """Case and blanks around separators do not matter in the configured group DNs."""
    spelled = {"CN=Fleet-Ministrija, OU=Groups, DC=skolas, DC=lv": "ministry"}
    found = directory.authenticate(slapd.config(role_groups=spelled, group_base=None), "iliepina", PASSWORD)
    assert found.roles == {"ministry"}


def test_start_tls_with_the_generated_ca(slapd):
    found = directory.authenticate(slapd.config(start_tls=True, ca_file=slapd.ca_file), "jberzins", PASSWORD)
    assert found.roles == {"admin"}
    conn = directory.connect(slapd.config(start_tls=True, ca_file=slapd.ca_file))
    try:
        assert conn.tls_started and conn.socket.version().startswith("TLS")
    finally:
        conn.unbind()


def test_ldaps_with_the_generated_ca(slapd):
    found = directory.authenticate(slapd.config(url=slapd.ldaps_url, ca_file=slapd.ca_file), "enikitina", PASSWORD)
    assert found.roles == {"school_it"}


@pytest.mark.parametrize("tls", ["start_tls", "ldaps"])
def test_a_certificate_from_another_ca_is_refused(slapd, tls):
    changes = {"start_tls": True} if tls == "start_tls" else {"url": slapd.ldaps_url}
    with pytest.raises(DirectoryUnavailable):
        directory.authenticate(slapd.config(ca_file=slapd.other_ca_file, **changes), "jberzins", PASSWORD)


def test_a_certificate_for_another_name_is_refused(slapd):
    """The certificate names localhost and 127.0.0.1; "127.1" reaches the same server but is not its name."""
    assert directory.authenticate(slapd.config(url=f"ldap://localhost:{slapd.port}", start_tls=True,
                                               ca_file=slapd.ca_file), "jberzins", PASSWORD).roles == {"admin"}
    with pytest.raises(DirectoryUnavailable):
        directory.authenticate(slapd.config(url=f"ldap://127.1:{slapd.port}", start_tls=True, ca_file=slapd.ca_file),
                               "jberzins", PASSWORD)


def test_directory_down_is_unavailable(slapd):
    with pytest.raises(DirectoryUnavailable):
        directory.authenticate(slapd.config(url=f"ldap://127.0.0.1:{free_port()}"), "jberzins", PASSWORD)


def test_a_directory_that_never_answers_times_out():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections are accepted by the kernel; nothing ever answers
    try:
        from fleet.config import DirectoryConfig

        config = DirectoryConfig(url=f"ldap://127.0.0.1:{silent.getsockname()[1]}", user_base=PEOPLE,
                                 role_groups={"cn=x": "admin"}, timeout=0.5)
        with pytest.raises(DirectoryUnavailable):
            directory.authenticate(config, "jberzins", PASSWORD)
    finally:
        silent.close()


def test_a_refused_service_account_or_a_wrong_base_is_unavailable_not_bad_credentials(slapd):
    with pytest.raises(DirectoryUnavailable):
        directory.authenticate(slapd.config(bind_password="nepareizi"), "jberzins", PASSWORD)
    with pytest.raises(DirectoryUnavailable):
        directory.authenticate(slapd.config(user_base=f"ou=nav,{GROUPS}"), "jberzins", PASSWORD)


def test_normal_dn():
    assert normal_dn(" CN=Fleet IT , ou=Groups,DC=x ") == "cn=fleet it,ou=groups,dc=x"
    assert normal_dn(r"cn=Bērziņš\, Jānis,dc=x") == r"cn=bērziņš\, jānis,dc=x"
