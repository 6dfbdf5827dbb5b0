"""(being built) ``fleet report NAME``: a programme report for cron."""

from __future__ import annotations

import click


@click.command("report", help="(being built)")
def report() -> None:
    pass
