"""A process killed with SIGKILL in the middle of a write leaves all of it or none of it.

A child Python process builds the app on the test's database and sends one request through its
test client: a 3,000-line manifest import (``POST /api/v1/deliveries``, multipart CSV) or a class
hand-out of 30 pairs (``POST /api/v1/loans/class``). The first round runs to the end and measures
the request; the next ones kill the child at a moment in each quarter of 0-110 % of that time, and
the last one the moment the child says its commit begins. After each round the database holds the
whole delivery (its items, its devices, their first events) or hand-out (each loan with its
``hand_over`` event, its agreement and the agreement's PDF), or nothing of it; every device's
history chain verifies; and the same request, sent again from the test, is taken (after nothing)
or refused line by line or pair by pair (after everything, which it would repeat).

The child prints where it got to (``write``: the operation's first row was sent; ``commit``: its
commit began; ``committed``: the commit ended; ``done``: the answer was made), and the state must
agree: whole only once the commit began, whole whenever it ended. No timing is asserted.
"""

from __future__ import annotations

import io
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fleet import history
from fleet.models import Agreement, Delivery, DeliveryItem, Device, Document, Event, Loan
from tests.factories import (
    ContractFactory,
    DeviceFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    current_session,
    token_for,
)

ROOT = Path(__file__).resolve().parents[2]
KILLED_ROUNDS = 4  # at moments spread over the request, after one round that runs to the end; then one at commit
MANIFEST_ROWS = 3000
CLASS_SIZE = 30
CHILD_NAME = "fleet-kill-child"  # its PostgreSQL application_name: the parent waits for its backend to end

CHILD = r"""
import io, json, sys, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fleet import create_app
from fleet.config import Config

spec = json.loads(sys.argv[1])
config = Config(env="test", database_url=spec["url"], secret_key="t" * 40, public_url="https://fleet.example.lv")
app = create_app(config, instance_path=spec["instance"])
engine = app.extensions["fleet.engine"]
marks = set()
insert = "INSERT INTO " + spec["table"].upper() + " "


def say(word):
    if word not in marks:
        marks.add(word)
        sys.stdout.write(word + "\n")
        sys.stdout.flush()


@sa.event.listens_for(engine, "before_cursor_execute")
def _write(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip().upper().startswith(insert):
        say("write")


@sa.event.listens_for(engine, "commit")
def _commit(conn):  # before the driver's commit
    if "write" in marks:
        say("commit")


@sa.event.listens_for(Session, "after_commit")
def _committed(session):
    if "commit" in marks:
        say("committed")


client = app.test_client()
if "file" in spec:
    with open(spec["file"], "rb") as f:
        upload = io.BytesIO(f.read())
    kwargs = {"data": {**spec["form"], "file": (upload, "manifest.csv")}}
else:
    kwargs = {"json": spec["json"]}
say("start")
started = time.perf_counter()
r = client.post(spec["path"], headers=spec["headers"], **kwargs)
sys.stdout.write(f"done {r.status_code} {time.perf_counter() - started:.3f}\n")
sys.stdout.flush()
"""


class Child:
    """Runs one request in a child process; ``kill_after`` seconds after it starts, SIGKILL."""

    def __init__(self, database_url: str, tmp_path: Path):
        self.url = database_url
        if database_url.startswith("postgresql"):
            self.url += ("&" if "?" in database_url else "?") + f"application_name={CHILD_NAME}"
        self.tmp_path = tmp_path
        self.runs = 0

    def run(self, spec: dict, kill_after: float | str | None) -> tuple[list[str], float | None]:
        """The child's marks (and its request's duration when it finished). ``kill_after``: seconds
        after it starts, ``"commit"``: as soon as it says its commit began, None: no kill."""
        self.runs += 1
        spec = {**spec, "url": self.url, "instance": str(self.tmp_path / f"child-{self.runs}")}
        stderr_path = self.tmp_path / f"child-{self.runs}.stderr"
        with open(stderr_path, "wb") as stderr:
            proc = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(spec)], cwd=ROOT, stdout=subprocess.PIPE,
                                    stderr=stderr, text=True)
        try:
            lines = [proc.stdout.readline().strip()]
            if lines != ["start"]:
                proc.wait(60)
                pytest.fail(f"the child did not start: {lines}\n{stderr_path.read_text()}")
            if kill_after == "commit":
                while lines[-1] not in ("commit", "") and not lines[-1].startswith("done "):
                    lines.append(proc.stdout.readline().strip())
            elif kill_after is not None:
                time.sleep(kill_after)
            if kill_after is not None:
                proc.send_signal(signal.SIGKILL)  # even when it has finished, as long as it has not been reaped
            lines += proc.stdout.read().splitlines()
            code = proc.wait(120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        done = [line for line in lines if line.startswith("done ")]
        expected = {0} if kill_after is None else {0, -signal.SIGKILL} if done else {-signal.SIGKILL}
        assert code in expected, (code, lines, stderr_path.read_text())  # done: the kill may come as it exits
        self._wait_for_its_backend()
        return [line.split()[0] for line in lines if line], float(done[0].split()[2]) if done else None

    def _wait_for_its_backend(self) -> None:
        """On PostgreSQL, until the killed client's backend has ended its transaction and gone."""
        if not self.url.startswith("postgresql"):
            return  # SQLite: the kernel released the dead process's locks; the next opener recovers the WAL
        session = current_session()
        deadline = time.monotonic() + 30
        while True:
            session.commit()
            left = session.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"
                                       " AND datname = current_database()"),  # not another xdist worker's child
                                  {"name": CHILD_NAME})
            session.commit()
            if not left:
                return
            assert time.monotonic() < deadline, "the killed child's backend is still there after 30 s"
            time.sleep(0.05)


def stage(marks: list[str], finished: bool) -> str:
    if finished:
        return "finished"
    for mark, name in (("committed", "killed after commit"), ("commit", "killed during commit"),
                       ("write", "killed mid-write"), ("start", "killed before writing")):
        if mark in marks:
            return name
    raise AssertionError(marks)


def kill_moments(duration: float) -> list[float | str]:
    """One moment in each of KILLED_ROUNDS slices of 0-110 % of the request's duration, then the
    moment the child says its commit began."""
    rng = random.Random()
    return [duration * 1.1 * (i + rng.random()) / KILLED_ROUNDS for i in range(KILLED_ROUNDS)] + ["commit"]


def check_agrees(marks: list[str], whole: bool) -> None:
    """What the child printed agrees with what the database holds."""
    if whole:
        assert "commit" in marks, f"the operation is in the database but its commit never began: {marks}"
    if "committed" in marks:
        assert whole, f"the commit ended but the operation is not in the database: {marks}"


def counts(session, *models) -> tuple[int, ...]:
    session.commit()  # a fresh snapshot: the child and the requests commit elsewhere
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in models)


def chains_verify(session) -> None:
    """Every device's history chain verifies, read by a session of its own (the factories' one
    holds their devices as they were before the child changed them)."""
    session.commit()
    with Session(session.get_bind()) as fresh:
        devices = fresh.scalar(select(func.count()).select_from(Device))
        checked, broken = history.verify_all(fresh)
    assert (checked, broken) == (devices, None), str(broken)


# --- a manifest import ---------------------------------------------------------------------------

IMPORT_TABLES = (Delivery, DeliveryItem, Device, Event)


def test_a_killed_manifest_import_leaves_all_or_nothing(app, database_url, tmp_path):
    session = current_session()
    token = token_for(UserFactory(role="warehouse"))
    headers = {"Authorization": f"Bearer {token}"}
    child, client = Child(database_url, tmp_path), app.test_client()
    rounds, moments = [], [None]
    while moments:
        kill_after = moments.pop(0)
        n = len(rounds)
        contract = ContractFactory()
        serials = [f"PK{n}{i:07d}" for i in range(MANIFEST_ROWS)]
        manifest = "serial,manufacturer,model\r\n" + "".join(f"{s},Lenovo,ThinkPad 11e\r\n" for s in serials)
        path = tmp_path / f"manifest-{n}.csv"
        path.write_text(manifest)
        before = counts(session, *IMPORT_TABLES)

        marks, duration = child.run({"path": "/api/v1/deliveries", "headers": headers, "table": "deliveries",
                                     "form": {"contract": contract.number}, "file": str(path)}, kill_after)
        if kill_after is None:
            assert duration is not None
            moments = kill_moments(duration)

        whole = _delivery_state(session, contract, serials, before)
        check_agrees(marks, whole)
        chains_verify(session)
        rounds.append((kill_after, stage(marks, duration is not None), "whole" if whole else "nothing"))

        again = client.post("/api/v1/deliveries", headers=headers,
                            data={"contract": contract.number, "file": (io.BytesIO(manifest.encode()), "m.csv")})
        if whole:  # the same manifest again is a duplicate, refused line by line, and changes nothing
            assert again.status_code == 400, again.get_json()
            assert len(again.get_json()["error"]["details"]) == MANIFEST_ROWS
        else:
            assert again.status_code == 201, again.get_json()
            assert again.get_json()["expected"] == MANIFEST_ROWS
        assert _delivery_state(session, contract, serials, before)
        chains_verify(session)
    _report("manifest import", database_url, rounds)


def _delivery_state(session, contract, serials, before) -> bool:
    """True when the contract's delivery is there whole, False when nothing of it is; else fails."""
    now = counts(session, *IMPORT_TABLES)
    delivery = session.scalar(select(Delivery).where(Delivery.contract_id == contract.id))
    ours = select(Device.id).where(Device.serial.in_(serials))
    if delivery is None:
        assert now == before, f"no delivery, but rows were added: {before} → {now}"
        assert session.scalar(select(func.count()).select_from(Device).where(Device.serial.in_(serials))) == 0
        session.commit()
        return False
    n = len(serials)
    assert now == tuple(b + d for b, d in zip(before, (1, n, n, n), strict=True)), f"{before} → {now}"
    items = session.scalars(select(DeliveryItem.serial).where(DeliveryItem.delivery_id == delivery.id)).all()
    assert sorted(items) == sorted(serials)
    devices = session.execute(select(Device.serial, Device.status, Device.delivery_id, Device.history_length)
                              .where(Device.serial.in_(serials))).all()
    assert len(devices) == n and {(s, dl, h) for _, s, dl, h in devices} == {("expected", delivery.id, 1)}
    events = session.execute(select(Event.action, func.count()).where(Event.device_id.in_(ours))
                             .group_by(Event.action)).all()
    assert events == [("register", n)]
    session.commit()
    return True


# --- a class hand-out ----------------------------------------------------------------------------

HANDOUT_TABLES = (Loan, Agreement, Event)


def test_a_killed_class_handout_leaves_all_or_nothing(app, database_url, tmp_path):
    session = current_session()
    child, client = Child(database_url, tmp_path), app.test_client()
    rounds, moments = [], [None]
    while moments:
        kill_after = moments.pop(0)
        school = SchoolFactory()
        pupils = [PupilFactory(school=school) for _ in range(CLASS_SIZE)]
        devices = [DeviceFactory(status="at_school", school=school) for _ in range(CLASS_SIZE)]
        token = token_for(UserFactory(role="school_it", schools=[school]))
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        body = {"pairs": [{"pupil": p.id, "device": d.serial} for p, d in zip(pupils, devices, strict=True)],
                "accessories": ["charger", "bag"]}
        before = counts(session, *HANDOUT_TABLES)

        marks, duration = child.run({"path": "/api/v1/loans/class", "headers": headers, "table": "loans",
                                     "json": body}, kill_after)
        if kill_after is None:
            assert duration is not None
            moments = kill_moments(duration)

        whole = _handout_state(session, school, pupils, devices, before)
        check_agrees(marks, whole)
        chains_verify(session)
        rounds.append((kill_after, stage(marks, duration is not None), "whole" if whole else "nothing"))

        again = client.post("/api/v1/loans/class", json=body, headers=headers)
        answer = again.get_json()
        if whole:  # every laptop is on loan already: each pair refused, nothing changed
            assert again.status_code == 400, answer
            refused = answer["error"]["details"]  # nothing handed out: an invalid_input naming every pair
            assert answer["error"]["code"] == "invalid_input"
            assert [f["field"] for f in refused] == [f"pairs.{i}" for i in range(CLASS_SIZE)]
            assert {f["code"] for f in refused} == {"invalid_transition"}
        else:
            assert again.status_code == 200, answer
            assert len(answer["loans"]) == CLASS_SIZE and answer["failed"] == []
        assert _handout_state(session, school, pupils, devices, before)
        chains_verify(session)
    _report("class hand-out", database_url, rounds)


def _handout_state(session, school, pupils, devices, before) -> bool:
    """True when every pair is lent (loan, hand_over event, agreement and its document), False
    when none is and the devices are at school as they were; anything else fails."""
    now = counts(session, *HANDOUT_TABLES)
    loans = session.scalars(select(Loan).where(Loan.school_id == school.id)).all()
    ours = [d.id for d in devices]
    statuses = dict(session.execute(select(Device.id, Device.status).where(Device.id.in_(ours))).all())
    if not loans:
        assert now == before, f"no loan, but rows were added: {before} → {now}"
        assert set(statuses.values()) == {"at_school"}
        session.commit()
        return False
    n = len(pupils)
    assert now == tuple(b + d for b, d in zip(before, (n, n, n), strict=True)), f"{before} → {now}"
    handed = {(p.id, d.id) for p, d in zip(pupils, devices, strict=True)}
    assert {(loan.pupil_id, loan.device_id) for loan in loans} == handed
    assert {loan.status for loan in loans} == {"active"} and set(statuses.values()) == {"on_loan"}
    for loan in loans:
        last = session.scalar(select(Event).where(Event.device_id == loan.device_id)
                              .order_by(Event.seq.desc()).limit(1))
        assert (last.action, last.to_status, last.data) == ("hand_over", "on_loan", {"loan": loan.id})
        agreement = session.scalar(select(Agreement).where(Agreement.loan_id == loan.id))
        assert agreement is not None and agreement.status == "awaiting_signature"
        assert session.get(Document, agreement.original_sha256) is not None
    session.commit()
    return True


def _report(what: str, database_url: str, rounds: list) -> None:
    """The rounds, for ``pytest -s``: when the kill came and what it left."""
    db = database_url.split(":", 1)[0]
    for i, (kill_after, where, state) in enumerate(rounds):
        moment = ("no kill" if kill_after is None else "kill at the commit mark" if kill_after == "commit"
                  else f"kill at {kill_after:.3f} s")
        print(f"{what} on {db}, round {i}: {moment}: {where}; left {state}")
