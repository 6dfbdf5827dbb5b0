"""Manifest files as suppliers send them, generated here in every format and encoding."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from fleet import xlsx
from fleet.errors import FleetError
from provisioning import manifests
from provisioning.manifests import parse_manifest, parse_manifest_json
from tests.provisioning import workbooks

ROWS = [("PF3A1B2C", "Lenovo", "ThinkPad 11e Yoga Gen 6"), ("5CG1234XYZ", "HP", "ProBook x360 11 G7")]


def csv_bytes(header, rows, sep=",", encoding="utf-8", bom=False):
    text = "\r\n".join(sep.join(r) for r in [header, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(header, rows):
    book = Workbook()
    sheet = book.active
    for r in [header, *rows]:
        sheet.append(list(r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bad_lines(data):
    with pytest.raises(FleetError) as e:
        parse_manifest(data)
    assert e.value.code == "invalid_input"
    return e.value.localized_details("en")  # (each message a Text: the reader's language)


@pytest.mark.parametrize("sep", [",", ";"])
@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("cp1257", False)])
def test_csv_in_every_separator_and_encoding(sep, encoding, bom):
    header = ["Sērijas numurs", "Ražotājs", "Modelis"]
    rows = [*ROWS, ("PF9Z9Z9Z", "Dell", "Latitude 3120 ģimnāzijai")]
    parsed = parse_manifest(csv_bytes(header, rows, sep, encoding, bom))
    assert [(r.line, r.serial, r.manufacturer, r.model) for r in parsed] == [
        (2, "PF3A1B2C", "Lenovo", "ThinkPad 11e Yoga Gen 6"),
        (3, "5CG1234XYZ", "HP", "ProBook x360 11 G7"),
        (4, "PF9Z9Z9Z", "Dell", "Latitude 3120 ģimnāzijai"),
    ]


@pytest.mark.parametrize("header", [
    ["serial", "manufacturer", "model"],
    ["Serial Number", "Make", "Model"],
    ["S/N", "Vendor", "model"],
    ["sērijas nr.", "zīmols", "modelis"],
])
def test_header_names_in_english_and_latvian(header):
    parsed = parse_manifest(csv_bytes(header, ROWS))
    assert [r.serial for r in parsed] == ["PF3A1B2C", "5CG1234XYZ"]
    assert parsed[1].manufacturer == "HP"


def test_xlsx_with_macs_and_order_lines():
    header = ["Serial", "Manufacturer", "Model", "MAC addresses", "PO line"]
    rows = [("pf3a1b2c", "Lenovo", "ThinkPad", "3c:52:82:1a:2b:3c, 3C-52-82-1A-2B-3D", "12"),
            ("5CG1234XYZ", "HP", "ProBook", "", "13")]
    parsed = parse_manifest(xlsx_bytes(header, rows), "dump.csv")  # by content, not by name
    assert parsed[0].serial == "PF3A1B2C"
    assert parsed[0].macs == ("3C:52:82:1A:2B:3C", "3C:52:82:1A:2B:3D")
    assert parsed[0].po_line == "12" and parsed[1].macs == ()


def test_every_bad_line_is_reported_with_its_number_and_nothing_returned():
    header = ["serial", "model", "mac"]
    rows = [
        ("PF3A1B2C", "ok", ""),          # 2
        ("ab", "too short", ""),         # 3
        ("PF 123 456", "space", ""),     # 4
        ("PF3A1B2C", "again", ""),       # 5
        ("PF777777", "bad mac", "3C:52:82:1A:2B"),  # 6
        ("PF888888",),                   # 7: a short row
    ]
    details = bad_lines(csv_bytes(header, rows))
    assert [d["line"] for d in details] == [3, 4, 5, 6, 7]
    messages = [d["message"] for d in details]
    assert "4-40 characters" in messages[0]
    assert "' '" in messages[1]
    assert messages[2] == "serial PF3A1B2C repeats line 2"
    assert "not a MAC address" in messages[3]
    assert "has 1 value(s) where the header has 3 columns" in messages[4]


def test_mac_addresses_in_any_spelling_and_text_without_nul():
    header = ["serial", "model", "mac"]
    rows = [
        ("PF000002", "ok", "3c:52:82:1a:2b:3c"),                   # 2: as it is kept, in lower case
        ("PF000003", "ok", " 3C-52-82-1A-2B-3D|3c52821a2b3e "),     # 3: two, other spellings
        (" ", "  ", ""),                                            # 4: blank: skipped
        ("PF000005", "ok", "3C:52:82:1A:2B:3G"),                    # 5: not hexadecimal
        ("PF000006", "Think\x00Pad", ""),                           # 6: a NUL that PostgreSQL cannot store
    ]
    details = bad_lines(csv_bytes(header, rows))
    assert details == [
        {"line": 5,
         "message": "'3C:52:82:1A:2B:3G' is not a MAC address (12 hexadecimal digits, e.g. 3C:52:82:1A:2B:3C)"},
        {"line": 6, "message": "model holds a NUL character"},
    ]
    parsed = parse_manifest(csv_bytes(header, rows[:3]))
    assert [(r.line, r.macs) for r in parsed] == [
        (2, ("3C:52:82:1A:2B:3C",)), (3, ("3C:52:82:1A:2B:3D", "3C:52:82:1A:2B:3E"))]


def test_line_numbers_count_file_lines_across_quoted_newlines_and_blank_lines():
    data = b'serial,model\r\nPF3A1B2C,"two\r\nlines"\r\n\r\nab,x\r\n'
    assert bad_lines(data) == [{"line": 5, "message": "serial 'ab' must be 4-40 characters long, has 2"}]


def test_missing_serial_column_names_what_was_found():
    details = bad_lines(csv_bytes(["inventory", "model"], ROWS))
    assert details[0]["line"] == 1
    assert "no serial column" in details[0]["message"] and "'inventory'" in details[0]["message"]


def test_two_columns_meaning_the_same_field():
    details = bad_lines(csv_bytes(["serial", "sn", "model"], [("PF3A1B2C", "PF3A1B2C", "x")]))
    assert details[0]["line"] == 1 and "two columns mean serial" in details[0]["message"]


def test_empty_and_unreadable_files():
    assert bad_lines(b"") == [{"line": 1, "message": "no header and no rows"}]
    assert bad_lines(b"PK\x03\x04 not really a workbook")[0]["message"] == "not a readable XLSX workbook"


def test_size_limits(monkeypatch):
    with pytest.raises(FleetError) as e:
        parse_manifest(b"x" * (manifests.MAX_BYTES + 1))
    assert e.value.code == "too_large"
    monkeypatch.setattr(manifests, "MAX_ROWS", 2)
    with pytest.raises(FleetError) as e:
        parse_manifest(csv_bytes(["serial"], [("PF000001",), ("PF000002",), ("PF000003",)]))
    assert e.value.code == "too_large"


def test_json_manifest_uses_the_same_rules():
    parsed = parse_manifest_json([{"serial": " pf3a1b2c ", "manufacturer": "Lenovo", "model": "X",
                                   "macs": ["3c52821a2b3c"]}])
    assert parsed[0].serial == "PF3A1B2C" and parsed[0].macs == ("3C:52:82:1A:2B:3C",)
    with pytest.raises(FleetError) as e:
        parse_manifest_json([{"serial": "PF3A1B2C"}, "nonsense", {"serial": "PF3A1B2C", "model": 5}])
    assert e.value.localized_details("en") == [
        {"index": 1, "message": "each item must be an object {serial, manufacturer, model}"},
        {"index": 2, "message": "every value must be text"},
    ]
    with pytest.raises(FleetError):
        parse_manifest_json([])


# --- hostile files (issue 14) ---------------------------------------------------------------------

def test_bom_then_bytes_that_are_not_utf8_name_their_line():
    data = b"\xef\xbb\xbfserial;model\r\nPF000001;ok\r\n\r\nPF000002;Think\xe9Pad\r\n"
    details = bad_lines(data)
    assert details == [{"line": 4,
                        "message": "byte 0xe9 is not UTF-8, which the byte-order mark at the start promises"}]


def test_bytes_neither_utf8_nor_windows_1257_name_their_line():
    details = bad_lines(b"serial;model\nPF000001;\x81\n")
    assert details == [{"line": 2, "message": "byte 0x81 is neither UTF-8 nor Windows-1257: save the file as UTF-8"}]


def test_a_stray_quote_that_never_closes_is_reported_where_it_opened():
    data = b'serial;model\r\nQA00;ok\r\nQA01;"ThinkPad 11e\r\nQA02;ThinkPad\r\nQA03;ThinkPad\r\n'
    details = bad_lines(data)
    assert [d["line"] for d in details] == [3]
    assert "never closed" in details[0]["message"] and "3-5" in details[0]["message"]


def test_a_stray_quote_that_closes_later_is_reported_where_it_opened():
    """The quote closes at an inch mark two lines on: two rows would silently become QA01's model."""
    data = b'serial;model\r\nQA01;"ThinkPad 11e\r\nQA02;ThinkPad\r\nQA03;Display 11.6"\r\nQA04;ok\r\n'
    details = bad_lines(data)
    assert [d["line"] for d in details] == [2]
    assert "2-4" in details[0]["message"] and "';'" in details[0]["message"]


def test_text_after_a_closing_quote_is_reported_on_its_row():
    details = bad_lines(b'serial;model\r\nQA01;"ThinkPad" 11e\r\nQA02;ok\r\n')
    assert [d["line"] for d in details] == [2]


def test_a_serial_that_spans_lines_is_reported():
    details = bad_lines(b'serial;model\r\n"QA01\r\nQA02";ok\r\nQA03;ok\r\n')
    assert [d["line"] for d in details] == [2] and "'\\r'" in details[0]["message"]


def test_a_quoted_value_over_two_lines_is_still_read():
    parsed = parse_manifest(b'serial;model\r\nQA01;"ThinkPad\r\n11e"\r\nQA02;ok\r\n')
    assert [(r.line, r.serial, r.model) for r in parsed] == [(2, "QA01", "ThinkPad\r\n11e"), (4, "QA02", "ok")]


def test_a_header_without_rows_is_refused_like_an_empty_json_manifest():
    for data in (csv_bytes(["serial", "model"], []), xlsx_bytes(["serial", "model"], [])):
        assert bad_lines(data) == [{"line": 1, "message": "a header and no rows: the manifest lists no device"}]
    with pytest.raises(FleetError) as e:
        parse_manifest_json([])
    assert e.value.code == "invalid_input"
    assert e.value.localized_details("en") == [{"field": "manifest", "message": "lists no device"}]


def test_a_mac_that_only_upper_casing_makes_hexadecimal_is_refused():
    details = bad_lines(csv_bytes(["serial", "mac"], [("PF000001", "3c:52:82:1a:2b:\ufb00")]))
    assert [d["line"] for d in details] == [2] and "not a MAC address" in details[0]["message"]


def test_openpyxl_parses_with_defusedxml():
    import defusedxml.common
    import openpyxl
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML and functions.iterparse.__module__ == defusedxml.common.__name__


@pytest.mark.parametrize("kind", sorted(workbooks.DTDS))
@pytest.mark.parametrize("member", ["sheet", "shared strings"])
def test_xlsx_carrying_a_dtd_is_invalid_input(kind, member):
    details = bad_lines(workbooks.dtd_xlsx(kind, member))
    assert details == [{"line": 1, "message": "the workbook's XML carries a DTD, which is not accepted"}]


SHEET_ROWS = workbooks.row(1, "serial", "model") + workbooks.row(2, "PF000001", "ThinkPad")


@pytest.mark.parametrize("name, data, line", [
    ("truncated sheet", workbooks.xlsx(SHEET_ROWS + "<row r='3'><c"), 3),
    ("shared string out of range", workbooks.xlsx(SHEET_ROWS + '<row r="3"><c t="s"><v>7</v></c></row>'), 3),
    ("number that is none", workbooks.xlsx(SHEET_ROWS + '<row r="3"><c t="n"><v>x1</v></c></row>'), 3),
    ("date out of range", workbooks.xlsx(SHEET_ROWS + '<row r="3"><c t="d"><v>99999-99</v></c></row>'), 3),
    ("no sheet", workbooks.pack({k: v for k, v in workbooks.members(SHEET_ROWS).items() if k != workbooks.SHEET}), 1),
    ("bad checksum", workbooks.patch_header(workbooks.xlsx(SHEET_ROWS), workbooks.SHEET, crc=1), 1),
])
def test_unreadable_xlsx_is_invalid_input_with_the_line(name, data, line):
    details = bad_lines(data)
    assert [d["line"] for d in details] == [line], details
    assert "not a readable XLSX workbook" in details[0]["message"]


def test_xlsx_stops_reading_as_soon_as_the_row_limit_is_passed(monkeypatch):
    """Rows after the limit are broken XML: reading on would find them and say invalid_input."""
    monkeypatch.setattr(manifests, "MAX_ROWS", 2)
    rows = "".join(workbooks.row(n, f"PF00000{n}", "x") for n in range(2, 5))
    with pytest.raises(FleetError) as e:
        parse_manifest(workbooks.xlsx(workbooks.row(1, "serial", "model") + rows + "<row r='5'><c"))
    assert e.value.code == "too_large" and "2 rows" in e.value.message


def test_xlsx_rows_far_below_the_others_are_too_large():
    data = workbooks.xlsx(SHEET_ROWS + workbooks.row(2_000_000_000, "PF000009", "x"))
    with pytest.raises(FleetError) as e:
        parse_manifest(data)
    assert e.value.code == "too_large"


def test_xlsx_a_sheet_whose_dimension_is_too_small_loses_no_row():
    """openpyxl's read-only mode believed <dimension ref="A1"/> and read row 1 alone: silently none."""
    rows = SHEET_ROWS + workbooks.row(3, "PF000003", "x")
    parsed = parse_manifest(workbooks.xlsx(rows, head='<dimension ref="A1"/>'))
    assert [(r.line, r.serial) for r in parsed] == [(2, "PF000001"), (3, "PF000003")]


def test_xlsx_a_sheet_claiming_every_cell_of_excel_pads_nothing():
    """openpyxl pads each row to the <dimension>'s last column: 16,384 cells a row, for any number of rows."""
    data = workbooks.xlsx(SHEET_ROWS, head='<dimension ref="A1:XFD1048576"/>')
    assert xlsx.sheet_rows(data, 10) == [(1, ["serial", "model"]), (2, ["PF000001", "ThinkPad"])]


def test_xlsx_a_value_far_to_the_right_is_refused_on_its_line():
    wide = '<row r="3"><c r="A3" t="inlineStr"><is><t>PF000003</t></is></c><c r="XFD3"/></row>'
    details = bad_lines(workbooks.xlsx(SHEET_ROWS + wide))
    assert details == [{"line": 3,
                        "message": f"reaches column 16384; a sheet may have at most {xlsx.MAX_COLUMNS} columns"}]


@pytest.mark.parametrize("limit, value", [("MAX_UNPACKED", 4096), ("MAX_MEMBER", 1024), ("MAX_MEMBERS", 4)])
def test_xlsx_that_inflates_beyond_the_limits_is_too_large(monkeypatch, limit, value):
    monkeypatch.setattr(xlsx, limit, value)
    data = workbooks.xlsx(SHEET_ROWS + "".join(workbooks.row(n, f"PF{n:06d}", "x" * 20) for n in range(3, 40)))
    with pytest.raises(FleetError) as e:
        parse_manifest(data)
    assert e.value.code == "too_large"


CHILD = """
import resource, sys
import openpyxl
from provisioning.manifests import parse_manifest
from fleet.errors import FleetError
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    outcome = f"{len(parse_manifest(data))}_rows"
except FleetError as e:
    outcome = e.code
print(outcome, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


@pytest.mark.parametrize("bomb, outcome", [
    (lambda: workbooks.shared_string_bomb(200), "too_large"),  # says it inflates to 200 MiB
    (lambda: workbooks.padded_member(workbooks.WORKBOOK, 300), "1_rows"),  # says 223 bytes, inflates to 300 MiB
])
def test_xlsx_bombs_stay_within_memory(tmp_path, bomb, outcome):
    """Peak memory of a child process parsing the bomb (a 200-300 KiB file), not its time."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb())
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=root,
                         check=True).stdout.split()
    assert out[0] == outcome
    assert int(out[-1]) < 40, f"the parse took {out[-1]} MB more memory"
