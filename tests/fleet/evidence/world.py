"""A small programme for the evidence pack's tests: two founders' schools, devices delivered under a
Recovery Fund contract and handed over (in 2023) to eligible pupils with signed agreements, one bought
from REACT-EU (withheld), one awaiting a signature (not counted); the worker's pass; the pack unzipped
and ``verify.py`` run on it as an auditor would, offline."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update

from fleet import evidence, lifecycle
from fleet.access.policy import Principal, Scope
from fleet.lending import agreements, loans
from fleet.models import Agreement, Device, Loan, Pupil
from provisioning import deliveries
from tests.factories import ContractFactory, DeliveryFactory, DeviceFactory, PupilFactory, SchoolFactory

URL = "https://fleet.example.lv"
SEE_ALL = Scope.of(Principal(0, "factory", "admin"))
HANDED_AT = datetime(2023, 3, 1, 9, 0, tzinfo=UTC)
SIGNED_AT = datetime(2023, 3, 2, 17, 30, tzinfo=UTC)


@dataclass
class World:
    founder: str
    other_founder: str
    counted: list[str] = field(default_factory=list)  # serials counted toward the targets
    other_counted: list[str] = field(default_factory=list)  # … at the other founder's school
    withheld: str = ""
    unsigned: str = ""
    names: list[str] = field(default_factory=list)  # every pupil's and guardian's name


def walk(session, device: Device, school) -> None:
    """A delivered (expected) device received, imaged, labelled, shipped to ``school`` and arrived."""
    for action, params in (("receive", {}), ("image", {"image": "win11-edu-v3"}), ("label", {}),
                           ("ship", {"school": school.registration_number}), ("arrive", {})):
        lifecycle.apply(session, device, action, params, "factory", via="loans")


def lend(session, world: World, device: Device, school, sign: bool = True) -> Loan:
    pupil = PupilFactory(school=school)
    world.names += [pupil.given_name, pupil.family_name, pupil.guardian_name]
    handed = loans.hand_over(session, SEE_ALL, loans.HandOver(device.serial, pupil.id), URL)
    if sign:
        guardian = pupil.guardian_name
        agreements.sign(session, handed.agreement, "desk", guardian, kind="typed", typed_name=guardian)
    return handed.loan


def seeded(session) -> None:
    """Migration 0016's funding sources and targets, when a database reset emptied them."""
    import importlib

    from fleet.models import FundingSource, ProgrammeTarget

    seeds = importlib.import_module("fleet.migrations.versions.0016_reports")
    if session.scalar(select(FundingSource.code).limit(1)) is None:
        session.add_all(FundingSource(code=c, name_lv=lv, name_en=en, budget=b, programme=p)
                        for c, lv, en, b, p in seeds.SOURCES)
    if session.scalar(select(ProgrammeTarget.id).limit(1)) is None:
        session.add_all(ProgrammeTarget(due_on=d, target=t, wording_lv=lv, wording_en=en)
                        for d, t, lv, en in seeds.TARGETS)
    session.commit()


def make_world(session, devices: int = 3) -> World:
    seeded(session)
    school, other = SchoolFactory(), SchoolFactory()
    world = World(school.founder.code, other.founder.code)
    contract = ContractFactory(funding_source="rrf")
    serials = [f"EVD{n:05d}" for n in range(devices + 1)]
    delivery = DeliveryFactory(contract=contract, serials=serials)
    for serial in serials:
        device = session.scalar(select(Device).where(Device.serial == serial))
        walk(session, device, school if serial != serials[-1] else other)
        lend(session, world, device, school if serial != serials[-1] else other)
        (world.counted if serial != serials[-1] else world.other_counted).append(serial)
    deliveries.close(session, delivery, "noliktava")
    react = DeviceFactory(status="at_school", school=school, contract=ContractFactory(funding_source="react_eu"))
    lend(session, world, react, school)
    world.withheld = react.serial
    waiting = DeviceFactory(status="at_school", school=school, contract=contract)
    lend(session, world, waiting, school, sign=False)
    world.unsigned = waiting.serial
    session.execute(update(Loan).values(handed_over_at=HANDED_AT))
    session.execute(update(Agreement).where(Agreement.signed_at.is_not(None)).values(signed_at=SIGNED_AT))
    session.commit()
    world.names = sorted({n for n in world.names if n} | set(session.scalars(select(Pupil.guardian_name))))
    return world


def work(app) -> int | None:
    """One pass of the worker's evidence step."""
    return evidence.run_due(app.extensions["fleet.sessionmaker"], app.config["FLEET"], app.instance_path,
                            app.extensions["fleet.read_sessionmaker"])


def download(api, pack_id: int, into: Path) -> Path:
    r = api.get(f"evidence/{pack_id}/pack.zip")
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "application/zip" and "attachment" in r.headers["Content-Disposition"]
    import hashlib

    data = r.get_data()
    r.close()
    assert hashlib.sha256(data).hexdigest() == r.headers["X-Content-SHA256"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        z.extractall(into)
    return into


def verify(pack: Path) -> subprocess.CompletedProcess:
    """``verify.py`` run as an auditor runs it: its own Python, isolated (-I: no site packages, no
    environment), inside the unzipped pack."""
    return subprocess.run([sys.executable, "-I", "verify.py"], cwd=pack, capture_output=True, text=True,
                          timeout=120, check=False)
