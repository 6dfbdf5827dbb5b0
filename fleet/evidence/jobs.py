"""The evidence pack as a job: asked for (``queue``: queued, its sample's seed drawn and recorded when not
given), found (``get``, ``listing``), claimed by one ``fleet worker`` (``claim``: an UPDATE that only one
worker's wins, so two workers never write the same pack), its progress recorded every few hundred devices,
and finished (done with the ZIP's size and SHA-256, or failed with a reason that names no person).

``run_due`` is the worker's call: it claims one queued pack at a time and writes it
(``fleet.evidence.writer``) into the evidence directory (``FLEET_EVIDENCE_DIR``, else
``<instance>/evidence``) under a temporary name, renamed once complete."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import date
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fleet import paging
from fleet.errors import FleetError, invalid
from fleet.i18n import _l
from fleet.models import EvidencePack, Founder, utcnow

log = logging.getLogger("fleet.evidence")
MAX_SEED = 2**63 - 1


def queue(session: Session, actor: str, target_date: date, founder: str | None = None,
          sample: tuple[int, int | None] | None = None, agreements: bool = True) -> EvidencePack:
    """A new pack, queued for the worker. ``founder``: a founder's code (unknown: ``not_found``);
    ``sample``: (size, seed or None — then a seed is drawn here and recorded)."""
    founder_id = None
    if founder is not None:
        founder_id = session.scalar(select(Founder.id).where(Founder.code == founder))
        if founder_id is None:
            raise FleetError("not_found", _l("founder %(code)s not found", code=founder), {"field": "founder"})
    size = seed = None
    if sample is not None:
        size, seed = sample
        if size < 1:
            raise invalid(_l("the sample's size must be at least 1"), [{"field": "sample.size"}])
        seed = secrets.randbelow(MAX_SEED) if seed is None else seed
    pack = EvidencePack(target_date=target_date, founder_id=founder_id, agreements=agreements, sample_size=size,
                        sample_seed=seed, status="queued", requested_by=actor[:100], requested_at=utcnow(),
                        written=0)
    session.add(pack)
    session.flush()
    return pack


def get(session: Session, pack_id: int) -> EvidencePack:
    pack = session.get(EvidencePack, pack_id)
    if pack is None:
        raise FleetError("not_found", _l("evidence pack %(id)s not found", id=pack_id), {"ref": pack_id})
    return pack


def listing(session: Session, limit: int, after: int | None = None) -> tuple[list[EvidencePack], int | None]:
    """The packs newest first, ``limit`` of them older than pack ``after``; (packs, the last id when more)."""
    return paging.split(session.scalars(paging.newest_first(select(EvidencePack), EvidencePack.id, limit,
                                                               after)).all(), limit)


def founder_code(session: Session, pack: EvidencePack) -> str | None:
    return None if pack.founder_id is None else session.scalar(select(Founder.code).where(
        Founder.id == pack.founder_id))


def directory(config, instance_path: str) -> Path:
    """Where the packs are written: ``FLEET_EVIDENCE_DIR``, else ``<instance>/evidence``."""
    return Path(config.evidence_dir) if config.evidence_dir else Path(instance_path) / "evidence"


def path_of(folder: Path, pack_id: int) -> Path:
    return folder / f"evidence-{pack_id}.zip"


def claim(writes) -> int | None:
    """Claim the oldest queued pack for this worker (status running); its id, or None when none is queued.
    The UPDATE … WHERE status='queued' succeeds for one worker only: another that read the same id moves on."""
    while True:
        with writes() as session:
            pack_id = session.scalar(select(EvidencePack.id).where(EvidencePack.status == "queued")
                                     .order_by(EvidencePack.id).limit(1))
            if pack_id is None:
                return None
            won = session.execute(update(EvidencePack).where(EvidencePack.id == pack_id,
                                                             EvidencePack.status == "queued")
                                  .values(status="running", started_at=utcnow(), written=0))
            session.commit()
            if won.rowcount == 1:
                return pack_id


def progress(writes, pack_id: int, **values) -> None:
    """Record the pack's progress (counted, written) in a transaction of its own."""
    with writes() as session:
        session.execute(update(EvidencePack).where(EvidencePack.id == pack_id).values(**values))
        session.commit()


def run_due(writes, config, instance_path: str, reads=None) -> int | None:
    """Claim one queued pack and write it (the worker calls this again on its next round, so e-mail keeps
    going out between packs); the pack's id, or None when none was queued. ``reads``: the session factory
    the pack is read through (one long read-only transaction; default ``writes``)."""
    from fleet.evidence import writer

    pack_id = claim(writes)
    if pack_id is None:
        return None
    folder = directory(config, instance_path)
    final = path_of(folder, pack_id)
    partial = final.with_name(f".{final.name}.part")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with (reads or writes)() as session:
            size, digest = writer.write(session, pack_id, partial,
                                        lambda **values: progress(writes, pack_id, **values))
        os.replace(partial, final)
    except Exception as e:  # the pack fails, the worker goes on; the log has the trace, the row a reason
        log.exception("evidence pack %s failed", pack_id)
        partial.unlink(missing_ok=True)
        reason = f"the pack could not be written ({type(e).__name__}); the worker's log has the details"
        progress(writes, pack_id, status="failed", finished_at=utcnow(), error=reason[:300])
        return pack_id
    progress(writes, pack_id, status="done", finished_at=utcnow(), size=size, sha256=digest)
    log.info("evidence pack %s written: %s bytes", pack_id, size)
    return pack_id
