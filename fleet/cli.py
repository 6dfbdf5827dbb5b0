"""The ``fleet`` command line: database, serving, users and tokens, demo data, verification."""

from __future__ import annotations

import sys

import click
from flask import Flask
from sqlalchemy import select

from fleet import auth, db, history, migrations
from fleet.errors import FleetError
from fleet.models import ApiToken, User


def _app() -> Flask:
    from fleet.app import create_app

    return create_app()


def _fail(e: FleetError) -> None:
    click.echo(f"error: {e.message} [{e.code}]", err=True)
    sys.exit(1)


@click.group(help="Fleet: school laptops from delivery to pupil and back.")
def main() -> None:
    pass


@main.group("db", help="The database.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Create or migrate the database to the latest revision (Alembic).")
def db_upgrade() -> None:
    app = _app()
    with app.app_context():
        migrations.upgrade(db.engine())
        click.echo(f"database at revision {migrations.current(db.engine())}")


@main.command(help="Serve the web app and API under gunicorn.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int, help="threads per worker")
@click.option("--reload", is_flag=True, help="restart when the code changes (development)")
def serve(host: str, port: int, workers: int, threads: int, reload: bool) -> None:
    from gunicorn.app.base import BaseApplication

    _app()  # fail here, before forking, when the configuration is wrong

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("reload", reload)
            self.cfg.set("accesslog", "-")

        def load(self):
            return _app()

    Server().run()


@main.group(help="Local user accounts.")
def users() -> None:
    pass


@users.command("add", help="Add a local user with a role (admin, warehouse, school_it, ministry).")
@click.argument("name")
@click.option("--role", required=True)
@click.option("--school", "schools", multiple=True, help="school registration number (school_it)")
@click.option("--password-stdin", is_flag=True, help="read a password for web sign-in from stdin")
def users_add(name: str, role: str, schools: tuple[str, ...], password_stdin: bool) -> None:
    from werkzeug.security import generate_password_hash

    with _app().app_context():
        s = db.session()
        try:
            user = auth.add_user(s, name, role, list(schools))
        except FleetError as e:
            _fail(e)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
            if len(password) < 12:
                _fail(FleetError("invalid_input", "the password must be at least 12 characters"))
            user.password_hash = generate_password_hash(password, method="scrypt")
        s.commit()
        click.echo(f"user {user.name} ({user.role}) added", err=True)


@main.group(help="API tokens.")
def tokens() -> None:
    pass


@tokens.command("create", help="Print a new API token for user NAME on stdout, nothing else.")
@click.argument("name")
@click.option("--label", default="cli", show_default=True, help="what the token is for")
def tokens_create(name: str, label: str) -> None:
    with _app().app_context():
        s = db.session()
        try:
            _, plain = auth.create_token(s, name, label)
        except FleetError as e:
            _fail(e)
        s.commit()
        click.echo(plain)


@tokens.command("list", help="List tokens (never the tokens themselves).")
def tokens_list() -> None:
    with _app().app_context():
        rows = db.session().scalars(select(ApiToken).join(User).order_by(ApiToken.id))
        for t in rows:
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            click.echo(f"{t.id}\t{t.user.name}\t{t.name}\t{state}\tlast used {used}")


@tokens.command("revoke", help="Revoke a token by its id (see 'fleet tokens list').")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    with _app().app_context():
        s = db.session()
        try:
            auth.revoke_token(s, token_id)
        except FleetError as e:
            _fail(e)
        s.commit()
        click.echo(f"token {token_id} revoked", err=True)


@main.command(help="Load a small, realistic demo data set (into an empty database).")
def demo() -> None:
    from fleet import demo as demo_data

    with _app().app_context():
        try:
            lines = demo_data.load(db.session())
        except FleetError as e:
            _fail(e)
        for line in lines:
            click.echo(line)


@main.command(help="Check every device's event hash chain; exit 1 naming the first broken event.")
def verify() -> None:
    with _app().app_context():
        checked, broken = history.verify_all(db.session())
        if broken:
            click.echo(f"BROKEN: {broken}", err=True)
            sys.exit(1)
        click.echo(f"ok: {checked} device histories intact")
