"""``fleet directory sync`` (the directory's word on every directory user) and ``fleet throttle clear``
(let a throttled address sign in again)."""

from __future__ import annotations

import click
from flask import current_app

from fleet.cli.common import operator, writing


@click.group("directory", help="The directory (LDAP) that signs users in.")
def directory_group() -> None:
    pass


@directory_group.command("sync", help="Apply the directory's word to every directory user now: roles and schools "
                                      "as they are; leavers' tokens and sessions revoked. Run it from cron.")
def directory_sync() -> None:
    from fleet.access import staff_login

    with writing() as session:
        report = staff_login.sync(session, current_app.config["FLEET"])
    for label, names in (("updated", report.updated), ("withdrawn", report.withdrawn)):
        if names:
            click.echo(f"{label}: {', '.join(names)}")
    click.echo(f"{len(report.unchanged)} unchanged, {len(report.updated)} updated, {len(report.withdrawn)} withdrawn")


@click.group("throttle", help="The sign-in throttle (FLEET_SIGNIN_FAILURES_PER_USER, …_PER_ADDRESS).")
def throttle_group() -> None:
    pass


@throttle_group.command("clear", help="Let sign-ins from ADDRESS through again now (e.g. a school's NAT address "
                                      "throttled by failures that were not its staff's): the failures so far no "
                                      "longer count against the address; each username's own count stays. "
                                      "Recorded in the access log.")
@click.argument("address")
def throttle_clear(address: str) -> None:
    from fleet.access import throttle

    with writing() as session:
        entry = throttle.clear(session, address, operator(), current_app.config["FLEET"])
        cleared, forgiven = entry.address, entry.details["failures"]
    click.echo(f"{cleared}: {forgiven} failed sign-in{'' if forgiven == 1 else 's'} no longer count against the "
               f"address (each username's own failures still do)")
