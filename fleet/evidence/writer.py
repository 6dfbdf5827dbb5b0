"""Writing one evidence pack into a ZIP, with memory flat however many devices it holds.

The devices counted at the cut-off are found first (their ids and first loans: 16 bytes a device), the
agreements' sample drawn, then the devices are written a batch at a time: their ``devices.csv`` rows to a
temporary file (copied into the ZIP at the end), their histories and signed agreements straight into the
ZIP, each streamed from the database; progress is recorded after each batch. Everything is read in one
transaction that sees one state of the database (PostgreSQL: REPEATABLE READ; SQLite's reads are a
snapshot already), so ``devices.csv``'s history heads and ``history/`` agree."""

from __future__ import annotations

import csv
import io
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from fleet.evidence import members, summary
from fleet.evidence.archive import Archive, file_digest
from fleet.models import EvidencePack, utcnow

BATCH = 500  # devices per batch: one details query, one events query, one documents query; progress after each
VERIFY = Path(__file__).with_name("verify.py")


def write(session: Session, pack_id: int, path: Path, report: Callable[..., None],
          batch: int | None = None) -> tuple[int, str]:
    """Write pack ``pack_id`` to ``path`` (``session``: a new one, no transaction begun yet);
    ``report(counted=…, written=…)`` records progress. (size, SHA-256)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    pack = session.get(EvidencePack, pack_id)
    batch = batch or BATCH
    exported_at = utcnow()
    scanned = members.scan(session, pack.target_date, pack.founder_id)
    report(counted=len(scanned.devices), written=0)
    chosen = members.sample(scanned.devices, pack.sample_size, pack.sample_seed, pack.agreements)
    contracts, deliveries = Counter(), Counter()
    agreements = missing = events = 0
    with Archive(path, exported_at) as zipped, tempfile.TemporaryFile() as rows_file:
        text = io.TextIOWrapper(rows_file, encoding="utf-8", newline="")
        rows = csv.writer(text, lineterminator="\r\n")
        rows.writerow(members.DEVICE_COLUMNS)
        for start in range(0, len(scanned.loans), batch):
            found = members.device_rows(session, list(scanned.loans[start:start + batch]))
            rows.writerows(row.cells for row in found)
            contracts.update(row.contract_id for row in found)
            deliveries.update(row.delivery_id for row in found)
            events += members.write_histories(session, zipped, {row.device_id: row.serial for row in found})
            digests = {row.agreement_sha256 for row in found
                       if row.agreement_sha256 and (chosen is None or row.device_id in chosen)}
            written = members.write_agreements(session, zipped, digests)
            agreements, missing = agreements + written, missing + len(digests) - written
            report(written=start + len(found))
            session.expunge_all()
        text.flush()
        zipped.add_file("devices.csv", rows_file)
        text.detach()
        members.write_procurement(session, zipped, contracts, deliveries)
        facts = summary.Facts(pack, len(scanned.devices), dict(scanned.withheld), agreements, missing, events,
                              exported_at)
        data = summary.summary(session, facts)
        zipped.add("summary.json", summary.summary_json(data))
        zipped.add("summary.pdf", summary.summary_pdf(data), stored=True)
        zipped.add("verify.py", VERIFY.read_bytes())
    session.rollback()
    return file_digest(path)
