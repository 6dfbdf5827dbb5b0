"""A small, realistic demo world (``fleet demo``): three municipalities and four schools, two
contracts (RRF and state budget), two deliveries (one closed with missing and unexpected serials,
one still arriving), printer profiles, shipments arrived and one in transit, a class of 25 pupils
with loans in every agreement state (awaiting, signed by link, at the desk, on paper), a return
with a missing charger, a lost and a stolen laptop, a repair and a closed stocktake, a class (5.a at
Purvciems) imported from the school register and waiting for its hand-out with its laptops at the
school, a connectivity survey round with one school of each diagnosis (``connectivity``) — and one user
(with an API token and a password) per role.

Everything goes through the domain's use cases (the functions the API calls), so the world is
valid by construction and ``fleet verify`` passes. The people and places are in ``data``, the
steps in ``world``.
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fleet import catalog
from fleet.access import auth
from fleet.demo import connectivity, data, world
from fleet.errors import FleetError
from fleet.models import Device, Founder
from fleet.reports import rollup

USERS = [  # name, role, schools, founders
    ("demo-admin", "admin", [], []),
    (world.WAREHOUSE, "warehouse", [], []),
    (world.SCHOOL_IT, "school_it", [data.PURVCIEMS], []),
    ("ministrija", "ministry", [], []),
    ("valmiera-novads", "founder_manager", [], ["VALMIERA"]),
    ("revidents", "auditor", [], []),
]


def _public_url() -> str:
    from flask import current_app

    return current_app.config["FLEET"].public_url


def load(session: Session, public_url: str | None = None) -> list[str]:
    """Load the demo data into an empty database; the lines to print (the tokens among them).
    ``public_url`` (default: the app's) goes into the agreements' signing links."""
    if session.scalar(select(Founder.id).limit(1)) is not None:
        raise FleetError("conflict", "the database already holds data; the demo loads only into an empty one")
    for f in data.FOUNDERS:
        catalog.create_founder(session, f)
    for s in data.SCHOOLS:
        catalog.create_school(session, s)
    for c in data.CONTRACTS:
        catalog.create_contract(session, c)
    lent = world.story(session, public_url or _public_url())
    measured = connectivity.survey_story(session, world._as(world.ACTOR))
    devices = session.scalar(select(func.count()).select_from(Device))

    lines = [f"Demo data loaded: {len(data.FOUNDERS)} founders, {len(data.SCHOOLS)} schools, "
             f"{len(data.CONTRACTS)} contracts, {devices} devices, {lent['pupils']} pupils, {lent['loans']} loans, "
             f"a connectivity survey round with {measured} speed measurements.",
             "Users: name, role, API token, password for /login (shown once):"]
    for name, role, schools, founders in USERS:
        user = auth.add_user(session, name, role, schools, founders)
        password = secrets.token_urlsafe(12)
        auth.set_password(user, password)
        _, token = auth.create_token(session, name, "demo")
        lines.append(f"  {name:<15} {role:<15} {token}  {password}")
    rollup.refresh(session)  # the dashboard has figures at once
    session.commit()
    return lines
