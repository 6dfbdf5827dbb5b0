"""What every ``fleet`` command shares: the ``main`` group, the app built from FLEET_* (a bad
setting ends the command with one line, not a traceback), and the session a writing command runs in."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click
from flask import Flask
from sqlalchemy.orm import Session

from fleet import db
from fleet.errors import FleetError


def make_app(served_at: str | None = None) -> Flask:
    """The app configured from FLEET_*; ``served_at``: where ``fleet serve`` listens (the public URL
    outside production when FLEET_PUBLIC_URL is unset)."""
    from fleet.app import create_app
    from fleet.config import Config, ConfigError

    try:
        return create_app(Config.from_env(served_at=served_at))
    except ConfigError as e:  # a bad FLEET_* setting: one line saying which, not a traceback
        fail(FleetError("invalid_input", str(e)))


def fail(e: FleetError) -> NoReturn:
    click.echo(f"error: {e.message} [{e.code}]", err=True)
    sys.exit(1)


def operator() -> str:
    """Who runs the command, as the access log records it: the login name ("cli" without one)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "cli"


@contextmanager
def writing() -> Iterator[Session]:
    """The command's session in the app's context: a ``FleetError`` ends the command with its
    code (exit 1, nothing written); otherwise what it wrote is committed."""
    with make_app().app_context():
        session = db.session()
        try:
            yield session
        except FleetError as e:
            fail(e)
        session.commit()


@click.group(help="Fleet: school laptops from delivery to pupil and back.")
def main() -> None:
    pass
