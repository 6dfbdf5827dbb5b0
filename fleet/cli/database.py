"""``fleet db upgrade`` (the schema, by Alembic) and ``fleet verify`` (every device's hash chain)."""

from __future__ import annotations

import sys

import click

from fleet import db, history, migrations
from fleet.cli.common import make_app


@click.group("db", help="The database.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Create or migrate the database to the latest revision (Alembic).")
def db_upgrade() -> None:
    app = make_app()
    with app.app_context():
        migrations.upgrade(db.engine())
        click.echo(f"database at revision {migrations.current(db.engine())}")


@click.command(help="Check every device's event hash chain; exit 1 naming the first broken event.")
def verify() -> None:
    with make_app().app_context():
        checked, broken = history.verify_all(db.session())
        if broken:
            click.echo(f"BROKEN: {broken}", err=True)
            sys.exit(1)
        click.echo(f"ok: {checked} device histories intact")
