"""Reading the tabular files people export from Excel and school registers: CSV with `,` or `;`,
UTF-8 with or without a BOM or Windows-1257 (Baltic), every row with its line number (the header
is line 1, quoted line breaks counted), and header names compared without case or diacritics."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from fleet.errors import invalid


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1257")  # Windows-1257, what Baltic Excel saves as "CSV"


def csv_rows(text: str) -> list[tuple[int, list]]:
    """(line, cells) for every row; the delimiter is whichever of `;` and `,` the header uses more."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, start = [], 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as e:
        raise invalid("the CSV file cannot be read", [{"line": reader.line_num, "message": str(e)}]) from None
    return rows


def header_key(name: object) -> str:
    """A header name as compared: lower case, no diacritics, punctuation as single spaces."""
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9.]+", " ", text.lower()).split()).rstrip(".")
