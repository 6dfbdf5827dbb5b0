"""The renderers, pure (a report in, text or bytes out): the JSON's shape, the CSV's byte-order mark, separators
and formula-safe cells, the XLSX read back (its sheets, bold headers, numbers, money and dates typed), and the PDF
read back (the charts' titles, the tables' figures as the language writes them, the pages numbered) and drawn."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdfium2
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from fleet.errors import FleetError
from fleet.i18n import _l
from fleet.reports import Chart, Column, Mark, Report, Series, Table, files, render

COLUMNS = [Column("code", _l("Founder (code)")), Column("name", _l("School")),
           Column("provided", _l("Provided"), "int"), Column("price", _l("Unit price, EUR"), "money"),
           Column("day", _l("Date"), "date")]
ROWS = [{"code": "=HYPERLINK(\"x\")", "name": "Ādažu vidusskola", "provided": 13310, "price": "612.40",
         "day": "2022-12-31"},
        {"code": "RIX", "name": "Rīgas Valsts 1. ģimnāzija", "provided": 7, "price": None, "day": None}]
MONTHS = [{"month": f"2022-{m:02d}", "cumulative": 1100 * m} for m in range(1, 13)]


def sample(many_bars: int = 2) -> Report:
    bars = [(f"Novads {i}", i) for i in range(many_bars)]
    return Report(
        "sample", _l("Milestones"), date(2023, 12, 31),
        {"provided": 13317, "withheld": {"other_source": 2, "no_contract": 0},
         "targets": [{"date": "2022-12-31", "target": 13310, "achieved": 13200, "met": False}]},
        [Table("schools", _l("By school"), COLUMNS, ROWS),
         Table("monthly", _l("By month"), [Column("month", _l("Month")), Column("cumulative", _l("Cumulative"), "int")],
               MONTHS)],
        [Chart("cumulative", _l("Devices provided to the target group, cumulative"), "line",
               [Series(_l("Provided, cumulative"), [(f"{m['month']}-28", m["cumulative"]) for m in MONTHS])],
               "monthly", [Mark("2022-12-31", 13310, _l("Target"))]),
         Chart("by_founder", _l("Provided by founder"), "bars", [Series(_l("Provided"), bars)], "schools")],
        refreshed_at=datetime(2024, 1, 2, 3, 4, tzinfo=UTC), scope_label="Ādažu novads")


def test_json_shape():
    out = render.as_json(sample(), "lv")
    assert list(out)[:5] == ["report", "title", "as_of", "refreshed_at", "scope"]
    assert out["title"] == _l("Milestones").in_("lv") and out["as_of"] == "2023-12-31"
    assert out["refreshed_at"] == "2024-01-02T03:04:00Z" and out["scope"] == "Ādažu novads"
    assert out["provided"] == 13317 and out["withheld"] == {"other_source": 2, "no_contract": 0}
    assert out["schools"] == ROWS and out["monthly"] == MONTHS


def test_csv_semicolon_with_bom_comma_without_and_cells_safe_from_formulas():
    excel = render.as_csv(sample(), None, "semicolon", "lv")
    assert excel.startswith("\ufeff")
    header, first, second, end = excel.removeprefix("\ufeff").split("\r\n")
    assert header == ";".join(c.label.in_("lv") for c in COLUMNS)
    assert first == "\"'=HYPERLINK(\"\"x\"\")\";Ādažu vidusskola;13310;612.40;2022-12-31"
    assert second == "RIX;Rīgas Valsts 1. ģimnāzija;7;;" and end == ""
    machines = render.as_csv(sample(), "monthly", "comma", "en")
    assert machines.startswith("Month,Cumulative\r\n2022-01,1100\r\n")


@pytest.mark.parametrize("table, sep, field", [("pupils", "semicolon", "table"), (None, "tab", "sep")])
def test_an_unknown_table_or_separator_is_refused(table, sep, field):
    with pytest.raises(FleetError) as refused:
        render.as_csv(sample(), table, sep, "en")
    assert refused.value.code == "invalid_input"
    assert refused.value.details[0]["field"] == field


def test_an_unknown_format_is_refused():
    with pytest.raises(FleetError) as refused:
        files.as_file(sample(), "docx", "en")
    assert refused.value.details[0]["field"] == "fmt"


def test_xlsx_read_back_has_a_summary_then_a_sheet_per_table_typed():
    made = files.as_file(sample(), "xlsx", "en")
    assert made.filename == "sample-2023-12-31.xlsx" and made.media_type.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(made.data))
    assert book.sheetnames == ["Milestones", "By school", "By month"]
    summary = [[c.value for c in row][:2] for row in book["Milestones"].iter_rows()]
    assert summary[0] == ["Milestones", None] and ["As of", "2023-12-31"] in summary
    assert [_l("Devices provided to the target group").in_("en"), 13317] in summary
    assert [_l("Withheld from the count").in_("en") + ": another funding source", 2] in summary
    schools = book["By school"]
    assert [c.value for c in schools[1]] == [c.label.in_("en") for c in COLUMNS]
    assert all(c.font.b for c in schools[1])
    code, name, provided, price, day = schools[2]
    assert code.value == "=HYPERLINK(\"x\")" and code.data_type == "s"  # text, never a formula
    assert provided.value == 13310 and provided.data_type == "n" and provided.number_format == "#,##0"
    assert Decimal(str(price.value)) == Decimal("612.40") and price.number_format == "#,##0.00"
    assert day.value == datetime(2022, 12, 31) and day.is_date
    assert [c.value for c in book["By month"][13]] == ["2022-12", 13200]


def test_sheet_names_fit_excels_limits():
    report = sample()
    report.tables = [Table(f"t{i}", "A very long title: with [brackets] and / slashes, too long", COLUMNS, [])
                     for i in range(3)]
    names = load_workbook(io.BytesIO(files.as_file(report, "xlsx", "en").data)).sheetnames[1:]
    assert len(set(names)) == 3 and all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


@pytest.mark.parametrize("lang, figure, page", [("lv", "13 310", "Lapa"), ("en", "13,310", "Page")])
def test_pdf_read_back_holds_the_charts_titles_and_the_tables_figures(lang, figure, page):
    made = files.as_file(sample(), "pdf", lang)
    assert made.data.startswith(b"%PDF") and made.filename == "sample-2023-12-31.pdf"
    pages = PdfReader(io.BytesIO(made.data)).pages
    text = "\n".join(p.extract_text() for p in pages)
    for words in (_l("Milestones"), _l("Devices provided to the target group, cumulative"),
                  _l("Provided by founder")):
        assert words.in_(lang) in text
    assert "Ādažu vidusskola" in text and "Rīgas Valsts 1. ģimnāzija" in text and figure in text
    assert f"{page} 1/{len(pages)}" in text


def test_pdf_draws_the_line_and_a_long_bar_chart_says_how_many_it_shows():
    made = files.as_file(sample(many_bars=55), "pdf", "en")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(made.data)).pages)
    assert "(40 / 55)" in text
    image = pypdfium2.PdfDocument(made.data)[0].render(scale=1).to_pil().convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20)}
    near = lambda c, t: all(abs(a - b) < 40 for a, b in zip(c, t, strict=True))  # noqa: E731
    assert any(near(c, (0x1F, 0x5F, 0xA8)) for c in colours)  # the line's blue
    assert any(near(c, (0xB0, 0x00, 0x20)) for c in colours)  # the target's mark
