"""``fleet connectivity``: the survey's rounds and a founder's import of answers (``survey_commands``), the
plan's prices and thresholds (``settings_commands``), measurement links for school laptops
(``measure_commands``). Run by the operator; each command writes all or nothing."""

from __future__ import annotations

import click

from fleet.cli import connectivity_measure, connectivity_settings, connectivity_survey


@click.group("connectivity", help="The schools' connectivity survey: rounds, answers, prices, thresholds, links.")
def connectivity() -> None:
    pass


for _command in (*connectivity_survey.COMMANDS, *connectivity_settings.COMMANDS, *connectivity_measure.COMMANDS):
    connectivity.add_command(_command)
