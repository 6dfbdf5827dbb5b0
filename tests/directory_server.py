"""A real OpenLDAP ``slapd`` for the tests and the benchmark: a generated ``slapd.conf`` and LDIF in
a temporary folder, a self-signed CA and a server certificate for StartTLS and LDAPS, free ports
on 127.0.0.1, and a stop that removes it all.

The directory (``dc=skolas,dc=lv``) holds staff with Latvian names, one group per Fleet role, the
``memberof`` overlay (so users carry ``memberOf`` as in Active Directory), two school IT users of
two different schools, and the awkward cases: a user in no group, one in two role groups, one
whose school the directory names but Fleet does not know, and one whose school comes from a
group's name. Every password is ``PASSWORD`` unless the table says otherwise.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from fleet.config import DirectoryConfig

BASE = "dc=skolas,dc=lv"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"
SERVICE_DN = f"cn=fleet,ou=services,{BASE}"
SERVICE_PASSWORD = "servisa-parole-2022"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PASSWORD = "saknes-parole"
PASSWORD = "Zaļā-Zīle-2022"  # not ASCII: the bind must send UTF-8

SCHOOL_A = "4213900701"  # Grobiņas ģimnāzija
SCHOOL_B = "4213900702"  # Liepājas 5. vidusskola
SCHOOL_GROUP = "4213900703"  # named by a group, cn=skola-4213900703
UNKNOWN_SCHOOL = "9999999999"
FOUNDER = "DKN"  # Dienvidkurzemes novads

ROLE_GROUPS = {
    "admin": f"cn=fleet-admins,{GROUPS}",
    "warehouse": f"cn=fleet-noliktava,{GROUPS}",
    "school_it": f"cn=fleet-skolu-it,{GROUPS}",
    "ministry": f"cn=fleet-ministrija,{GROUPS}",
    "founder_manager": f"cn=fleet-pasvaldibas,{GROUPS}",
    "auditor": f"cn=fleet-revidenti,{GROUPS}",
}

UNIQUE_GROUPS = {ROLE_GROUPS["auditor"]}  # groupOfUniqueNames: found only by a group search


@dataclass(frozen=True)
class Person:
    uid: str
    given: str
    family: str
    groups: tuple[str, ...] = ()
    department: tuple[str, ...] = ()
    password: str = PASSWORD


PEOPLE_TABLE = [
    Person("jberzins", "Jānis", "Bērziņš", ("admin",)),
    Person("enikitina", "Ērika", "Ņikitina", ("school_it",), (SCHOOL_A,)),
    Person("lozolina", "Līga", "Ozoliņa", ("school_it",), (SCHOOL_B,)),
    Person("akalnins", "Andris", "Kalniņš", ("warehouse",)),
    Person("iliepina", "Inese", "Liepiņa", ("ministry",)),
    Person("mvitols", "Māris", "Vītols", ("founder_manager",), (FOUNDER,)),
    Person("dkrumina", "Dace", "Krūmiņa", ("auditor",)),
    Person("gsmits", "Ģirts", "Šmits"),  # in no Fleet group
    Person("pdivrolis", "Pēteris", "Divrolis", ("warehouse", "school_it"), (SCHOOL_A,)),
    Person("zvitola", "Zane", "Vītola", ("school_it",), (UNKNOWN_SCHOOL,)),  # a school Fleet does not know
    Person("ņikita", "Ņikita", "Ābele", ("school_it", f"cn=skola-{SCHOOL_GROUP},{GROUPS}")),  # school by group
    Person("kdivas", "Kristaps", "Divskolu", ("school_it",), (SCHOOL_A, SCHOOL_B)),
]


def ssha(password: str) -> str:
    salt = os.urandom(8)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def slapd_binary() -> str | None:
    return shutil.which("slapd") or next((p for p in ("/usr/sbin/slapd",) if Path(p).exists()), None)


@dataclass
class DirectoryServer:
    folder: Path
    port: int
    ldaps_port: int
    process: subprocess.Popen
    ca_file: str
    other_ca_file: str  # a CA that did not sign the server's certificate
    people: list[Person] = field(default_factory=lambda: list(PEOPLE_TABLE))

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    def config(self, **changes) -> DirectoryConfig:
        config = DirectoryConfig(
            url=self.url, user_base=PEOPLE, bind_dn=SERVICE_DN, bind_password=SERVICE_PASSWORD,
            group_base=GROUPS, role_groups={dn: role for role, dn in ROLE_GROUPS.items()},
            school_group_pattern=rf"cn=skola-(\d{{10}}),{GROUPS}", timeout=3.0,
        )
        return replace(config, **changes)

    def env(self) -> dict[str, str]:
        """The same configuration as FLEET_LDAP_* variables (for a served app)."""
        import json

        c = self.config()
        return {
            "FLEET_LDAP_URL": c.url, "FLEET_LDAP_USER_BASE": c.user_base, "FLEET_LDAP_BIND_DN": c.bind_dn,
            "FLEET_LDAP_BIND_PASSWORD": c.bind_password, "FLEET_LDAP_GROUP_BASE": c.group_base,
            "FLEET_LDAP_ROLE_GROUPS": json.dumps(c.role_groups),
            "FLEET_LDAP_SCHOOL_GROUP_PATTERN": c.school_group_pattern,
        }

    def ldap(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """Run an ldap-utils command as the directory's root (``ldapmodify``, ``ldapsearch`` …)."""
        return subprocess.run([args[0], "-x", "-H", self.url, "-D", ROOT_DN, "-w", ROOT_PASSWORD, *args[1:]],
                              input=stdin, capture_output=True, text=True, check=True, timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start(extra_config: str = "") -> DirectoryServer:
    """Start a slapd; raises ``FileNotFoundError`` when slapd or ldap-utils are not installed."""
    binary = slapd_binary()
    if binary is None or shutil.which("ldapadd") is None:
        raise FileNotFoundError("slapd and ldapadd (Debian packages slapd, ldap-utils) are not installed")
    folder = Path(tempfile.mkdtemp(prefix="fleet-slapd-"))
    try:
        ca_file, cert, key = _certificates(folder)
        other_ca, _, _ = _certificates(folder / "other")
        (folder / "data").mkdir()
        (folder / "slapd.conf").write_text(_slapd_conf(folder, ca_file, cert, key, extra_config))
        for attempt in range(3):  # a free port may be taken before slapd binds it (another xdist worker)
            port, ldaps_port = free_port(), free_port()
            with (folder / "slapd.log").open("wb") as log:
                process = subprocess.Popen(
                    [binary, "-f", str(folder / "slapd.conf"), "-h",
                     f"ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{ldaps_port}/", "-d", "0"],
                    stdout=log, stderr=subprocess.STDOUT,
                )
            server = DirectoryServer(folder, port, ldaps_port, process, ca_file, other_ca)
            try:
                _wait_until_listening(server)
                break
            except SlapdExited:
                if attempt == 2:
                    raise
        server.ldap("ldapadd", stdin=_ldif())
        return server
    except BaseException:
        if "server" in locals():
            server.stop()
        else:
            shutil.rmtree(folder, ignore_errors=True)
        raise


class SlapdExited(RuntimeError):
    """slapd stopped before it listened (its log says why)."""


def _wait_until_listening(server: DirectoryServer, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            log = (server.folder / "slapd.log").read_text(errors="replace")
            raise SlapdExited(f"slapd exited with {server.process.returncode}:\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("slapd did not start listening")


def _slapd_conf(folder: Path, ca: str, cert: str, key: str, extra: str) -> str:
    schema = "/etc/ldap/schema"
    return f"""
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/nis.schema
include {schema}/inetorgperson.schema
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
TLSCACertificateFile {ca}
TLSCertificateFile {cert}
TLSCertificateKeyFile {key}
{extra}

database mdb
suffix "{BASE}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PASSWORD}
directory {folder}/data
maxsize 16777216
overlay memberof
memberof-refint TRUE

access to attrs=userPassword
    by anonymous auth
    by self =xw
    by * none
access to *
    by users read
    by * none
"""


def _ldif() -> str:
    entries = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: skolas\no: Skolas\n",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n",
        f"dn: ou=services,{BASE}\nobjectClass: organizationalUnit\nou: services\n",
        f"dn: {SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: fleet\n"
        f"userPassword: {ssha(SERVICE_PASSWORD)}\n",
    ]
    members: dict[str, list[str]] = {}
    for p in PEOPLE_TABLE:
        dn = f"uid={p.uid},{PEOPLE}"
        lines = [f"dn: {dn}", "objectClass: inetOrgPerson", f"uid: {p.uid}", f"cn: {p.given} {p.family}",
                 f"givenName: {p.given}", f"sn: {p.family}", f"displayName: {p.given} {p.family}",
                 f"userPassword: {ssha(p.password)}"]
        lines += [f"departmentNumber: {d}" for d in p.department]
        entries.append("\n".join(lines) + "\n")
        for g in p.groups:
            members.setdefault(ROLE_GROUPS.get(g, g), []).append(dn)
    for group in sorted(set(ROLE_GROUPS.values()) | set(members)):
        cn = group.split(",")[0].removeprefix("cn=")
        # groupOfNames needs a member: the service account stands in for an empty group. The
        # memberof overlay follows groupOfNames only, so members of UNIQUE_GROUPS have no memberOf.
        unique = group in UNIQUE_GROUPS
        kind, attribute = ("groupOfUniqueNames", "uniqueMember") if unique else ("groupOfNames", "member")
        lines = [f"dn: {group}", f"objectClass: {kind}", f"cn: {cn}"]
        lines += [f"{attribute}: {m}" for m in members.get(group, [SERVICE_DN])]
        entries.append("\n".join(lines) + "\n")
    return "\n".join(entries)


def _certificates(folder: Path) -> tuple[str, str, str]:
    """A CA, and a server certificate it signed for 127.0.0.1 and localhost."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fleet test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    paths[2].chmod(0o600)
    return tuple(str(p) for p in paths)
