"""XLSX files made by hand, member by member, so that a test can make them hostile: a DTD in a
sheet or in the shared strings, a member that inflates far beyond the upload, a size that lies."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
SHEET, STRINGS, WORKBOOK = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"


def row(n: int, *cells: str) -> str:
    """A sheet row of inline strings (as openpyxl writes them)."""
    return f'<row r="{n}">' + "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells) + "</row>"


DIMENSION = '<dimension ref="A1"/>'  # as Excel writes one; without it openpyxl parses the whole sheet to open it


def members(rows: str, shared: str | None = None, prolog: str = "", head: str = DIMENSION) -> dict[str, str]:
    """The members of a one-sheet workbook: ``shared`` is the shared-strings XML, ``prolog`` goes
    before the sheet's root element, ``head`` into the sheet before ``sheetData``."""
    overrides = f'<Override PartName="/{WORKBOOK}" ContentType="{_CT}.sheet.main+xml"/>' \
                f'<Override PartName="/{SHEET}" ContentType="{_CT}.worksheet+xml"/>'
    if shared is not None:
        overrides += f'<Override PartName="/{STRINGS}" ContentType="{_CT}.sharedStrings+xml"/>'
    found = {
        "[Content_Types].xml": f'<Types xmlns="{_PKG}/content-types"><Default Extension="rels" '
                               f'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                               f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>',
        "_rels/.rels": f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
                       f'Type="{_REL}/officeDocument" Target="{WORKBOOK}"/></Relationships>',
        WORKBOOK: f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                  f'</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
                                      f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        SHEET: f'{prolog}<worksheet xmlns="{_MAIN}">{head}<sheetData>{rows}</sheetData></worksheet>',
    }
    if shared is not None:
        found[STRINGS] = shared
    return found


def xlsx(rows: str, shared: str | None = None, prolog: str = "", head: str = DIMENSION) -> bytes:
    return pack(members(rows, shared, prolog, head))


PAD = "\x00"  # where ``pack`` puts a member's padding (at its end when the member has none)


def pack(files: dict[str, str], padding: dict[str, int] | None = None) -> bytes:
    """The members zipped; ``padding`` gives a member that many MiB of spaces, written in steps."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            head, _, tail = content.partition(PAD)
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w") as f:
                f.write(head.encode())
                for _ in range((padding or {}).get(name, 0)):
                    f.write(b" " * (1 << 20))
                f.write(tail.encode())
    return out.getvalue()


_LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
DTDS = {
    "billion laughs": (f'<!DOCTYPE lolz [<!ENTITY l0 "lol">{_LAUGHS}]>', "&l9;"),
    "external entity": ('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
}
_SHARED_ROW = '<row r="2"><c t="inlineStr"><is><t>PF000001</t></is></c><c t="s"><v>0</v></c></row>'


def dtd_xlsx(kind: str, member: str) -> bytes:
    """A manifest whose sheet (``member="sheet"``) or shared strings carry a DTD and use its entity."""
    dtd, entity = DTDS[kind]
    if member == "sheet":
        return xlsx(row(1, "serial", "model") + row(2, "PF000001", entity), prolog=dtd)
    shared_strings = f'{dtd}<sst xmlns="{_MAIN}"><si><t>{entity}</t></si></sst>'
    return xlsx(row(1, "serial", "model") + _SHARED_ROW, shared=shared_strings)


def shared_string_bomb(mib: int) -> bytes:
    """A small workbook whose one shared string is ``mib`` MiB of spaces, and says so."""
    strings = f'<sst xmlns="{_MAIN}"><si><t xml:space="preserve">{PAD}</t></si></sst>'
    return pack(members(row(1, "serial", "model") + _SHARED_ROW, shared=strings), {STRINGS: mib})


def padded_member(name: str, mib: int) -> bytes:
    """A manifest whose member ``name`` ends in ``mib`` MiB of spaces (allowed after the root
    element) but says it is as long as the XML before them: read whole, it inflates ``mib`` MiB."""
    files = members(row(1, "serial", "model") + row(2, "PF000001", "ThinkPad"))
    return patch_header(pack(files, {name: mib}), name, size=len(files[name].encode()))


def patch_header(data: bytes, name: str, size: int | None = None, crc: int | None = None) -> bytes:
    """The workbook with ``name``'s uncompressed size and checksum rewritten in its local header
    and in the central directory alike. Given a size alone, the checksum becomes that of the first
    ``size`` bytes: a reader that trusts the size sees those bytes and finds nothing wrong."""
    book = bytearray(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(name)
    size = info.file_size if size is None else size
    if crc is None:
        with archive.open(info) as member:
            crc = zlib.crc32(member.read(size))
    struct.pack_into("<III", book, info.header_offset + 14, crc, info.compress_size, size)
    at = 0
    while (at := book.find(b"PK\x01\x02", at)) != -1:
        length = struct.unpack_from("<H", book, at + 28)[0]
        if book[at + 46:at + 46 + length].decode() == name:
            struct.pack_into("<III", book, at + 16, crc, info.compress_size, size)
            break
        at += 4
    return bytes(book)

