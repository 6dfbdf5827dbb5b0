"""The ``fleet`` command line: database, serving, users and tokens, demo data, verification."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import db, history, migrations
from fleet.access import auth
from fleet.errors import FleetError
from fleet.models import ApiToken, User


def _app(served_at: str | None = None) -> Flask:
    """The app configured from FLEET_*; ``served_at``: where ``fleet serve`` listens (the public URL
    outside production when FLEET_PUBLIC_URL is unset)."""
    from fleet.app import create_app
    from fleet.config import Config, ConfigError

    try:
        return create_app(Config.from_env(served_at=served_at))
    except ConfigError as e:  # a bad FLEET_* setting: one line saying which, not a traceback
        _fail(FleetError("invalid_input", str(e)))


def _fail(e: FleetError) -> NoReturn:
    click.echo(f"error: {e.message} [{e.code}]", err=True)
    sys.exit(1)


@contextmanager
def _writing() -> Iterator[Session]:
    """The command's session in the app's context: a ``FleetError`` ends the command with its
    code (exit 1, nothing written); otherwise what it wrote is committed."""
    with _app().app_context():
        session = db.session()
        try:
            yield session
        except FleetError as e:
            _fail(e)
        session.commit()


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


@main.command(help="Serve the web app and API under gunicorn. A request gets a thread only when it has arrived "
                   "whole, so slow or stalled clients cost a connection, not a thread (fleet/serving.py).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int, help="threads per worker")
@click.option("--header-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="seconds a client has to send a request's head (else 408)")
@click.option("--body-timeout", default=20.0, show_default=True, type=click.FloatRange(min=0.1),
              help="seconds a request body may pause (else 408); also how long a thread waits on a client")
@click.option("--reload", is_flag=True, help="restart when the code changes (development)")
def serve(host: str, port: int, workers: int, threads: int, header_timeout: float, body_timeout: float,
          reload: bool) -> None:
    from gunicorn.app.base import BaseApplication

    from fleet import serving
    from fleet.config import served_url

    url = served_url(host, port)
    app = _app(url)  # fail here, before forking, when the configuration is wrong
    click.echo(f"serving on {url}; public URL (labels, agreements): {app.config['FLEET'].public_url}", err=True)
    worker = serving.worker_class(app.config["MAX_CONTENT_LENGTH"], header_timeout, body_timeout)

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", worker)
            self.cfg.set("reload", reload)
            self.cfg.set("accesslog", "-")
            # gunicorn's control socket has one default path per user: two servers on a machine
            # (a test beside a benchmark) would take it from each other. Fleet does not use it.
            self.cfg.set("control_socket_disable", True)

        def load(self):
            return _app(url)

    Server().run()


@main.group(help="Local user accounts.")
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
    with _writing() as s:
        user = auth.add_user(s, name, role, list(schools), list(founders))
        if password_stdin:
            auth.set_password(user, sys.stdin.readline().rstrip("\n"))
    click.echo(f"user {user.name} ({user.role}) added", err=True)


@users.command("password", help="Set a local user's password for web sign-in, read from stdin.")
@click.argument("name")
def users_password(name: str) -> None:
    with _writing() as s:
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            raise FleetError("not_found", f"user {name!r} not found")
        if user.source != "local":
            raise FleetError("conflict", f"{name!r} signs in through the directory; its password is kept there")
        auth.set_password(user, sys.stdin.readline().rstrip("\n"))
    click.echo(f"password of {name} set", err=True)


@users.command("list", help="List users: name, role, where they come from, their schools or founders, whether "
                             "they have a password, and when the directory withdrew them.")
def users_list() -> None:
    with _app().app_context():
        for u in db.session().scalars(select(User).order_by(User.name)):
            scope = ",".join([s.registration_number for s in u.schools] + [f.code for f in u.founders]) or "-"
            password = "password" if u.password_hash else "-"
            withdrawn = f"\twithdrawn {u.withdrawn_at:%Y-%m-%d}" if u.withdrawn_at else ""
            click.echo(f"{u.name}\t{u.role}\t{u.source}\t{scope}\t{password}{withdrawn}")


@main.group(help="API tokens.")
def tokens() -> None:
    pass


@tokens.command("create", help="Print a new API token for user NAME on stdout, nothing else.")
@click.argument("name")
@click.option("--label", default="cli", show_default=True, help="what the token is for")
def tokens_create(name: str, label: str) -> None:
    with _writing() as s:
        _, plain = auth.create_token(s, name, label)
    click.echo(plain)


@tokens.command("list", help="List tokens (never the tokens themselves): id, user, label, state, last use.")
@click.option("--user", "user_name", default=None, help="only this user's tokens")
def tokens_list(user_name: str | None) -> None:
    with _app().app_context():
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
    with _writing() as s:
        auth.revoke_token(s, token_id)
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


@main.group("directory", help="The directory (LDAP) that signs users in.")
def directory_group() -> None:
    pass


@directory_group.command("sync", help="Apply the directory's word to every directory user now: roles and schools "
                                      "as they are; leavers' tokens and sessions revoked. Run it from cron.")
def directory_sync() -> None:
    from fleet.access import staff_login

    with _writing() as session:
        report = staff_login.sync(session, current_app.config["FLEET"])
    for label, names in (("updated", report.updated), ("withdrawn", report.withdrawn)):
        if names:
            click.echo(f"{label}: {', '.join(names)}")
    click.echo(f"{len(report.unchanged)} unchanged, {len(report.updated)} updated, {len(report.withdrawn)} withdrawn")


@main.group(help="Personal data of pupils.")
def privacy() -> None:
    pass


@privacy.command("purge", help="Anonymise pupils whose last loan ended more than the retention ago "
                               "(FLEET_PUPIL_RETENTION_MONTHS, default 12; counts and agreement hashes stay), and "
                               "delete access-log entries older than FLEET_ACCESS_LOG_RETENTION_MONTHS (default 24), "
                               "and the outbox's sent and given-up e-mails after 30 days.")
@click.option("--months", type=int, default=None, help="the pupils' retention in months (overrides the setting)")
@click.option("--access-log-months", type=int, default=None,
              help="the access log's retention in months (overrides the setting)")
def privacy_purge(months: int | None, access_log_months: int | None) -> None:
    from fleet import outbox
    from fleet.access import access_log
    from fleet.lending import loans

    if any(m is not None and m < 1 for m in (months, access_log_months)):
        _fail(FleetError("invalid_input", "a retention must be at least 1 month"))
    with _writing() as session:
        config = current_app.config["FLEET"]
        months = config.pupil_retention_months if months is None else months
        log_months = config.access_log_retention_months if access_log_months is None else access_log_months
        purged = loans.purge(session, months)
        deleted = access_log.purge(session, log_months)
        mails = outbox.purge(session)
    click.echo(f"{purged} pupil(s) anonymised (retention {months} months); "
               f"{deleted} access-log entr{'y' if deleted == 1 else 'ies'} deleted (retention {log_months} months); "
               f"{mails} sent or given-up e-mail(s) deleted (retention {outbox.RETENTION_DAYS} days)")


@main.command(help="Send the outbox's e-mails to guardians (FLEET_SMTP_*): runs until stopped, every INTERVAL "
                   "seconds; failures are retried with backoff and given up after 8 attempts (GET /api/v1/outbox"
                   "?state=dead). Run one beside `fleet serve` (scripts/run does), or --once from cron.")
@click.option("--once", is_flag=True, help="send what is due now, then exit")
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(min=0.1),
              help="seconds between looks at the outbox")
def worker(once: bool, interval: float) -> None:
    import logging
    import time

    from fleet import outbox

    app = _app()
    config = app.config["FLEET"]
    if config.smtp is None:
        click.echo("FLEET_SMTP_HOST is not set: no e-mail is queued or sent", err=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    writes = app.extensions["fleet.sessionmaker"]
    if not once:
        click.echo(f"fleet worker: sending the outbox every {interval:g} s", err=True)
    try:
        while True:
            run = outbox.run_once(writes, config.smtp, config.public_url)
            if once:
                click.echo(str(run))
                return
            if run.sent or run.retried or run.dead:
                logging.getLogger("fleet.worker").info("%s", run)
            time.sleep(interval)
    except KeyboardInterrupt:
        return


@main.group("throttle", help="The sign-in throttle (FLEET_SIGNIN_FAILURES_PER_USER, …_PER_ADDRESS).")
def throttle_group() -> None:
    pass


@throttle_group.command("clear", help="Let sign-ins from ADDRESS through again now (e.g. a school's NAT address "
                                      "throttled by failures that were not its staff's): the failures so far no "
                                      "longer count against the address; each username's own count stays. "
                                      "Recorded in the access log.")
@click.argument("address")
def throttle_clear(address: str) -> None:
    import getpass

    from fleet.access import throttle

    try:
        operator = getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        operator = "cli"
    with _writing() as session:
        entry = throttle.clear(session, address, operator, current_app.config["FLEET"])
        cleared, forgiven = entry.address, entry.details["failures"]
    click.echo(f"{cleared}: {forgiven} failed sign-in{'' if forgiven == 1 else 's'} no longer count against the "
               f"address (each username's own failures still do)")
