"""``fleet funding``: other funds' serial registers (the double-funding check), the funding sources' budgets and
the programme's targets (``fleet.reports.other_funds``). Run by the operator; each command writes all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from fleet.cli.common import fail, operator, writing
from fleet.errors import FleetError


@click.group("funding", help="Funding sources, their budgets, the programme's targets, other funds' registers.")
def funding() -> None:
    pass


def _fail_listing(e: FleetError) -> None:
    """The error, and each bad line or field of it on a line of its own."""
    details = e.localized_details("en")
    for detail in details if isinstance(details, list) else []:
        if not isinstance(detail, dict):
            continue
        where = f"line {detail['line']}: " if "line" in detail else f"{detail.get('field', '')}: "
        click.echo(f"  {where}{detail.get('message') or detail.get('reason', '')}", err=True)
    fail(e)


@funding.command("import-other", help="Import another fund's register of serials (CSV with a 'serial' or "
                                       "'sērijas numurs' column, ';' or ',', UTF-8 or Windows-1257; or XLSX): "
                                       "a programme device with one of them is double funding. All or nothing.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", "code", required=True, help="the other fund's funding source code, e.g. react_eu")
@click.option("--reference", required=True, help="the register or contract the serials come from")
def import_other(file: Path, code: str, reference: str) -> None:
    from fleet.reports import other_funds

    with writing() as session:
        try:
            done = other_funds.import_register(session, file.read_bytes(), code, reference, operator())
        except FleetError as e:
            session.rollback()
            _fail_listing(e)
    click.echo(f"{done.added} serial(s) imported from {code}; {done.already} already on the register")


@funding.command("sources", help="The funding sources with their budgets (EUR) and whether they are the programme's.")
def sources() -> None:
    from sqlalchemy import select

    from fleet.models import FundingSource

    with writing() as session:
        for s in session.scalars(select(FundingSource).order_by(FundingSource.code)):
            budget = f"{s.budget:.2f}" if s.budget is not None else "-"
            kind = "programme" if s.programme else "other"
            click.echo(f"{s.code}\t{budget}\t{kind}\t{s.name_lv}\t{s.name_en}")


@funding.command("budget", help="Set a funding source's budget in EUR (AMOUNT e.g. 15000000.00; 'none' clears it).")
@click.argument("code")
@click.argument("amount")
def budget(code: str, amount: str) -> None:
    from fleet.reports import other_funds

    with writing() as session:
        found = other_funds.set_budget(session, code, amount)
        shown = f"{found.budget:.2f}" if found.budget is not None else "none"
    click.echo(f"{code}: budget {shown}")


@funding.command("target", help="Add the programme's target due on DATE (YYYY-MM-DD), or change it: COUNT devices "
                                 "provided to the target group cumulatively by that day.")
@click.argument("due_on", metavar="DATE")
@click.argument("count", type=int)
@click.option("--wording-lv", default=None, help="the target's wording in Latvian (required for a new target)")
@click.option("--wording-en", default=None, help="the target's wording in English (required for a new target)")
def target(due_on: str, count: int, wording_lv: str | None, wording_en: str | None) -> None:
    from fleet.reports import other_funds

    try:
        day = date.fromisoformat(due_on) if len(due_on) == 10 else None
    except ValueError:
        day = None
    if day is None:
        fail(FleetError("invalid_input", f"DATE must be YYYY-MM-DD, not {due_on!r}"))
    with writing() as session:
        try:
            saved = other_funds.set_target(session, day, count, wording_lv, wording_en)
        except FleetError as e:
            session.rollback()
            _fail_listing(e)
        shown = f"{saved.due_on.isoformat()}\t{saved.target}"
    click.echo(f"target {shown}")


@funding.command("targets", help="The programme's targets: date, count, wording (Latvian, English).")
def targets() -> None:
    from sqlalchemy import select

    from fleet.models import ProgrammeTarget

    with writing() as session:
        for t in session.scalars(select(ProgrammeTarget).order_by(ProgrammeTarget.due_on)):
            click.echo(f"{t.due_on.isoformat()}\t{t.target}\t{t.wording_lv}\t{t.wording_en}")
