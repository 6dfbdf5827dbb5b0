"""``fleet connectivity link SCHOOL_REG [--days N] [--tag TAG]``: a measurement link for a school laptop (or the
key for ``scripts/measure --key``), printed with its expiry. Whoever holds it may measure for that school only."""

from __future__ import annotations

import click
from sqlalchemy import select

from fleet.cli.common import fail, writing
from fleet.connectivity import keys
from fleet.errors import FleetError
from fleet.models import School


@click.command("link", help="A measurement link for a school laptop (FLEET_PUBLIC_URL/connectivity/measure?key=…).")
@click.argument("school_reg", metavar="SCHOOL_REG")
@click.option("--days", type=int, default=keys.DEFAULT_DAYS, show_default=True, help="how long the link works")
@click.option("--tag", default=None, help="a laptop's asset tag, prefilled on the page")
def link(school_reg: str, days: int, tag: str | None) -> None:
    with writing() as session:
        school = session.scalar(select(School).where(School.registration_number == school_reg.strip()))
        if school is None:
            fail(FleetError("not_found", f"school {school_reg!r} not found"))
        made = keys.link(school.id, days, tag)
        click.echo(made.url)
        click.echo(f"key: {made.key}", err=True)
        click.echo(f"{school.name}: expires {made.expires.isoformat(timespec='minutes')}", err=True)


COMMANDS = [link]
