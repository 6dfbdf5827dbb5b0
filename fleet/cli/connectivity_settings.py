"""``fleet connectivity thresholds|threshold-set|prices|price-set``: the analysis's thresholds and the plan's
price table (``fleet.connectivity.settings``) for the operator: listed as tab-separated lines, set one at a time
(a value out of its range ends with exit code 1 and the coded error; nothing is changed)."""

from __future__ import annotations

from dataclasses import asdict

import click

from fleet import db
from fleet.cli.common import make_app, writing
from fleet.connectivity import settings
from fleet.connectivity.analysis import Thresholds

DEFAULTS = asdict(Thresholds())
NUMBERS = {"ignore_unknown_options": True}  # "-1" is a value (refused by its range), not an option


def _g(value: float) -> str:
    return f"{value:g}"


@click.command("thresholds")
def thresholds() -> None:
    """The analysis's thresholds: key, value in force, default (tab-separated)."""
    with make_app().app_context():
        values = asdict(settings.thresholds(db.session()))
    for key in settings.KEYS:
        click.echo(f"{key}\t{_g(values[key])}\t{_g(DEFAULTS[key])}")


@click.command("threshold-set", context_settings=NUMBERS)
@click.argument("key")
@click.argument("value")
def threshold_set(key: str, value: str) -> None:
    """Set threshold KEY to VALUE (a number within its range)."""
    with writing() as session:
        changed = asdict(settings.set_threshold(session, key, value))  # type: ignore[arg-type]
    click.echo(f"{key}\t{_g(changed[key])}")


@click.command("prices")
def prices() -> None:
    """The plan's price table: measure, unit, EUR per unit (tab-separated)."""
    with make_app().app_context():
        table = settings.prices(db.session())
    for p in table.values():
        click.echo(f"{p.measure}\t{p.unit}\t{p.unit_price:.2f}")


@click.command("price-set", context_settings=NUMBERS)
@click.argument("measure")
@click.argument("eur")
def price_set(measure: str, eur: str) -> None:
    """Set MEASURE's price to EUR per unit (0 or more, e.g. 450.00)."""
    with writing() as session:
        p = settings.set_price(session, measure, eur)  # type: ignore[arg-type]
    click.echo(f"{p.measure}\t{p.unit}\t{p.unit_price:.2f}")


COMMANDS = [thresholds, threshold_set, prices, price_set]
