"""A small, realistic demo data set: two municipalities, three schools, one contract, 48 laptops
at every stage of their life, and one user (with an API token and a password) per role."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import auth, catalog, lifecycle
from fleet.errors import FleetError
from fleet.models import Device, Founder

FOUNDERS = [
    {"code": "RIGA", "name": "Rīgas valstspilsētas pašvaldība"},
    {"code": "VALMIERA", "name": "Valmieras novada pašvaldība"},
]
SCHOOLS = [
    {"registration_number": "3113900701", "name": "Rīgas Purvciema vidusskola", "founder": "RIGA"},
    {"registration_number": "3113900702", "name": "Rīgas Ķengaraga pamatskola", "founder": "RIGA"},
    {"registration_number": "4213900703", "name": "Valmieras Pārgaujas ģimnāzija", "founder": "VALMIERA"},
]
CONTRACT = {
    "number": "IZM-2022/2.3.2.3.i-01", "supplier": "SIA Baltijas Datortehnika",
    "funding_source": "rrf", "unit_price": "612.40", "signed_on": "2022-09-14",
}
MODELS = [("Lenovo", "ThinkPad 11e Yoga Gen 6"), ("Dell", "Latitude 3120"), ("HP", "ProBook x360 11 G7")]
USERS = [  # name, role, schools, founders
    ("demo-admin", "admin", [], []),
    ("noliktava", "warehouse", [], []),
    ("purvciems-it", "school_it", ["3113900701"], []),
    ("ministrija", "ministry", [], []),
    ("valmiera-novads", "founder_manager", [], ["VALMIERA"]),
    ("revidents", "auditor", [], []),
]
ACTOR = "demo"


def _walk(session: Session, device: Device, steps: list[tuple[str, dict]]) -> None:
    for action, params in steps:
        lifecycle.apply(session, device, action, params, ACTOR)


def load(session: Session) -> list[str]:
    """Load the demo data into an empty database; the lines to print (the tokens among them)."""
    if session.scalar(select(Founder.id).limit(1)) is not None:
        raise FleetError("conflict", "the database already holds data; the demo loads only into an empty one")
    for f in FOUNDERS:
        catalog.create_founder(session, f)
    for s in SCHOOLS:
        catalog.create_school(session, s)
    contract = catalog.create_contract(session, CONTRACT)

    devices = [
        Device(serial=f"{maker[:2].upper()}{2022_0000 + n:08d}", manufacturer=maker, model=model, contract=contract)
        for n in range(48) for maker, model in [MODELS[n % 3]]
    ]
    devices = lifecycle.register(session, devices, ACTOR)
    imaged = [("receive", {}), ("image", {"image": "Windows 11 Education 23H2 / DIB v3", "station": "noliktava-1"})]
    for n, d in enumerate(devices):
        school = SCHOOLS[n % 3]["registration_number"]
        at_school = imaged + [("label", {}), ("ship", {"school": school}), ("arrive", {})]
        plan = [
            [],  # still expected on the delivery
            [("receive", {})],
            imaged,
            imaged + [("label", {})],
            imaged + [("label", {}), ("ship", {"school": school})],
            at_school, at_school, at_school,
        ][n % 8]
        if n == 13:
            plan = at_school + [("repair", {"fault": "Salūzis ekrāns / broken screen"})]
        if n == 21:
            plan = at_school + [("report_lost", {"notes": "Pazaudēts ekskursijā / lost on a school trip"})]
        _walk(session, d, plan)

    lines = ["Demo data loaded: 2 founders, 3 schools, 1 contract, 48 devices.",
             "Users: name, role, API token, password for /login (shown once):"]
    for name, role, schools, founders in USERS:
        user = auth.add_user(session, name, role, schools, founders)
        password = secrets.token_urlsafe(12)
        auth.set_password(user, password)
        _, token = auth.create_token(session, name, "demo")
        lines.append(f"  {name:<15} {role:<15} {token}  {password}")
    session.commit()
    return lines
