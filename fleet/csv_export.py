"""CSV exports as people and machines open them: one way to choose the separator and the language, for every
export (the device list ``/devices.csv``, a delivery's reconciliation ``/api/v1/deliveries/{id}/report.csv``).

- ``?sep=semicolon`` (the default): ``;`` between fields and a UTF-8 byte-order mark — what Excel with Latvian
  (or most European) regional settings opens as columns without an import wizard.
- ``?sep=comma``: ``,`` and no byte-order mark — RFC 4180 as scripts and other programs read it.
- ``?lang=lv`` or ``?lang=en``: the header row and the values (statuses, results…) in that language; without
  it, the page's language (the ``lang`` cookie, else Accept-Language, else Latvian).

Lines end in CRLF; a free-text cell that would start a formula in a spreadsheet (= + - @) starts with an
apostrophe. A ``sep`` or ``lang`` not among these is refused (``invalid_input``, its field named).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from flask import Response, request
from flask_babel import force_locale
from pydantic import Field

from fleet.api.schemas.common import Query as _Query
from fleet.errors import invalid
from fleet.http import disposition
from fleet.i18n import LOCALES, _l, current_locale

SEPARATORS = {"semicolon": ";", "comma": ","}
BOM = "\ufeff"


class Query(_Query):
    """An API export's query string (``endpoint(query=…)``), as the document describes it."""

    sep: Literal["semicolon", "comma"] = Field(
        "semicolon", description="semicolon: `;` and a UTF-8 byte-order mark (Excel); comma: `,`, no mark")
    lang: Literal["lv", "en"] | None = Field(
        None, description="the header and the values' language (default: Accept-Language, else Latvian)")


@dataclass(frozen=True)
class Options:
    separator: str  # ";" or ","
    language: str  # "lv" or "en"

    @property
    def bom(self) -> bool:
        """The byte-order mark goes with the semicolon (for Excel); machines reading commas get none."""
        return self.separator == ";"


def options() -> Options:
    """The request's choice of separator and language (``?sep=``, ``?lang=``), checked."""
    sep = request.args.get("sep", "semicolon").strip().lower()
    lang = request.args.get("lang", "").strip().lower()
    errors = []
    if sep not in SEPARATORS:
        errors.append({"field": "sep", "reason": "unknown_separator",
                       "message": _l("must be one of %(values)s", values=", ".join(SEPARATORS))})
    if lang and lang not in LOCALES:
        errors.append({"field": "lang", "reason": "unknown_language",
                       "message": _l("must be one of %(values)s", values=", ".join(LOCALES))})
    if errors:
        raise invalid(_l("the CSV export's options are not valid"), errors)
    return Options(SEPARATORS[sep], lang or current_locale())


@contextmanager
def in_language(chosen: Options):
    """Translate (``_``, lazy texts, display names) in the export's language while its rows are made."""
    with force_locale(chosen.language):
        yield


def cell(text: str | None) -> str:
    """Free text (a supplier's model name) as a cell a spreadsheet shows, never runs: a leading = + - @ (or a
    tab or carriage return) would make it a formula, so such a cell starts with an apostrophe."""
    text = text or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def text(header: Sequence[str], rows: Iterable[Sequence[object]], chosen: Options) -> str:
    out = io.StringIO()
    if chosen.bom:
        out.write(BOM)
    writer = csv.writer(out, delimiter=chosen.separator, lineterminator="\r\n")
    writer.writerow([str(h) for h in header])
    writer.writerows(rows)
    return out.getvalue()


def response(header: Sequence[str], rows: Iterable[Sequence[object]], chosen: Options, filename: str) -> Response:
    """The export as an attachment, ``text/csv; charset=utf-8``."""
    return Response(text(header, rows, chosen).encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": disposition(filename, attachment=True)})
