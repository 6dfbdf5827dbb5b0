"""(being built) ``fleet funding``: other funds' serial registers (the double-funding check)."""

from __future__ import annotations

import click


@click.group("funding", help="(being built)")
def funding() -> None:
    pass
