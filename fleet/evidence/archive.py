"""The ZIP of an evidence pack, written member by member: each member streamed in (never whole in memory),
hashed as it is written, and listed in ``SHA256SUMS`` (kept in a temporary file until the end)."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO

CHUNK = 1 << 20
SUMS = "SHA256SUMS"


class _Hashing:
    """A member's writer that hashes what passes through it."""

    def __init__(self, out: IO[bytes]):
        self.out, self.digest = out, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.out.write(data)


class Archive:
    """``with Archive(path, at) as pack: with pack.member("a.csv") as out: out.write(b"…")``; closing it
    writes ``SHA256SUMS`` (every member, in the order written) and the ZIP's central directory."""

    def __init__(self, path: Path, at: datetime):
        self.path, self.stamp = path, at.timetuple()[:6]
        self.names: set[str] = set()

    def __enter__(self) -> Archive:
        self.zip = zipfile.ZipFile(self.path, "w", allowZip64=True)
        self.sums = tempfile.TemporaryFile("w+", encoding="utf-8")
        return self

    def __exit__(self, kind, value, trace) -> None:
        try:
            if kind is None:
                self.sums.seek(0)
                with self.member(SUMS, listed=False) as out:
                    for line in self.sums:
                        out.write(line.encode())
        finally:
            self.sums.close()
            self.zip.close()

    @contextmanager
    def member(self, name: str, stored: bool = False, large: bool = False, listed: bool = True) -> Iterator[_Hashing]:
        """A member to write into (``stored``: not compressed again, for PDFs; ``large``: may exceed 2 GiB)."""
        if name in self.names:
            raise ValueError(f"{name} is in the pack already")
        self.names.add(name)
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with self.zip.open(info, "w", force_zip64=large) as raw:
            out = _Hashing(raw)
            yield out
        if listed:
            self.sums.write(f"{out.digest.hexdigest()}  {name}\n")

    def add(self, name: str, data: bytes, stored: bool = False) -> None:
        with self.member(name, stored=stored) as out:
            out.write(data)

    def add_file(self, name: str, source: IO[bytes]) -> None:
        """A member copied from an open file (a temporary one), from its start, in chunks."""
        source.seek(0, 2)
        large = source.tell() > 2**31
        source.seek(0)
        with self.member(name, large=large) as out:
            shutil.copyfileobj(source, out, CHUNK)


def file_digest(path: Path) -> tuple[int, str]:
    """(size, SHA-256) of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
