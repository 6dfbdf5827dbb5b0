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


@click.command(help="Check every device's event hash chain; exit 1 naming the first broken event. The result is "
                    "kept (the administration pages show the latest).")
def verify() -> None:
    with make_app().app_context():
        session = db.session()
        run = history.run_and_record(session, "cli")
        session.commit()
        if run.reason is not None:
            where = f"event #{run.broken_event_id} (seq {run.broken_seq})" if run.broken_event_id else "its history"
            click.echo(f"BROKEN: device {run.broken_serial}: {where}: {run.reason}", err=True)
            sys.exit(1)
        click.echo(f"ok: {run.checked} device histories intact")
