"""The directory (OpenLDAP or Active Directory, through ldap3): is the password right, and which
Fleet role and schools do the directory's groups and attributes give this person?

``authenticate(config, username, password)`` works on one connection, each step with a timeout:

1. connect — ``ldaps://``, or ``ldap://`` upgraded by StartTLS when configured; the server's
   certificate is verified against ``FLEET_LDAP_CA_FILE`` (or the system's CAs) and its name;
2. bind as the service account (``FLEET_LDAP_BIND_DN``; anonymous when unset);
3. search the user under ``FLEET_LDAP_USER_BASE`` with ``FLEET_LDAP_USER_FILTER``, the username
   escaped as RFC 4515 says, so ``*)(uid=*`` is a name nobody has; no entry, or more than one,
   is the same answer as a wrong password;
4. read the groups: the entry's ``memberOf``, and with ``FLEET_LDAP_GROUP_BASE`` a search for
   ``groupOfNames`` (``member``) and ``groupOfUniqueNames`` (``uniqueMember``) naming the user;
5. bind as the user with the password (an empty password is refused before: LDAP would take it
   as an unauthenticated bind and say yes).

The answer is a ``DirectoryUser`` with the roles its groups map to (``FLEET_LDAP_ROLE_GROUPS``),
and the school registration numbers and founder codes from its attributes (and groups matching
``FLEET_LDAP_SCHOOL_GROUP_PATTERN``). Whether one role and a known school follow from that is
``fleet.access.staff_login``'s decision. Refusals: ``BadCredentials``, or ``DirectoryUnavailable`` (down,
too slow, TLS failure, the service account refused) — local accounts keep working meanwhile.
Passwords are never logged.
"""

from __future__ import annotations

import logging
import math
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPBindError, LDAPException
from ldap3.utils.conv import escape_filter_chars

from fleet.config import DirectoryConfig

log = logging.getLogger(__name__)


class BadCredentials(Exception):
    """Unknown user, ambiguous user or wrong password: one answer for all three."""


class DirectoryUnavailable(Exception):
    """The directory could not be asked (down, timeout, TLS, service account): not the user's fault."""


@dataclass(frozen=True)
class DirectoryUser:
    dn: str
    display_name: str | None
    groups: frozenset[str]  # normalised DNs
    roles: frozenset[str]
    school_regs: tuple[str, ...]
    founder_codes: tuple[str, ...]


def normal_dn(dn: str) -> str:
    """A DN compared as the directory compares it: attribute names and values without case, no
    blanks around separators (``CN=Fleet IT, ou=Groups`` → ``cn=fleet it,ou=groups``)."""
    rdns = re.split(r"(?<!\\),", dn.strip())
    return ",".join(f"{a.strip().lower()}={v.strip().lower()}" for a, _, v in (r.partition("=") for r in rdns))


def authenticate(config: DirectoryConfig, username: str, password: str) -> DirectoryUser:
    if not password:
        raise BadCredentials()  # an empty password would be an "unauthenticated bind": success
    try:
        conn = connect(config)
    except LDAPException as e:
        raise _unavailable("cannot reach the directory", e) from None
    try:
        entry = _find_user(conn, config, username)
        groups = _groups(conn, config, entry)
        _bind_as(conn, entry["dn"], password)
    except LDAPException as e:
        raise _unavailable("the directory did not answer", e) from None
    finally:
        _close(conn)
    return _directory_user(config, entry, groups)


def lookup(config: DirectoryConfig, usernames: list[str]) -> dict[str, DirectoryUser | None]:
    """What the directory says of each account now, read as the service account over one
    connection (no password: for ``fleet directory sync``); None for a name that no longer matches
    exactly one entry. Raises ``DirectoryUnavailable`` when it cannot be asked."""
    try:
        conn = connect(config)
    except LDAPException as e:
        raise _unavailable("cannot reach the directory", e) from None
    found: dict[str, DirectoryUser | None] = {}
    try:
        for username in usernames:
            try:
                entry = _find_user(conn, config, username)
            except BadCredentials:
                found[username] = None
                continue
            found[username] = _directory_user(config, entry, _groups(conn, config, entry))
    except LDAPException as e:
        raise _unavailable("the directory did not answer", e) from None
    finally:
        _close(conn)
    return found


def connect(config: DirectoryConfig) -> Connection:
    """An open connection bound as the service account (TLS as configured)."""
    parts = urlsplit(config.url)
    ldaps = parts.scheme == "ldaps"
    tls = None
    if ldaps or config.start_tls:
        tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=config.ca_file, version=ssl.PROTOCOL_TLS_CLIENT)
    server = Server(parts.hostname, port=parts.port or (636 if ldaps else 389), use_ssl=ldaps, tls=tls,
                    get_info=NONE, connect_timeout=config.timeout)
    conn = Connection(server, user=config.bind_dn, password=config.bind_password, read_only=True,
                      receive_timeout=math.ceil(config.timeout), auto_referrals=False, raise_exceptions=False)
    try:
        conn.open()
        # Without it, the first request after the TLS handshake waits out a delayed ACK (40 ms).
        conn.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if config.start_tls and not conn.start_tls():
            raise DirectoryUnavailable(f"StartTLS failed: {conn.last_error}")
        if not conn.bind():
            raise DirectoryUnavailable(f"the service account was refused ({conn.result.get('description')})")
    except BaseException:
        _close(conn)
        raise
    return conn


def _close(conn: Connection) -> None:
    try:
        conn.unbind()
    except LDAPException:  # a connection TLS broke off has nothing left to close
        pass


def _find_user(conn: Connection, config: DirectoryConfig, username: str) -> dict:
    """The user's entry, ``{"dn": …, "attributes": {name: [values]}}`` (ldap3's raw answer: its
    Entry objects cost a millisecond each)."""
    query = config.user_filter.replace("{username}", escape_filter_chars(username))
    attributes = sorted({"memberOf", "cn", "displayName", config.school_attribute, config.founder_attribute})
    conn.search(config.user_base, query, SUBTREE, attributes=attributes, size_limit=2,
                time_limit=int(config.timeout) + 1)
    entries = _entries(conn)
    outcome = conn.result.get("description")
    if not entries and outcome not in ("success", "sizeLimitExceeded"):
        raise DirectoryUnavailable(f"searching {config.user_base!r} failed: {outcome}")  # misconfigured base
    if len(entries) != 1:
        if len(entries) > 1:
            log.warning("directory: the user filter matches several entries for one username; refused")
        raise BadCredentials()
    return entries[0]


def _groups(conn: Connection, config: DirectoryConfig, entry: dict) -> frozenset[str]:
    found = {normal_dn(g) for g in _values(entry, "memberOf")}
    if config.group_base:
        dn = escape_filter_chars(entry["dn"])
        query = f"(|(member={dn})(uniqueMember={dn}))"  # groupOfNames, groupOfUniqueNames
        conn.search(config.group_base, query, SUBTREE, attributes=["1.1"], time_limit=int(config.timeout) + 1)
        found |= {normal_dn(g["dn"]) for g in _entries(conn)}
    return frozenset(found)


def _entries(conn: Connection) -> list[dict]:
    return [r for r in conn.response or () if r.get("type") == "searchResEntry"]


def _bind_as(conn: Connection, dn: str, password: str) -> None:
    try:
        bound = conn.rebind(user=dn, password=password)
    except LDAPBindError:
        bound = False
    if not bound:
        if conn.result and conn.result.get("description") not in (None, "invalidCredentials"):
            log.warning("directory: binding as the user failed: %s", conn.result.get("description"))
        raise BadCredentials()


def _directory_user(config: DirectoryConfig, entry: dict, groups: frozenset[str]) -> DirectoryUser:
    mapping = {normal_dn(dn): role for dn, role in config.role_groups.items()}
    schools = [v.strip() for v in _values(entry, config.school_attribute)]
    if config.school_group_pattern:
        pattern = re.compile(config.school_group_pattern, re.IGNORECASE)
        schools += [m.group(1) for g in sorted(groups) if (m := pattern.fullmatch(g))]
    names = _values(entry, "displayName") or _values(entry, "cn")
    return DirectoryUser(
        dn=entry["dn"],
        display_name=names[0] if names else None,
        groups=groups,
        roles=frozenset(mapping[g] for g in groups if g in mapping),
        school_regs=tuple(dict.fromkeys(s for s in schools if s)),
        founder_codes=tuple(dict.fromkeys(v.strip() for v in _values(entry, config.founder_attribute) if v.strip())),
    )


def _values(entry: dict, attribute: str) -> list[str]:
    """An attribute's values as text (attribute names compared without case, as LDAP does)."""
    wanted = attribute.lower()
    for name, values in entry.get("attributes", {}).items():
        if name.lower() == wanted:
            return [str(v) for v in (values if isinstance(values, list) else [values])]
    return []


def _unavailable(what: str, e: Exception) -> DirectoryUnavailable:
    log.warning("directory: %s: %s: %s", what, type(e).__name__, e)
    return DirectoryUnavailable(f"{what} ({type(e).__name__})")
