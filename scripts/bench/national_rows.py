"""The rows of the national fleet (``national``): founders, schools, contracts with their deliveries,
another fund's register, and per chunk of devices their hash-chained events, pupils, loans, agreements
and the agreements' stand-in documents.

Every device's history is a real chain (``fleet.history.SharedEvent``: what the events of one kind on
one day share is encoded once), so ``fleet verify`` and the evidence pack's ``verify.py`` pass. The
pupils are stand-ins: a school, a register id and placeholder names, no one's data.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

from fleet import history
from fleet.asset_tags import format_tag

ACTOR = "bench"
FIRST_DAY, LAST_DAY = date(2022, 2, 1), date(2023, 12, 15)  # hand-overs spread over the programme's years
SPAN = (LAST_DAY - FIRST_DAY).days
GROUPS = ("low_income", "limited_means", "large_family", "disability", "out_of_family_care", "special_needs",
          "refugee")
MODELS = (("Lenovo", "ThinkPad 11e Yoga Gen 6"), ("Dell", "Latitude 3120"), ("HP", "ProBook x360 11 G7"))
IMAGE = "Windows 11 Education 23H2 / DIB v3"
# What a device went through after it arrived at its school, by kind: (action, from, to, days after the base day).
BASE = (("register", None, "expected", -70), ("receive", "expected", "in_warehouse", -60),
        ("image", "in_warehouse", "imaged", -55), ("label", "imaged", "labelled", -54),
        ("ship", "labelled", "in_transit", -50), ("arrive", "in_transit", "at_school", -47))
TAILS = {
    "on_loan": (("hand_over", "at_school", "on_loan", 0),),
    "at_school": (), "audited": (("audited", "at_school", None, 30),),
    "in_repair": (("repair", "at_school", "in_repair", 0),),
    "lost": (("report_lost", "at_school", "lost", 0),), "stolen": (("report_stolen", "at_school", "stolen", 0),),
}
LENGTH = {"in_warehouse": 2, "in_transit": 5}  # kinds that stop early in BASE; the rest run BASE + their tail


@dataclass(frozen=True)
class Sizes:
    devices: int = 1_000_000
    loans: int = 300_000
    schools: int = 800
    founders: int = 119
    contracts: int = 40
    other_fund: int = 25_000  # serials in the other fund's register (besides the planted ones)
    planted: int = 5  # lent programme devices whose serials the other fund's register holds too
    awaiting: float = 0.05  # share of agreements awaiting signature
    seed: int = 2022

    def check(self) -> None:
        if not (1 <= self.founders <= self.schools and self.contracts >= 4 and 1 <= self.loans <= self.devices):
            raise SystemExit("need founders <= schools, contracts >= 4, 1 <= loans <= devices")


def serial(i: int) -> str:
    return f"NB{i:09d}"


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), UTC)


# --- the world -------------------------------------------------------------------------------

def founders(sizes: Sizes) -> list[tuple]:
    return [(f, f"NB{f:03d}", f"Bench novada pašvaldība {f:03d}", f"9000{f:07d}", None)
            for f in range(1, sizes.founders + 1)]


def school_founder(sizes: Sizes, school: int) -> int:
    return (school - 1) % sizes.founders + 1


def schools(sizes: Sizes) -> list[tuple]:
    return [(s, school_reg(s), f"Bench skola {s:03d}", school_founder(sizes, s), None, None)
            for s in range(1, sizes.schools + 1)]


def school_reg(s: int) -> str:
    return f"9{s:09d}"


def contract_source(k: int, contracts: int) -> str:
    """Mostly RRF and the state budget; every tenth contract REACT-EU (not the programme's money)."""
    return "react_eu" if k % 10 == 0 else "state_budget" if k % 4 == 0 else "rrf"


def contract_of(sizes: Sizes, device: int) -> int | None:
    """Devices in blocks, one block per contract; the last three lent devices have no contract (planted)."""
    if sizes.loans - 3 < device <= sizes.loans and sizes.loans > 10:
        return None
    return (device - 1) * sizes.contracts // sizes.devices + 1


def contracts(sizes: Sizes) -> list[tuple]:
    rows = []
    for k in range(1, sizes.contracts + 1):
        year = 2022 if k <= sizes.contracts // 2 else 2023
        quantity = -(-sizes.devices // sizes.contracts)
        rows.append((k, f"IZM-{year}/NB-{k:03d}", f"SIA Piegādātājs {k % 7 + 1}", contract_source(k, sizes.contracts),
                     f"{560 + (k * 7) % 80}.00", date(year, 1 + k % 12, 1 + k % 27), at(date(year, 1, 2), 9), quantity))
    return rows


def deliveries(sizes: Sizes) -> list[tuple]:
    """One closed delivery per contract (id = the contract's)."""
    return [(k, k, at(date(2022 if k <= sizes.contracts // 2 else 2023, 1, 20), 9), ACTOR,
             at(date(2022 if k <= sizes.contracts // 2 else 2023, 1, 25), 9), ACTOR, None)
            for k in range(1, sizes.contracts + 1)]


def other_fund(sizes: Sizes) -> list[tuple]:
    """REACT-EU's register: serials of its own (not in this fleet) and the planted duplicates."""
    now, ref = at(date(2023, 6, 1), 9), "REACT-EU 7.–9. klašu portatīvie datori"
    own = ((f"RE{i:09d}", "react_eu", ref, now, ACTOR) for i in range(1, sizes.other_fund + 1))
    step = max(1, sizes.loans // (sizes.planted + 1))
    planted = ((serial(step * p), "react_eu", ref, now, ACTOR) for p in range(1, sizes.planted + 1))
    return [*own, *planted]


# --- the devices -------------------------------------------------------------------------------

def kind_of(sizes: Sizes, i: int) -> str:
    """The first ``loans`` devices are lent; the rest: at school (a quarter of them audited), in the
    warehouse, in transit, in repair, lost, stolen."""
    if i <= sizes.loans:
        return "on_loan"
    r = (i * 2654435761) % 1000  # spread, deterministic
    return ("in_warehouse" if r < 430 else "in_transit" if r < 473 else "in_repair" if r < 487
            else "lost" if r < 494 else "stolen" if r < 500 else "audited" if r < 625 else "at_school")


class Chains:
    """Events hashed with one ``SharedEvent`` per (step, day): a few thousand, however many devices."""

    def __init__(self) -> None:
        self.shared: dict[tuple, history.SharedEvent] = {}

    def event(self, seq: int, step: tuple, day: date) -> tuple[history.SharedEvent, datetime]:
        action, frm, to, _ = step
        key = (seq, action, frm, to, day)
        hour = 8 + seq  # the steps of one day keep their order
        ev = self.shared.get(key)
        if ev is None:
            ev = self.shared[key] = history.SharedEvent(SimpleNamespace(
                seq=seq, action=action, from_status=frm, to_status=to, at=at(day, hour), actor=ACTOR, data={},
                nonce=None))
        return ev, at(day, hour)


def steps(kind: str) -> tuple:
    return BASE[:LENGTH[kind]] if kind in LENGTH else BASE + TAILS[kind]


def step_data(action: str, i: int, tag: str, device: dict) -> str:
    if action == "register":
        return device["register_data"]
    if action == "receive":
        data = {"asset_tag": tag} if device["delivery"] is None else {"asset_tag": tag, "delivery": device["delivery"]}
        return history.dumps(data)
    if action == "image":
        return IMAGE_DATA
    if action in ("ship", "arrive"):
        return history.dumps({"school": device["school_reg"]})
    if action == "hand_over":
        return history.dumps({"loan": device["loan"]})
    if action == "repair":
        return REPAIR_DATA
    return "{}"


IMAGE_DATA, REPAIR_DATA = history.dumps({"image": IMAGE}), history.dumps({"fault": "ekrāns"})


@dataclass
class Chunk:
    devices: list
    events: list
    pupils: list
    loans: list
    documents: list
    agreements: list


def document(kind: str, number: str) -> tuple[bytes, str]:
    body = f"%PDF-1.4\n% Fleet bench stand-in: {kind} agreement {number}\n%%EOF\n".encode()
    return body, hashlib.sha256(body).hexdigest()


def chunk(sizes: Sizes, chains: Chains, first: int, last: int, prefix: str = "DIB") -> Chunk:
    """Devices ``first``..``last`` (ids = their numbers) with everything about them."""
    out = Chunk([], [], [], [], [], [])
    contract_data: dict = {}
    for i in range(first, last + 1):
        rng = random.Random(sizes.seed * 1_000_003 + i)
        kind, dev_serial, tag = kind_of(sizes, i), serial(i), format_tag(prefix, i)
        contract = contract_of(sizes, i)
        manufacturer, model = MODELS[i % 3]
        if (contract, i % 3) not in contract_data:
            data = {"manufacturer": manufacturer, "model": model}
            if contract is not None:
                data["contract"] = f"NB-{contract:03d}"
            contract_data[(contract, i % 3)] = history.dumps(data)
        school = (i * 7919) % sizes.schools + 1
        base_day = FIRST_DAY + timedelta(days=rng.randrange(SPAN))
        device = {"register_data": contract_data[(contract, i % 3)], "delivery": contract,
                  "school_reg": school_reg(school), "loan": i}
        head = ""
        chain = steps(kind)
        for seq, step in enumerate(chain, start=1):
            ev, when = chains.event(seq, step, base_day + timedelta(days=step[3]))
            data = step_data(step[0], i, tag, device)
            head = ev.hash(head, dev_serial, data)
            out.events.append((i, seq, step[0], step[1], step[2], when, ACTOR, data, head))
        status = next(s[2] for s in reversed(chain) if s[2] is not None)
        created = at(base_day + timedelta(days=BASE[0][3]), 9)
        at_school = kind not in LENGTH or kind == "in_transit"
        out.devices.append((i, dev_serial, tag, manufacturer, model, status, school if at_school else None, contract,
                            created, at(base_day, 12), head, len(chain), contract if len(chain) > 1 else None))
        if kind == "on_loan":
            _lend(sizes, out, rng, i, school, base_day)
    return out


def _lend(sizes: Sizes, out: Chunk, rng: random.Random, i: int, school: int, day: date) -> None:
    """A stand-in pupil, the loan (id = the device's), its agreement and the agreement's documents."""
    eligible = rng.random() >= 0.04
    group = GROUPS[i % len(GROUPS)] if eligible else None
    handed = at(day, 8 + len(BASE) + 1)
    out.pupils.append((i, school, f"NB-{i:07d}", "Skolēns", f"P{i:07d}", f"{5 + i % 8}.a", "Aizbildnis", group, handed,
                       handed))
    out.loans.append((i, i, i, school, "active", "[]", "new", handed, ACTOR, eligible))
    number = f"L-{day.year}-{i:06d}"
    original, original_sha = document("unsigned", number)
    out.documents.append((original_sha, "application/pdf", len(original), original, handed))
    awaiting = rng.random() < sizes.awaiting
    signed_sha = signed_at = None
    if not awaiting:
        signed_at = handed + timedelta(days=rng.randrange(0, 21), hours=rng.randrange(0, 8))
        signed, signed_sha = document("signed", number)
        out.documents.append((signed_sha, "application/pdf", len(signed), signed, signed_at))
    out.agreements.append((i, i, number, "lv", "v1", "awaiting_signature" if awaiting else "signed", original_sha,
                           signed_sha, None if awaiting else "desk", None, signed_at, "{}", handed,
                           None if awaiting else True, None if awaiting else "drawn"))


COLUMNS = {
    "founders": ("id", "code", "name", "registration_number", "address"),
    "schools": ("id", "registration_number", "name", "founder_id", "address", "phone"),
    "contracts": ("id", "number", "supplier", "funding_source", "unit_price", "signed_on", "created_at", "quantity"),
    "deliveries": ("id", "contract_id", "created_at", "created_by", "closed_at", "closed_by", "summary"),
    "other_fund_serials": ("serial", "source", "reference", "imported_at", "imported_by"),
    "devices": ("id", "serial", "asset_tag", "manufacturer", "model", "status", "school_id", "contract_id",
                "created_at", "updated_at", "history_head", "history_length", "delivery_id"),
    "events": ("device_id", "seq", "action", "from_status", "to_status", "at", "actor", "data", "hash"),
    "pupils": ("id", "school_id", "register_id", "given_name", "family_name", "grade", "guardian_name",
               "eligibility", "created_at", "updated_at"),
    "loans": ("id", "device_id", "pupil_id", "school_id", "status", "accessories", "condition", "handed_over_at",
              "handed_over_by", "eligible"),
    "documents": ("sha256", "content_type", "size", "data", "created_at"),
    "agreements": ("id", "loan_id", "number", "language", "template_version", "status", "original_sha256",
                   "signed_sha256", "method", "signer_name", "signed_at", "snapshot", "created_at",
                   "signer_is_guardian", "signature_kind"),
}
SEQUENCES = ("founders", "schools", "contracts", "deliveries", "devices", "pupils", "loans", "agreements")

