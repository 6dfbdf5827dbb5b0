"""Configuration from ``FLEET_*`` environment variables, with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ENVIRONMENTS = ("development", "test", "production")


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says which variable to set."""


@dataclass(frozen=True)
class Config:
    env: str = "development"
    database_url: str | None = None  # None: SQLite file in the instance folder
    secret_key: str | None = None
    public_url: str = "http://127.0.0.1:5000"
    asset_tag_prefix: str = "DIB"
    max_request_bytes: int = 16 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None) -> Config:
        env = os.environ if environ is None else environ
        return cls(
            env=env.get("FLEET_ENV", "development"),
            database_url=env.get("FLEET_DATABASE_URL") or None,
            secret_key=env.get("FLEET_SECRET_KEY") or None,
            public_url=env.get("FLEET_PUBLIC_URL", cls.public_url).rstrip("/"),
            asset_tag_prefix=env.get("FLEET_ASSET_TAG_PREFIX", cls.asset_tag_prefix),
            max_request_bytes=int(env.get("FLEET_MAX_REQUEST_BYTES", cls.max_request_bytes)),
        )

    def validate(self) -> None:
        from fleet.asset_tags import validate_prefix

        if self.env not in ENVIRONMENTS:
            raise ConfigError(f"FLEET_ENV must be one of {', '.join(ENVIRONMENTS)}, not {self.env!r}")
        if self.env == "production" and not self.secret_key:
            raise ConfigError("FLEET_SECRET_KEY must be set in production (FLEET_ENV=production)")
        if self.env == "production" and self.secret_key and len(self.secret_key) < 32:
            raise ConfigError("FLEET_SECRET_KEY must be at least 32 characters long")
        validate_prefix(self.asset_tag_prefix)


def instance_secret(instance_path: str) -> str:
    """A development secret kept in the instance folder, so all workers and restarts share it."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
