"""The session of a request or CLI command: the app's engine and session factories (one that
writes, one that only reads), the session of the current request, closed at teardown."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from fleet.db.engines import WRITES, make_engine

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def init_app(app, url: str, info: dict) -> None:
    engine = make_engine(url)
    app.extensions["fleet.engine"] = engine
    app.extensions["fleet.sessionmaker"] = sessionmaker(
        engine.execution_options(**{WRITES: True}), expire_on_commit=False, info=info
    )
    app.extensions["fleet.read_sessionmaker"] = sessionmaker(engine, expire_on_commit=False, info=info)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["fleet.engine"]


def session() -> Session:
    """The session of this request or CLI command; closed (and rolled back) at teardown.

    Requests that only read (GET) get a session that does not take SQLite's write lock.
    """
    current = g.get("db_session")
    if current is None:
        reads = has_request_context() and request.method in READ_METHODS
        current = g.db_session = current_app.extensions["fleet.read_sessionmaker" if reads else "fleet.sessionmaker"]()
    return current


def _close_session(_exc=None) -> None:
    current = g.pop("db_session", None)
    if current is not None:
        current.close()
