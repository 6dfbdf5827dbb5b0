"""Manifest files as suppliers send them, generated here in every format and encoding."""

import io

import pytest
from openpyxl import Workbook

from fleet.errors import FleetError
from provisioning import manifests
from provisioning.manifests import parse_manifest, parse_manifest_json

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
    return e.value.details


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
        {"line": 5, "message": "'3C:52:82:1A:2B:3G' is not a MAC address (12 hexadecimal digits, e.g. 3C:52:82:1A:2B:3C)"},
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
    assert details[0]["line"] == 1 and "no serial column" in details[0]["message"] and "'inventory'" in details[0]["message"]


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
    parsed = parse_manifest_json([{"serial": " pf3a1b2c ", "manufacturer": "Lenovo", "model": "X", "macs": ["3c52821a2b3c"]}])
    assert parsed[0].serial == "PF3A1B2C" and parsed[0].macs == ("3C:52:82:1A:2B:3C",)
    with pytest.raises(FleetError) as e:
        parse_manifest_json([{"serial": "PF3A1B2C"}, "nonsense", {"serial": "PF3A1B2C", "model": 5}])
    assert e.value.details == [
        {"index": 1, "message": "each item must be an object {serial, manufacturer, model}"},
        {"index": 2, "message": "every value must be text"},
    ]
    with pytest.raises(FleetError):
        parse_manifest_json([])
