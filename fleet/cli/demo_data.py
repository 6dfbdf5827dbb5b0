"""``fleet demo``: load the demo world into an empty database."""

from __future__ import annotations

import click

from fleet import db
from fleet.cli.common import fail, make_app
from fleet.errors import FleetError


@click.command(help="Load a small, realistic demo data set (into an empty database).")
def demo() -> None:
    from fleet import demo as demo_data

    with make_app().app_context():
        try:
            lines = demo_data.load(db.session())
        except FleetError as e:
            fail(e)
        for line in lines:
            click.echo(line)
