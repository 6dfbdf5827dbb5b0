"""Reading the tabular files people export from Excel and school registers: CSV with `,` or `;`,
UTF-8 with or without a BOM or Windows-1257 (Baltic), every row with its line number (the header
is line 1, quoted line breaks counted), and header names compared without case or diacritics.

Bytes that fit no encoding, and quotes that would silently merge lines, are refused with the line
they are on: a value in quotes may run over several lines, but not a quote that is never closed,
text after a closing quote, or a value whose later lines hold the delimiter — rows of their own,
taken in by a stray quote.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from fleet.errors import invalid
from fleet.i18n import Text, _l

BOM = b"\xef\xbb\xbf"


def decode(data: bytes) -> str:
    if data.startswith(BOM):
        try:
            return data[len(BOM):].decode("utf-8")
        except UnicodeDecodeError as e:
            raise _undecodable(data[len(BOM):], e.start,
                               _l("is not UTF-8, which the byte-order mark at the start promises")) from e
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1257")  # Windows-1257, what Baltic Excel saves as "CSV"
    except UnicodeDecodeError as e:  # it leaves a few bytes undefined, e.g. 0x81
        raise _undecodable(data, e.start, _l("is neither UTF-8 nor Windows-1257: save the file as UTF-8")) from e


def _undecodable(data: bytes, at: int, reason: Text):
    before = data[:at]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1  # as csv_rows counts
    byte = f"0x{data[at]:02x}"
    message = _l("byte %(byte)s %(reason)s", byte=byte, reason=reason)
    return invalid(_l("the file cannot be read as text: line %(line)s: %(message)s", line=line, message=message),
                   [{"line": line, "message": message}])


def csv_rows(text: str) -> list[tuple[int, list]]:
    """(line, cells) for every row; the delimiter is whichever of `;` and `,` the header uses more."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, start = [], 1
    try:
        for row in reader:
            if reader.line_num > start and _takes_in_rows(row, delimiter):
                raise _unreadable(start, _l("the quoted value opened on line %(start)s runs over lines "
                                            "%(start)s-%(end)s and takes in lines holding %(delimiter)s, "
                                            "rows of their own: a stray quote?", start=start, end=reader.line_num,
                                            delimiter=repr(delimiter)))
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as e:
        raise _unreadable(start, _quote_fault(str(e), start, reader.line_num)) from None
    return rows


def _takes_in_rows(row: list[str], delimiter: str) -> bool:
    return any(delimiter in line for value in row for line in value.splitlines()[1:])


def _quote_fault(error: str, start: int, end: int) -> str | Text:
    """csv's own words (``error``) for a quote out of place, put as a person reads them."""
    if error == "unexpected end of data":
        return _l("a quote opened on line %(start)s is never closed: lines %(start)s-%(end)s would be one value",
                  start=start, end=end)
    if "expected after" in error and end > start:
        return _l("the quoted value opened on line %(start)s closes on line %(end)s with text after it (%(error)s)",
                  start=start, end=end, error=error)
    if "expected after" in error:
        return _l("a quoted value has text after its closing quote (%(error)s); double a quote inside a value",
                  error=error)
    return error


def _unreadable(line: int, message: str | Text):
    return invalid(_l("the CSV file cannot be read: line %(line)s: %(message)s", line=line, message=message),
                   [{"line": line, "message": message}])


def header_key(name: object) -> str:
    """A header name as compared: lower case, no diacritics, punctuation as single spaces."""
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9.]+", " ", text.lower()).split()).rstrip(".")
