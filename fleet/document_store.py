"""The document store: PDFs and scans kept in the database, addressed by their SHA-256, so several
app servers share them and a database backup holds the evidence. Storing the same bytes twice
keeps one copy."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.errors import FleetError
from fleet.models import Document

SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def sniff(data: bytes) -> str | None:
    """The content type by the bytes themselves (PDF, PNG, JPEG), never by a file name."""
    return next((kind for magic, kind in SIGNATURES.items() if data.startswith(magic)), None)


def put(session: Session, data: bytes, content_type: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    if session.scalar(select(Document.sha256).where(Document.sha256 == digest)) is None:
        session.add(Document(sha256=digest, content_type=content_type, size=len(data), data=data))
        session.flush()
    return digest


def get(session: Session, digest: str | None) -> Document:
    row = session.get(Document, digest) if digest else None
    if row is None:
        raise FleetError("not_found", "the document is not stored (purged, or never made)", {"sha256": digest})
    return row
