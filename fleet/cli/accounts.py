"""``fleet users`` (local accounts and their passwords) and ``fleet tokens`` (API tokens). Each change is
recorded in the access log as the operator's (the login name running the command), via "cli"."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from fleet import db
from fleet.access import access_log, auth
from fleet.cli.common import make_app, operator, writing
from fleet.errors import FleetError
from fleet.models import ApiToken, User


@click.group(help="Local user accounts.")
def users() -> None:
    pass


@users.command("add", help="Add a local user with a role (admin, warehouse, school_it, ministry, founder_manager, "
                            "auditor).")
@click.argument("name")
@click.option("--role", required=True)
@click.option("--school", "schools", multiple=True, help="school registration number (school_it; repeatable)")
@click.option("--founder", "founders", multiple=True, help="founder code (founder_manager; repeatable)")
@click.option("--password-stdin", is_flag=True, help="read a password for web sign-in from stdin")
def users_add(name: str, role: str, schools: tuple[str, ...], founders: tuple[str, ...], password_stdin: bool) -> None:
    with writing() as session:
        user = auth.add_user(session, name, role, list(schools), list(founders))
        if password_stdin:
            auth.set_password(user, sys.stdin.readline().rstrip("\n"))
        scope = {"role": role, "schools": " ".join(schools), "founders": " ".join(founders)}
        _changed(session, "user_added", user.name, "fleet users add", **{k: v for k, v in scope.items() if v})
    click.echo(f"user {user.name} ({user.role}) added", err=True)


@users.command("password", help="Set a local user's password for web sign-in, read from stdin.")
@click.argument("name")
def users_password(name: str) -> None:
    with writing() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise FleetError("not_found", f"user {name!r} not found")
        if user.source != "local":
            raise FleetError("conflict", f"{name!r} signs in through the directory; its password is kept there")
        auth.set_password(user, sys.stdin.readline().rstrip("\n"))
        _changed(session, "password_set", user.name, "fleet users password")
    click.echo(f"password of {name} set", err=True)


@users.command("list", help="List users: name, role, where they come from, their schools or founders, whether "
                             "they have a password, and when the directory withdrew them.")
def users_list() -> None:
    with make_app().app_context():
        for u in db.session().scalars(select(User).order_by(User.name)):
            scope = ",".join([school.registration_number for school in u.schools] + [f.code for f in u.founders]) or "-"
            password = "password" if u.password_hash else "-"
            withdrawn = f"\twithdrawn {u.withdrawn_at:%Y-%m-%d}" if u.withdrawn_at else ""
            click.echo(f"{u.name}\t{u.role}\t{u.source}\t{scope}\t{password}{withdrawn}")


@click.group(help="API tokens.")
def tokens() -> None:
    pass


@tokens.command("create", help="Print a new API token for user NAME on stdout, nothing else.")
@click.argument("name")
@click.option("--label", default="cli", show_default=True, help="what the token is for")
def tokens_create(name: str, label: str) -> None:
    with writing() as session:
        token, plain = auth.create_token(session, name, label)
        _changed(session, "token_created", token.user.name, "fleet tokens create", token=token.name, token_id=token.id)
    click.echo(plain)


@tokens.command("list", help="List tokens (never the tokens themselves): id, user, label, state, last use.")
@click.option("--user", "user_name", default=None, help="only this user's tokens")
def tokens_list(user_name: str | None) -> None:
    with make_app().app_context():
        query = select(ApiToken).join(User).order_by(ApiToken.id)
        if user_name:
            query = query.where(User.name == user_name)
        rows = db.session().scalars(query)
        for t in rows:
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            click.echo(f"{t.id}\t{t.user.name}\t{t.name}\t{state}\tlast used {used}")


@tokens.command("revoke", help="Revoke a token by its id (see 'fleet tokens list').")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    with writing() as session:
        token = auth.revoke_token(session, token_id)
        _changed(session, "token_revoked", token.user.name, "fleet tokens revoke", token=token.name, token_id=token.id)
    click.echo(f"token {token_id} revoked", err=True)


def _changed(session, event: str, user: str, command: str, **details) -> None:
    access_log.account_changed(session, event, operator(), user, via="cli", what=command, **details)
