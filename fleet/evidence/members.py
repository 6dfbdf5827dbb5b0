"""What an evidence pack holds, read from the database a batch of devices at a time: the counted devices
(``scan``), their rows of ``devices.csv`` (``device_rows``: no pupil's or guardian's name — the pupil is
only their eligibility group), their histories exactly as hashed (``write_histories``), their signed
agreements from the document store (``write_agreements``), and the procurement behind them
(``write_procurement``: the contracts, the deliveries' reconciliations)."""

from __future__ import annotations

import csv
import io
import random
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.evidence.archive import Archive
from fleet.history import canonical
from fleet.models import (
    Agreement,
    Contract,
    Delivery,
    Device,
    Document,
    Event,
    Founder,
    FundingSource,
    Loan,
    Pupil,
    School,
)
from fleet.reports import counting

DEVICE_COLUMNS = ("serial", "asset_tag", "manufacturer", "model", "contract", "supplier", "funding_source",
                  "delivery", "delivery_accepted_on", "school", "founder", "handed_over_on", "provided_on",
                  "eligibility", "agreement", "agreement_sha256", "history_head")
CONTRACT_COLUMNS = ("number", "supplier", "funding_source", "funding_source_name", "programme", "unit_price",
                    "quantity", "signed_on", "devices_counted")
DELIVERY_COLUMNS = ("delivery", "contract", "created_on", "accepted_on", "expected", "found", "missing",
                    "unexpected", "devices_counted", "report")
RECONCILIATION_COLUMNS = ("serial", "result", "asset_tag", "status", "scans")


@dataclass
class Scanned:
    """The counted devices at the cut-off: their ids and first loans (in device order, 8 bytes each), and
    the devices withheld from the count by reason."""

    devices: array = field(default_factory=lambda: array("q"))
    loans: array = field(default_factory=lambda: array("q"))
    withheld: Counter = field(default_factory=Counter)


def scan(session: Session, until: date, founder_id: int | None) -> Scanned:
    found = Scanned()
    for row in counting.counted(session, until=until, founder_id=founder_id):
        if row.withheld is None:
            found.devices.append(row.device_id)
            found.loans.append(row.loan_id)
        else:
            found.withheld[row.withheld] += 1
    return found


def sample(devices: array, size: int | None, seed: int | None, agreements: bool) -> set[int] | None:
    """The devices whose agreements go in: None for all, an empty set for none, or ``size`` of them drawn
    with ``random.Random(seed)`` over the sorted device ids (the same seed draws the same sample)."""
    if not agreements:
        return set()
    if size is None:
        return None
    ids = sorted(devices)
    return set(random.Random(seed).sample(ids, min(size, len(ids))))


@dataclass(frozen=True)
class DeviceRow:
    device_id: int
    serial: str
    contract_id: int | None
    delivery_id: int | None
    agreement_sha256: str | None
    cells: tuple


def device_rows(session: Session, loan_ids: list[int]) -> list[DeviceRow]:
    """devices.csv's rows of these loans' devices (each a counted device's first loan), in device order."""
    query = (select(Device.id, Device.serial, Device.asset_tag, Device.manufacturer, Device.model, Device.history_head,
                    Device.delivery_id, Device.contract_id, Contract.number, Contract.supplier,
                    Contract.funding_source, Delivery.closed_at, School.registration_number, Founder.code,
                    Loan.handed_over_at, Pupil.eligibility, Agreement.number, Agreement.signed_sha256,
                    Agreement.signed_at)
             .select_from(Loan)
             .join(Device, Device.id == Loan.device_id)
             .join(School, School.id == Loan.school_id)
             .join(Founder, Founder.id == School.founder_id)
             .join(Pupil, Pupil.id == Loan.pupil_id)
             .join(Agreement, Agreement.loan_id == Loan.id)
             .outerjoin(Contract, Contract.id == Device.contract_id)
             .outerjoin(Delivery, Delivery.id == Device.delivery_id)
             .where(Loan.id.in_(loan_ids))
             .order_by(Device.id))
    rows = []
    for (device_id, serial, tag, maker, model, head, delivery_id, contract_id, contract, supplier, source, accepted,
         school, founder, handed_over_at, eligibility, number, signed_sha256, signed_at) in session.execute(query):
        handed = counting.riga_day(handed_over_at)
        provided = counting.riga_day(max(handed_over_at, signed_at))
        cells = (serial, tag or "", maker, model, contract or "", supplier or "", source or "",
                 delivery_id or "", counting.riga_day(accepted).isoformat() if accepted else "", school, founder,
                 handed.isoformat(), provided.isoformat(), eligibility or "", number, signed_sha256 or "", head)
        rows.append(DeviceRow(device_id, serial, contract_id, delivery_id, signed_sha256, cells))
    return rows


def write_histories(session: Session, pack: Archive, serials: dict[int, str], batch: int = 1000) -> int:
    """``history/<serial>.jsonl`` of each device: ``<hash> <canonical JSON>`` per event, exactly the bytes
    hashed (``fleet.history.canonical``), streamed ``batch`` events at a time; the number of events."""
    query = (select(Event.device_id, Event.seq, Event.action, Event.from_status, Event.to_status, Event.at,
                    Event.actor, Event.data, Event.nonce, Event.hash)
             .where(Event.device_id.in_(list(serials))).order_by(Event.device_id, Event.seq)
             .execution_options(yield_per=batch))
    written, events = set(), 0
    member = out = None
    try:
        for event in session.execute(query):
            if event.device_id not in written:
                if member is not None:
                    member.__exit__(None, None, None)
                written.add(event.device_id)
                member = pack.member(f"history/{serials[event.device_id]}.jsonl")
                out = member.__enter__()
            out.write(event.hash.encode() + b" " + canonical(event, serials[event.device_id]) + b"\n")
            events += 1
    finally:
        if member is not None:
            member.__exit__(None, None, None)
    for device_id in serials.keys() - written:  # (every device has events; an empty history if not)
        pack.add(f"history/{serials[device_id]}.jsonl", b"")
    return events


def write_agreements(session: Session, pack: Archive, digests: set[str]) -> int:
    """``agreements/<sha256>.pdf``: the signed copies, one document in memory at a time; how many were
    found (a purged one is missing: ``summary.json`` counts them)."""
    if not digests:
        return 0
    found = 0
    query = (select(Document.sha256, Document.data).where(Document.sha256.in_(sorted(digests)))
             .order_by(Document.sha256).execution_options(yield_per=1))
    for digest, data in session.execute(query):
        pack.add(f"agreements/{digest}.pdf", data, stored=True)
        found += 1
    return found


def _csv(header: tuple[str, ...], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def write_procurement(session: Session, pack: Archive, contracts: Counter, deliveries: Counter) -> None:
    """``procurement/contracts.csv`` (the counted devices' contracts: supplier, funding source, unit price,
    quantity, devices counted), ``procurement/deliveries.csv`` and each delivery's reconciliation as its
    report gives it (``procurement/deliveries/delivery-<id>.csv`` and ``.pdf``)."""
    from labels.documents import reconciliation_pdf
    from provisioning import deliveries as delivery_reports
    from provisioning import paperwork

    rows = session.execute(select(Contract, FundingSource).outerjoin(
        FundingSource, FundingSource.code == Contract.funding_source).where(
        Contract.id.in_(sorted(c for c in contracts if c is not None))).order_by(Contract.number)).all()
    pack.add("procurement/contracts.csv", _csv(CONTRACT_COLUMNS, [
        (c.number, c.supplier, c.funding_source, source.name_en if source else "",
         ("yes" if source.programme else "no") if source else "", f"{c.unit_price:.2f}",
         "" if c.quantity is None else c.quantity, c.signed_on.isoformat() if c.signed_on else "",
         contracts[c.id]) for c, source in rows]))
    summary = []
    for delivery in session.scalars(select(Delivery).where(
            Delivery.id.in_(sorted(d for d in deliveries if d is not None))).order_by(Delivery.id)):
        name = f"procurement/deliveries/delivery-{delivery.id}"
        reconciled = delivery_reports.reconciliation(session, delivery)  # once: the CSV, the PDF and the counts
        figures = delivery_reports.report(session, delivery, reconciled)
        rows = delivery_reports.report_rows(session, delivery, reconciled)
        pack.add(f"{name}.csv", _csv(RECONCILIATION_COLUMNS, rows))
        pack.add(f"{name}.pdf", reconciliation_pdf(paperwork.delivery_report(session, delivery, figures)), stored=True)
        counts = figures["counts"]
        summary.append((delivery.id, delivery.contract.number, counting.riga_day(delivery.created_at).isoformat(),
                        counting.riga_day(delivery.closed_at).isoformat() if delivery.closed_at else "",
                        counts.get("expected", ""), counts.get("found", ""), counts.get("missing", ""),
                        counts.get("unexpected", ""), deliveries[delivery.id], f"{name}.csv"))
    pack.add("procurement/deliveries.csv", _csv(DELIVERY_COLUMNS, summary))
