"""``fleet report NAME``: a programme report for cron, over every school (the operator's reach).

``--format json`` (default) or ``csv`` (one ``--table``, ``;`` with a byte-order mark, or ``--sep comma``) go to
standard output unless ``--output FILE``; ``xlsx`` and ``pdf`` need ``--output``, or a standard output that is
not a terminal (a pipe, a redirect). ``fleet report --list`` names the reports. Bad input (an unknown report,
table, founder or round, a bad date) ends with exit code 1 and the coded error on standard error."""

from __future__ import annotations

import json
import sys
from datetime import date

import click

from fleet import db
from fleet.cli.common import fail, make_app
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.reports import TITLES, Params, Reach, build, files, names, render

EVERY_SCHOOL = Reach(all_schools=True)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise invalid(_l("--as-of must be a date, YYYY-MM-DD"), [{"field": "as_of"}])


@click.command("report")
@click.argument("name", required=False)
@click.option("--list", "listing", is_flag=True, help="Name the reports and stop.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The day the figures are for (default: today, Riga).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "pdf"]), default="json",
              show_default=True)
@click.option("--founder", metavar="CODE", help="One founder's schools.")
@click.option("--school", metavar="REG", help="One school (its registration number).")
@click.option("--round", "survey_round", metavar="CODE",
              help="connectivity: the survey round (its code; default the latest).")
@click.option("--lang", type=click.Choice(["lv", "en"]), default="lv", show_default=True)
@click.option("--table", metavar="NAME", help="csv: the table (default: the report's first).")
@click.option("--sep", type=click.Choice(["semicolon", "comma"]), default="semicolon", show_default=True,
              help="csv: ';' with a byte-order mark (Excel), or ','.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write to FILE.")
def report(name, listing, as_of, fmt, founder, school, survey_round, lang, table, sep, output) -> None:
    """A programme report (milestones, funding, health, pipeline, connectivity) as JSON, CSV, XLSX or PDF."""
    app = make_app()
    with app.test_request_context(f"/?lang={lang}"), app.app_context():
        try:
            if listing:
                for known in names():
                    click.echo(f"{known}\t{render.say(TITLES[known], lang)}")
                return
            if not name:
                raise invalid(_l("name a report (fleet report --list names them)"), [{"field": "name"}])
            if fmt in ("xlsx", "pdf") and not output and sys.stdout.isatty():
                raise invalid(_l("%(format)s is binary: give --output FILE, or redirect the output", format=fmt),
                              [{"field": "output"}])
            made = build(name, db.session(), EVERY_SCHOOL, Params(_day(as_of), founder, school, survey_round))
            data = _rendered(made, fmt, lang, table, sep)
        except FleetError as e:
            fail(e)
    if output:
        with open(output, "wb") as out:
            out.write(data)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def _rendered(made, fmt: str, lang: str, table: str | None, sep: str) -> bytes:
    if fmt == "json":
        return (json.dumps(render.as_json(made, lang), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files.as_file(made, fmt, lang, table, sep).data
