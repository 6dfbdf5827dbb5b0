"""Configuration from ``FLEET_*`` environment variables, with safe defaults for a laptop."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

ENVIRONMENTS = ("development", "test", "production")


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says which variable to set."""


@dataclass(frozen=True)
class Config:
    env: str = "development"
    database_url: str | None = None  # None: SQLite file in the instance folder
    secret_key: str | None = None
    public_url: str = "http://127.0.0.1:5000"  # printed into labels' QR codes and agreements' links
    asset_tag_prefix: str = "DIB"
    max_request_bytes: int = 16 * 1024 * 1024
    directory: DirectoryConfig | None = None  # None: local accounts only
    session_minutes: int = 8 * 60  # a browser session ends this long after sign-in …
    session_idle_minutes: int = 30  # … or after this long without a request
    signin_failures_per_user: int = 5  # failed sign-ins within signin_throttle_minutes before refusing
    signin_failures_per_address: int = 20
    signin_throttle_minutes: int = 15
    proxy_count: int = 0  # reverse proxies in front that set X-Forwarded-For/-Proto
    pupil_retention_months: int = 12  # fleet privacy purge: pupils whose last loan ended this long ago …
    access_log_retention_months: int = 24  # … and access-log entries older than this
    smtp: SmtpConfig | None = None  # None: no e-mail to guardians (FLEET_SMTP_HOST unset)
    reminder_days: int = 7  # fleet worker reminds a guardian who has not signed after this many days, then as often
    rollup_seconds: int = 300  # fleet worker refreshes the reports' roll-ups this often
    return_by: str = "06-30"  # MM-DD: the end of the school year; loans handed over before the last one are overdue
    evidence_dir: str | None = None  # where fleet worker writes evidence packs; None: <instance>/evidence
    # the signed agreements of devices counted toward the targets are kept until the programme's audit
    # period ends (five years after the final payment), whatever the pupils' retention
    audit_retention_until: str = "2031-12-31"

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None, served_at: str | None = None) -> Config:
        """``served_at``: where ``fleet serve`` listens (``http://host:port``); outside production it
        is the public URL when ``FLEET_PUBLIC_URL`` is unset. Production takes only an explicit one."""
        env = os.environ if environ is None else environ
        fleet_env = env.get("FLEET_ENV", "development")
        public_url = env.get("FLEET_PUBLIC_URL") or (served_at if fleet_env != "production" else None)
        return cls(
            env=fleet_env,
            database_url=env.get("FLEET_DATABASE_URL") or None,
            secret_key=env.get("FLEET_SECRET_KEY") or None,
            public_url=(public_url or cls.public_url).rstrip("/"),
            asset_tag_prefix=env.get("FLEET_ASSET_TAG_PREFIX", cls.asset_tag_prefix),
            max_request_bytes=_int(env, "FLEET_MAX_REQUEST_BYTES", cls.max_request_bytes),
            directory=DirectoryConfig.from_env(env) if env.get("FLEET_LDAP_URL") else None,
            session_minutes=_int(env, "FLEET_SESSION_MINUTES", cls.session_minutes),
            session_idle_minutes=_int(env, "FLEET_SESSION_IDLE_MINUTES", cls.session_idle_minutes),
            signin_failures_per_user=_int(env, "FLEET_SIGNIN_FAILURES_PER_USER", cls.signin_failures_per_user),
            signin_failures_per_address=_int(env, "FLEET_SIGNIN_FAILURES_PER_ADDRESS", cls.signin_failures_per_address),
            signin_throttle_minutes=_int(env, "FLEET_SIGNIN_THROTTLE_MINUTES", cls.signin_throttle_minutes),
            proxy_count=_int(env, "FLEET_PROXY_COUNT", cls.proxy_count, minimum=0),
            pupil_retention_months=_int(env, "FLEET_PUPIL_RETENTION_MONTHS", cls.pupil_retention_months),
            access_log_retention_months=_int(env, "FLEET_ACCESS_LOG_RETENTION_MONTHS", cls.access_log_retention_months),
            smtp=SmtpConfig.from_env(env) if env.get("FLEET_SMTP_HOST") else None,
            reminder_days=_int(env, "FLEET_REMINDER_DAYS", cls.reminder_days),
            rollup_seconds=_int(env, "FLEET_ROLLUP_SECONDS", cls.rollup_seconds),
            return_by=env.get("FLEET_RETURN_BY", cls.return_by),
            evidence_dir=env.get("FLEET_EVIDENCE_DIR") or None,
            audit_retention_until=env.get("FLEET_AUDIT_RETENTION_UNTIL", cls.audit_retention_until),
        )

    def return_by_day(self) -> tuple[int, int]:
        """``return_by`` as (month, day), checked against a year that is not a leap year."""
        day = date.fromisoformat(f"2023-{self.return_by}") if len(self.return_by) == 5 else None
        if day is None:
            raise ValueError(self.return_by)
        return day.month, day.day

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS: in production always, elsewhere when the public URL is HTTPS."""
        return self.env == "production" or self.public_url.startswith("https://")

    def validate(self) -> None:
        from fleet.asset_tags import validate_prefix

        if self.env not in ENVIRONMENTS:
            raise ConfigError(f"FLEET_ENV must be one of {', '.join(ENVIRONMENTS)}, not {self.env!r}")
        if self.env == "production" and not self.secret_key:
            raise ConfigError("FLEET_SECRET_KEY must be set in production (FLEET_ENV=production)")
        if self.env == "production" and self.secret_key and len(self.secret_key) < 32:
            raise ConfigError("FLEET_SECRET_KEY must be at least 32 characters long")
        if self.env == "production" and not _reachable(self.public_url):
            raise ConfigError("FLEET_PUBLIC_URL must be set in production (FLEET_ENV=production) to the http(s) "
                              "address users reach Fleet at, e.g. https://fleet.example.lv, not a loopback address: "
                              f"it is printed into every label and agreement (it is {self.public_url!r})")
        validate_prefix(self.asset_tag_prefix)
        try:
            self.return_by_day()
        except ValueError:
            raise ConfigError("FLEET_RETURN_BY must be a month and day, MM-DD, e.g. 06-30 "
                              f"(it is {self.return_by!r})") from None
        try:
            date.fromisoformat(self.audit_retention_until)
        except ValueError:
            raise ConfigError("FLEET_AUDIT_RETENTION_UNTIL must be a date, YYYY-MM-DD "
                              f"(it is {self.audit_retention_until!r})") from None
        if self.directory is not None:
            self.directory.validate()
        if self.smtp is not None:
            self.smtp.validate()


@dataclass(frozen=True)
class SmtpConfig:
    """``FLEET_SMTP_*``: the server ``fleet worker`` sends guardians' e-mail through."""

    host: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    sender: str = "fleet@localhost"
    starttls: bool = True
    timeout: float = 10.0  # seconds, for connecting and each answer (in the worker, never in a request)

    @classmethod
    def from_env(cls, env) -> SmtpConfig:
        starttls = (env.get("FLEET_SMTP_STARTTLS") or "true").lower()
        if starttls not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ConfigError(f"FLEET_SMTP_STARTTLS must be true or false, not {env.get('FLEET_SMTP_STARTTLS')!r}")
        return cls(
            host=env["FLEET_SMTP_HOST"],
            port=_int(env, "FLEET_SMTP_PORT", cls.port),
            user=env.get("FLEET_SMTP_USER") or None,
            password=env.get("FLEET_SMTP_PASSWORD") or None,
            sender=env.get("FLEET_SMTP_FROM") or cls.sender,
            starttls=starttls in ("1", "true", "yes", "on"),
        )

    def validate(self) -> None:
        if not 0 < self.port < 65536:
            raise ConfigError(f"FLEET_SMTP_PORT must be a port number (1–65535), not {self.port}")
        if "@" not in self.sender or any(c in self.sender for c in "\r\n"):
            raise ConfigError(f"FLEET_SMTP_FROM must be an e-mail address, not {self.sender!r}")
        if bool(self.password) and not self.user:
            raise ConfigError("FLEET_SMTP_PASSWORD needs FLEET_SMTP_USER")


@dataclass(frozen=True)
class DirectoryConfig:
    """``FLEET_LDAP_*``: where the directory is and how its groups and attributes become Fleet's
    roles and scopes (see ``fleet.access.directory``)."""

    url: str
    user_base: str
    bind_dn: str | None = None
    bind_password: str | None = None
    user_filter: str = "(uid={username})"
    group_base: str | None = None  # None: groups from the user's memberOf only
    role_groups: dict[str, str] = field(default_factory=dict)  # group DN → role
    school_attribute: str = "departmentNumber"  # a school_it user's school registration number(s)
    school_group_pattern: str | None = None  # or a regex over group DNs, capturing the number
    founder_attribute: str = "departmentNumber"  # a founder_manager's founder code(s)
    start_tls: bool = False
    ca_file: str | None = None
    timeout: float = 5.0  # seconds, for connecting and for each answer

    @classmethod
    def from_env(cls, env) -> DirectoryConfig:
        try:
            groups = json.loads(env.get("FLEET_LDAP_ROLE_GROUPS") or "{}")
        except ValueError as e:
            raise ConfigError(f"FLEET_LDAP_ROLE_GROUPS must be a JSON object of group DN to role: {e}") from None
        try:
            timeout = float(env.get("FLEET_LDAP_TIMEOUT", cls.timeout))
        except ValueError:
            raise ConfigError("FLEET_LDAP_TIMEOUT must be a number of seconds") from None
        return cls(
            url=env["FLEET_LDAP_URL"],
            user_base=env.get("FLEET_LDAP_USER_BASE", ""),
            bind_dn=env.get("FLEET_LDAP_BIND_DN") or None,
            bind_password=env.get("FLEET_LDAP_BIND_PASSWORD") or None,
            user_filter=env.get("FLEET_LDAP_USER_FILTER") or cls.user_filter,
            group_base=env.get("FLEET_LDAP_GROUP_BASE") or None,
            role_groups=groups,
            school_attribute=env.get("FLEET_LDAP_SCHOOL_ATTRIBUTE") or cls.school_attribute,
            school_group_pattern=env.get("FLEET_LDAP_SCHOOL_GROUP_PATTERN") or None,
            founder_attribute=env.get("FLEET_LDAP_FOUNDER_ATTRIBUTE") or cls.founder_attribute,
            start_tls=env.get("FLEET_LDAP_START_TLS", "").lower() in ("1", "true", "yes", "on"),
            ca_file=env.get("FLEET_LDAP_CA_FILE") or None,
            timeout=timeout,
        )

    def validate(self) -> None:
        from fleet.models import ROLES

        if not re.fullmatch(r"ldaps?://[^/\s]+/?", self.url):
            raise ConfigError(f"FLEET_LDAP_URL must be ldap://host[:port] or ldaps://host[:port], not {self.url!r}")
        if self.url.startswith("ldaps://") and self.start_tls:
            raise ConfigError("FLEET_LDAP_START_TLS does not apply to ldaps:// (already TLS); unset one of them")
        if not self.user_base:
            raise ConfigError("FLEET_LDAP_USER_BASE must name where the users are (e.g. ou=people,dc=example,dc=lv)")
        if self.user_filter.count("{username}") != 1 or not self.user_filter.startswith("("):
            raise ConfigError(
                "FLEET_LDAP_USER_FILTER must be an LDAP filter with {username} once, e.g. (uid={username})")
        if bool(self.bind_dn) != bool(self.bind_password):
            raise ConfigError("FLEET_LDAP_BIND_DN and FLEET_LDAP_BIND_PASSWORD go together")
        if not isinstance(self.role_groups, dict) or not self.role_groups:
            raise ConfigError("FLEET_LDAP_ROLE_GROUPS must map group DNs to roles, "
                              'e.g. {"cn=fleet-it,ou=groups,dc=x": "school_it"}')
        wrong = sorted(str(r) for r in self.role_groups.values() if r not in ROLES)
        if wrong:
            raise ConfigError(f"FLEET_LDAP_ROLE_GROUPS names unknown roles {wrong}; roles: {', '.join(ROLES)}")
        if self.school_group_pattern:
            try:
                if re.compile(self.school_group_pattern).groups != 1:
                    raise ConfigError("FLEET_LDAP_SCHOOL_GROUP_PATTERN must capture exactly one group: the number")
            except re.error as e:
                raise ConfigError(f"FLEET_LDAP_SCHOOL_GROUP_PATTERN is not a regular expression: {e}") from None
        if self.ca_file and not Path(self.ca_file).is_file():
            raise ConfigError(f"FLEET_LDAP_CA_FILE {self.ca_file!r} is not a readable file")
        if not 0 < self.timeout <= 120:
            raise ConfigError("FLEET_LDAP_TIMEOUT must be between 0 and 120 seconds")


def served_url(host: str, port: int) -> str:
    """``http://host:port`` for ``fleet serve --host --port``; a wildcard host (all interfaces) as
    127.0.0.1, where this machine reaches it."""
    host = host.strip("[]")
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _reachable(url: str) -> bool:
    """An http(s) URL naming a host other than this machine's loopback or wildcard address."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return True  # a name
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return not (ip.is_loopback or ip.is_unspecified)


def _int(env, name: str, default: int, minimum: int = 1) -> int:
    try:
        value = int(env.get(name, default))
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {env.get(name)!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}")
    return value


def instance_secret(instance_path: str) -> str:
    """A development secret kept in the instance folder, so all workers and restarts share it."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
