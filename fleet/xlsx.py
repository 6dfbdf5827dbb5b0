"""The first sheet of an uploaded XLSX workbook, read within bounds.

An XLSX file is a ZIP of XML, and a small one can unpack to gigabytes. Before openpyxl sees it,
the sizes the ZIP declares are checked (``MAX_MEMBER`` each, ``MAX_UNPACKED`` together); and as a
declaration can lie, each member is inflated in small steps into a plain copy that openpyxl
reads instead (zipfile never inflates past the declared size, but openpyxl reads some members
whole, and one step of that may inflate a gigabyte). XML that declares a DTD is refused, by the
copy and by defusedxml, which openpyxl parses with when it is installed (it is a dependency).
The sheet is streamed in read-only mode, and reading stops at the row limit, at a row far below
the others, and at a row reaching far to the right (openpyxl pads every row to its last cell).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
import zlib
from typing import IO

from defusedxml import DefusedXmlException

from fleet.errors import FleetError, invalid
from fleet.i18n import Text, _l

MAX_MEMBER = 32 * 1024 * 1024
MAX_UNPACKED = 64 * 1024 * 1024  # a 50,000-row manifest of six columns unpacks to 16 MB
MAX_MEMBERS = 1_000
MAX_COLUMNS = 100
_STEP = 64 * 1024
_IN_MEMORY = 8 * 1024 * 1024  # a larger copy goes to a temporary file

UNREADABLE = _l("not a readable XLSX workbook")
WITH_DTD = _l("the workbook's XML carries a DTD, which is not accepted")
# What openpyxl and zipfile raise on a broken workbook (XML's ParseError is a SyntaxError).
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, IndexError, ValueError, TypeError,
           AttributeError, OverflowError, SyntaxError, NotImplementedError)


def sheet_rows(data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    """(line, cells as text) of the first sheet's rows that hold text; ``too_large`` past
    ``max_rows`` of them after the header, ``invalid_input`` (with the line) when unreadable."""
    from openpyxl import load_workbook  # imported when a workbook comes, not with the app

    rows: list[tuple[int, list[str]]] = []
    line = 0
    with _inflated(data) as copy:
        try:
            book = load_workbook(copy, read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                sheet.reset_dimensions()  # believed, <dimension ref="A1"/> hides every row after the first
                # and "A1:XFD1048576" pads each row to 16,384 cells: read the rows that are there
                for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    cells = _cells(line, values, max_rows)
                    if "".join(cells).strip():
                        rows.append((line, cells))
                        if len(rows) > max_rows + 1:
                            raise FleetError("too_large", _l("a sheet may have at most %(max)s rows after its "
                                                             "header; this one has more", max=max_rows))
            finally:
                book.close()
        except DefusedXmlException:
            raise _unreadable(WITH_DTD, line + 1) from None
        except _BROKEN as e:
            raise _unreadable(UNREADABLE, line + 1, type(e).__name__) from None
    return rows


def _cells(line: int, values: tuple, max_rows: int) -> list[str]:
    if line > 2 * max_rows + 1:  # blank rows cost little each, but a row may be numbered 2,000,000,000
        raise FleetError("too_large", _l("the sheet runs past row %(row)s; a sheet may have at most %(max)s rows",
                                         row=2 * max_rows + 1, max=max_rows))
    if len(values) > MAX_COLUMNS:
        raise invalid(_l("row %(line)s reaches column %(column)s", line=line, column=len(values)),
                      [{"line": line, "message": _l("reaches column %(column)s; a sheet may have at most %(max)s "
                                                    "columns", column=len(values), max=MAX_COLUMNS)}])
    return ["" if v is None else str(v) for v in values]


def _inflated(data: bytes) -> IO[bytes]:
    """A copy of the workbook with every member stored uncompressed, made within the limits."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        members = source.infolist()
    except _BROKEN as e:
        raise _unreadable(UNREADABLE, 1, type(e).__name__) from None
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED \
            or any(m.file_size > MAX_MEMBER for m in members):
        raise FleetError("too_large", _l("an XLSX file may unpack to at most %(total)s MiB (%(part)s MiB a part, "
                                         "%(parts)s parts)", total=MAX_UNPACKED // 2**20,
                                         part=MAX_MEMBER // 2**20, parts=MAX_MEMBERS))
    if len({m.filename for m in members}) < len(members):
        raise _unreadable(UNREADABLE, 1, _l("a part is in it twice"))
    copy = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)
    try:
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
            for member in members:
                _copy(source, member, out)
    except FleetError:
        copy.close()
        raise
    except _BROKEN as e:
        copy.close()
        raise _unreadable(UNREADABLE, 1, type(e).__name__) from None
    copy.seek(0)
    return copy


def _copy(source: zipfile.ZipFile, member: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or member.flag_bits & 0x1:
        raise _unreadable(UNREADABLE, 1, _l("a part is encrypted or compressed in a way Excel does not use"))
    with source.open(member) as part, out.open(member.filename, "w") as target:
        tail = b""
        while step := part.read(_STEP):
            if b"<!DOCTYPE" in tail + step:
                raise _unreadable(WITH_DTD, 1)
            target.write(step)
            tail = step[-8:]


def _unreadable(message: Text, line: int, why: str | Text = "") -> FleetError:
    """``why``: what broke (a library's exception's name, or words)."""
    return invalid(_l("the XLSX file cannot be read (%(why)s)", why=why or message),
                   [{"line": line, "message": message}])
