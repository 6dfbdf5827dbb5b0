"""``fleet connectivity rounds | round-open | round-set | import``: the survey's rounds (``fleet.connectivity.survey``)
and a founder's file of answers imported by the operator (``fleet.connectivity.survey_import``), for any school.
Each command writes all or nothing; a refused import lists every bad line, one a line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from fleet.cli.common import fail, operator, writing
from fleet.errors import FleetError


def _fail_listing(e: FleetError) -> None:
    """The error, and each bad line or field of it on a line of its own."""
    details = e.localized_details("en")
    for detail in details if isinstance(details, list) else []:
        if not isinstance(detail, dict):
            continue
        field = f"{detail['field']}: " if detail.get("field") else ""
        where = f"line {detail['line']}: {field}" if "line" in detail else field
        click.echo(f"  {where}{detail.get('message') or detail.get('reason', '')}", err=True)
    fail(e)


def _day(text: str, option: str) -> date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    fail(FleetError("invalid_input", f"{option} must be YYYY-MM-DD, not {text!r}"))


def _budget(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value.as_tuple().exponent < -2:
        fail(FleetError("invalid_input", f"--budget must be an amount in EUR with at most 2 decimals, not {text!r}"))
    return value


def _line(r) -> str:
    budget = f"{r.budget:.2f}" if r.budget is not None else "-"
    return f"{r.code}\t{r.opens_on.isoformat()}\t{r.deadline.isoformat()}\t{budget}\t{r.title}"


@click.command("rounds", help="The survey's rounds, the newest first: code, opens, deadline, budget (EUR), title.")
def rounds() -> None:
    from fleet.connectivity import survey

    with writing() as session:
        for r in survey.rounds(session):
            click.echo(_line(r))


@click.command("round-open", help="Open a survey round CODE (e.g. 2026): answers are taken from --opens to "
                                  "--deadline (Riga days, YYYY-MM-DD).")
@click.argument("code")
@click.option("--title", required=True, help="the round's title, e.g. 'Skolu pieslēgumu aptauja 2026'")
@click.option("--opens", required=True, help="the first day answers are taken, YYYY-MM-DD")
@click.option("--deadline", required=True, help="the last day answers are taken, YYYY-MM-DD")
@click.option("--budget", default=None, help="the improvement plan's budget in EUR, e.g. 250000.00")
def round_open(code: str, title: str, opens: str, deadline: str, budget: str | None) -> None:
    from fleet.connectivity import survey

    opens_on, last = _day(opens, "--opens"), _day(deadline, "--deadline")
    amount = _budget(budget) if budget is not None else None
    with writing() as session:
        made = survey.open_round(session, code, title, opens_on, last, amount)
        shown = _line(made)
    click.echo(f"round opened: {shown}")


@click.command("round-set", help="Change round CODE's deadline, budget (--no-budget clears it) or title.")
@click.argument("code")
@click.option("--deadline", default=None, help="the last day answers are taken, YYYY-MM-DD")
@click.option("--budget", default=None, help="the improvement plan's budget in EUR")
@click.option("--no-budget", is_flag=True, help="clear the budget")
@click.option("--title", default=None, help="the round's title")
def round_set(code: str, deadline: str | None, budget: str | None, no_budget: bool, title: str | None) -> None:
    from fleet.connectivity import survey

    if budget is not None and no_budget:
        fail(FleetError("invalid_input", "--budget and --no-budget exclude each other"))
    last = _day(deadline, "--deadline") if deadline is not None else None
    amount = _budget(budget) if budget is not None else None
    with writing() as session:
        changed = survey.change_round(session, code, title=title, deadline=last, budget=amount,
                                      clear_budget=no_budget)
        shown = _line(changed)
    click.echo(f"round changed: {shown}")


@click.command("import", help="Import a file of survey answers into round --round: CSV (';' or ',', UTF-8 with or "
                              "without BOM, or Windows-1257) or XLSX, a header row 'school' + question keys, one "
                              "row a school's submission. All or nothing; every bad line is listed.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--round", "code", required=True, help="the round's code")
def import_file(file: Path, code: str) -> None:
    from fleet.access.policy import Principal
    from fleet.connectivity import survey, survey_import

    scope = Principal(0, operator(), "admin").scope  # the operator: every school
    with writing() as session:
        survey_round = survey.round_by_code(session, code)
        try:
            with file.open("rb") as f:
                data = f.read(survey_import.MAX_BYTES + 1)  # more is too large: not read whole
            done = survey_import.import_answers(session, scope, survey_round, data, file.name)
        except FleetError as e:
            session.rollback()
            _fail_listing(e)
        lines = [f"{s.registration_number}\tversion {a.version}\t{a.status}" for s, a in done.answers]
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} school(s) imported into round {code}")


COMMANDS = [rounds, round_open, round_set, import_file]
