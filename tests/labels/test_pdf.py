"""Labels as PDF, read back: every page rasterised at 300 dpi and every symbol decoded, each label found in
its cell on the stock after the printer's calibration shift, `skip` honoured, the Latvian text extracted
exactly from embedded fonts, vectors only, and the calibration page."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pytest
from PIL import Image, ImageDraw

from labels import (
    STOCKS,
    Calibration,
    LabelData,
    Stock,
    calibration_pdf,
    fonts,
    label_pdf,
    label_png,
    labels_pdf,
    layout,
    symbols,
)
from labels.layout import Code128, QRCode
from tests.labels.helpers import (
    CARRY_BARCODE,
    CODE128,
    DPI,
    FUNDING,
    LATVIAN,
    LONG_OWNER,
    LONG_SERIAL,
    MM,
    MODEL,
    OWNER,
    PANGRAM,
    QR,
    STANDARD_14,
    URL,
    batch_label,
    carries_barcode,
    carries_funding,
    centre,
    decode,
    extent,
    fonts_of,
    found,
    label,
    lines_of,
    png_image,
    px,
    rasterise,
    reader,
    text_lines,
    texts,
    xobjects_of,
)

SHIFT = Calibration(0.6, -0.4)  # this printer prints 0.6 mm too far left and 0.4 mm too low
PLACE = px(0.2) + 1  # pixels: 0.2 mm and a pixel
DOT = MM / DPI  # mm: one dot at 300 dpi, a sheet's dot grid
ON_GRID = 1.25 * DOT  # mm: the most a label's corner moves, onto the grid and three quarters of a dot on
PT = 25.4 / 72  # millimetres per point
EMBLEM_DO = b"/FormXob.EUEmblem Do"
IMAGE = re.compile(rb"/Subtype\s*/Image\b")


@dataclass(frozen=True)
class Run:
    stock: Stock
    data: list[LabelData]
    skip: int
    pdf: bytes
    pages: list[Image.Image]
    decoded: list[list]  # what zxing-cpp found, page by page
    text: list[str]  # what pypdf extracts, page by page

    def place(self, index: int) -> tuple[int, int]:
        """The page and the cell of the `index`th label."""
        return divmod(self.skip + index, self.stock.per_page)

    def on_page(self, page: int) -> list[int]:
        return [i for i in range(len(self.data)) if self.place(i)[0] == page]

    def origin(self, index: int) -> tuple[float, float]:
        """Where the label's top-left corner should print (mm from the page's top-left), calibration included."""
        x, y = self.stock.cell(self.place(index)[1])
        return x + SHIFT.x, y + SHIFT.y


def run_labels(stock: Stock) -> list[LabelData]:
    """More than a sheet (or five roll labels): funded and not, a long owner, a long serial, a pre-printed tag."""
    count = stock.per_page + 3 if stock.kind == "sheet" else 5
    data = [label(i + 1, eu_funded=i % 3 != 1) for i in range(count)]
    data[2] = label(3, owner=LONG_OWNER)
    data[3] = label(4, serial=LONG_SERIAL)
    data[-1] = batch_label(count)
    return data


@pytest.fixture(scope="module", params=sorted(STOCKS))
def run(request) -> Run:
    stock = STOCKS[request.param]
    skip = stock.columns + 1 if stock.kind == "sheet" else 0  # a used first row and one more
    data = run_labels(stock)
    pdf = labels_pdf(stock, data, skip=skip, calibration=SHIFT)
    pages = rasterise(pdf)
    return Run(stock, data, skip, pdf, pages, [decode(page) for page in pages],
               [page.extract_text() for page in reader(pdf).pages])


def cell_at(run: Run, x_px: float, y_px: float) -> int | None:
    x, y = x_px * MM / DPI - SHIFT.x, y_px * MM / DPI - SHIFT.y
    for index in range(run.stock.per_page):
        cx, cy = run.stock.cell(index)
        if cx <= x < cx + run.stock.label_width and cy <= y < cy + run.stock.label_height:
            return index
    return None


# ---- symbols -----------------------------------------------------------------------------------------------------


def test_the_run_has_the_pages_it_needs_at_the_stocks_size(run):
    stock = run.stock
    assert len(run.pages) == math.ceil((run.skip + len(run.data)) / stock.per_page)
    assert len(run.pages) == (2 if stock.kind == "sheet" else len(run.data))
    for page in reader(run.pdf).pages:
        assert float(page.mediabox.width) * PT == pytest.approx(stock.page_width, abs=0.01)
        assert float(page.mediabox.height) * PT == pytest.approx(stock.page_height, abs=0.01)
    for image in run.pages:
        assert image.size == pytest.approx((px(stock.page_width), px(stock.page_height)), abs=1)


def test_every_symbol_decodes_exactly_no_missing_no_extra(run):
    everything = [symbol for page in run.decoded for symbol in page]
    assert {symbol.format for symbol in everything} <= {QR, CODE128}  # no Micro QR, nothing stray
    assert found(everything, QR) == sorted(d.qr_text for d in run.data)
    expected_bars = sorted(d.serial for d in run.data if carries_barcode(layout(run.stock, d)))
    assert found(everything, CODE128) == expected_bars
    # the long serial and the pre-printed label never carry one; the others do where the column holds it
    normal = [d.serial for d in run.data if d.serial and d.serial != LONG_SERIAL]
    assert expected_bars == (sorted(normal) if run.stock.id in CARRY_BARCODE else [])
    for page, read in enumerate(run.decoded):  # and each on its own page
        assert found(read, QR) == sorted(run.data[i].qr_text for i in run.on_page(page))


def test_every_qr_code_is_error_correction_q(run):
    for symbol in (s for page in run.decoded for s in page if s.format == QR):
        assert symbol.ec_level == "Q"


def test_symbols_sit_in_their_cells_shifted_by_the_calibration(run):
    qr_index = {d.qr_text: i for i, d in enumerate(run.data)}
    bar_index = {d.serial: i for i, d in enumerate(run.data) if d.serial}
    checked = 0
    for page, read in enumerate(run.decoded):
        for symbol in read:
            index = (qr_index if symbol.format == QR else bar_index)[symbol.text]
            assert run.place(index)[0] == page
            drawn = layout(run.stock, run.data[index])
            item = drawn.first(QRCode if symbol.format == QR else Code128)
            left, top = run.origin(index)
            x0, y0 = px(left + item.box[0]), px(top + item.box[1])
            x1, y1 = px(left + item.box[2]), px(top + item.box[3])
            got = extent(symbol)
            if symbol.format == QR:
                assert got == pytest.approx((x0, y0, x1, y1), abs=PLACE), (symbol.text, got, (x0, y0, x1, y1))
            else:  # a Code128 is found along a scan line: its ends, somewhere between the bars' top and bottom
                assert (got[0], got[2]) == pytest.approx((x0, x1), abs=PLACE), (symbol.text, got, (x0, x1))
                assert y0 - PLACE <= got[1] <= got[3] <= y1 + PLACE
            checked += 1
    assert checked == sum(len(page) for page in run.decoded) >= len(run.data)


def test_skip_leaves_exactly_the_first_cells_empty(run):
    stock = run.stock
    occupied: dict[int, list[int]] = {}
    for page, read in enumerate(run.decoded):
        for symbol in read:
            if symbol.format == QR:
                occupied.setdefault(page, []).append(cell_at(run, *centre(symbol)))
    if stock.kind == "roll":
        assert occupied == {page: [0] for page in range(len(run.data))}
        return
    assert sorted(occupied[0]) == list(range(run.skip, stock.per_page))  # cells 0 .. skip-1 stay empty
    assert sorted(occupied[1]) == list(range(len(run.data) - (stock.per_page - run.skip)))  # page 2 from the first


def test_nothing_is_drawn_outside_the_labels_printable_area(run):
    """Every dark pixel lies on a label that the run filled, inside its margin, after the calibration shift."""
    stock = run.stock
    for page, image in enumerate(run.pages):
        blank = image.copy()
        draw = ImageDraw.Draw(blank)
        for index in run.on_page(page):
            left, top = run.origin(index)
            m = stock.margin
            draw.rectangle((px(left + m) - PLACE, px(top + m) - PLACE, px(left + stock.label_width - m) + PLACE,
                            px(top + stock.label_height - m) + PLACE), fill=255)
        assert blank.point(lambda v: 255 if v == 255 else 0).getextrema() == (255, 255), f"ink outside on page {page}"
        assert image.getextrema()[0] == 0  # and there is ink on the labels


# ---- text --------------------------------------------------------------------------------------------------------


def test_text_extracts_exactly_label_by_label(run):
    assert len(run.text) == len(run.pages)
    for page, raw in enumerate(run.text):
        expected = [line for i in run.on_page(page) for line in texts(layout(run.stock, run.data[i]))]
        assert lines_of(raw) == expected
        assert "\x00" not in raw and "■" not in raw and "\ufffd" not in raw


def test_latvian_text_extracts_with_every_diacritic():
    stock = STOCKS["avery-l7163"]
    data = label(1, programme=PANGRAM)
    assert texts(layout(stock, data))[-3:] == [f"HP {MODEL}", OWNER, PANGRAM]  # all of it fits this stock
    text = reader(labels_pdf(stock, [data])).pages[0].extract_text()
    for line in (data.asset_tag, data.serial, *FUNDING, f"HP {MODEL}", OWNER, PANGRAM):
        assert line in text
    assert set(LATVIAN) <= set(text)
    assert "\x00" not in text and "■" not in text


def test_a_line_across_two_font_subsets_extracts_exactly():
    """Past 200-odd distinct characters in a document the font gets a second subset: a line with characters of
    both is a string per subset, each after its own font, and still extracts as the one line it is."""
    codes = (*range(0xC0, 0x180), *range(0x391, 0x3AA), *range(0x3B1, 0x3CA), *range(0x410, 0x450))
    pool = "".join(chr(c) for c in codes if c not in (0xD7, 0xF7, 0x3A2))
    seen, new = pool[:-4], pool[-4:]
    mixed = "Rīga " + new  # its last characters come when the first subset is full
    stock = STOCKS["avery-l7163"]
    data = [label(i + 1, owner=seen[j:j + 10]) for i, j in enumerate(range(0, len(seen), 10))]
    data.append(label(99, owner=mixed))
    assert all("owner" not in layout(stock, d).omitted for d in data)
    last = reader(labels_pdf(stock, data)).pages[-1]
    assert mixed in lines_of(last.extract_text())
    blocks = re.findall(r"BT\n(.*?)\nET", last.get_contents().get_data().decode("latin-1"), re.DOTALL)
    assert any(len(set(re.findall(r"/F\d+\+\d+", block))) == 2 for block in blocks)


def test_a_long_owner_is_cut_with_an_ellipsis_in_the_pdf(run):
    drawn = layout(run.stock, run.data[2])
    lines = lines_of(run.text[run.place(2)[0]])
    owner = [t for t in texts(drawn) if t.startswith(LONG_OWNER[:8])]
    if "owner" in drawn.omitted:
        assert not any(line.startswith(LONG_OWNER[:8]) for line in lines)
    else:
        assert owner[0].endswith("…") and owner[0] in lines
        assert LONG_OWNER not in lines


def test_every_font_is_embedded_and_none_is_standard_14(run):
    pdf = reader(run.pdf)
    for page in pdf.pages:
        used = fonts_of(page)
        assert {str(font["/BaseFont"]).split("+")[-1] for font in used} == {"DejaVuSans", "DejaVuSans-Bold"}
        for font in used:
            assert not any(name in font["/BaseFont"] for name in STANDARD_14), font["/BaseFont"]
            assert "DejaVuSans" in font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
    for name in STANDARD_14:
        assert f"/{name}".encode() not in run.pdf


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
@pytest.mark.parametrize("tag", ["DIB-1000000-R", "DIB-999999999-W"])
def test_a_label_with_a_longer_tag_decodes_and_prints_the_tag_whole(stock_id, tag):
    """Past 999,999 the number has seven digits and more: the QR code holds the longer URL and still decodes,
    as PDF and as PNG, and the tag's text extracts whole."""
    stock = STOCKS[stock_id]
    data = label(1, asset_tag=tag, qr_text=URL + tag)
    pdf = label_pdf(stock, data)
    assert found(decode(rasterise(pdf)[0]), QR) == [URL + tag]
    assert text_lines(reader(pdf).pages[0])[0] == tag
    assert found(decode(png_image(label_png(stock, data))), QR) == [URL + tag]


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_one_label_and_the_calibration_page_embed_their_fonts_too(stock_id):
    stock = STOCKS[stock_id]
    for pdf in (label_pdf(stock, label(1)), calibration_pdf(stock, SHIFT)):
        used = fonts_of(reader(pdf).pages[0])
        assert used
        for font in used:
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
        assert not any(f"/{name}".encode() in pdf for name in STANDARD_14)


def test_funding_line_and_emblem_on_funded_labels_only(run):
    for page, pdf_page in enumerate(reader(run.pdf).pages):
        funded = [i for i in run.on_page(page) if carries_funding(layout(run.stock, run.data[i]))]
        lines = lines_of(run.text[page])
        assert lines.count(FUNDING[0]) == lines.count(FUNDING[1]) == len(funded)
        assert pdf_page.get_contents().get_data().count(EMBLEM_DO) == len(funded)
        for i in run.on_page(page):
            drawn = layout(run.stock, run.data[i])
            if run.data[i].eu_funded and "funding" not in drawn.omitted:
                assert i in funded
            else:
                assert i not in funded
    assert any(not d.eu_funded for d in run.data) and any(d.eu_funded for d in run.data)


def test_the_emblem_is_twelve_gold_stars_on_blue_as_vectors(run):
    forms = [x for page in reader(run.pdf).pages for x in xobjects_of(page)]
    if not forms:
        assert run.stock.id == "avery-l7651"  # the only stock too narrow for the funding line
        return
    for form in forms:
        assert form["/Subtype"] == "/Form"
        stream = form.get_data()
        assert b"0.000 0.200 0.600 rg" in stream and b"1.000 0.800 0.000 rg" in stream  # Reflex Blue, Yellow
        assert stream.count(b" h f") == 12


def _dark_runs(image: Image.Image, y: float, x0: float, x1: float) -> list[int]:
    """The lengths, in dots, of the dark runs along row `y` of the image between x0 and x1 (pixels)."""
    row = image.crop((math.floor(x0), math.floor(y), math.ceil(x1), math.floor(y) + 1)).tobytes()
    return [len(run) for run in re.findall(rb"[\x00-\x7f]+", row)]


def _module_runs(modules: bytes | str) -> list[int]:
    """The lengths, in modules, of the dark runs of a row of modules (1 or "1" dark)."""
    return [len(run) for run in re.findall(r"1+", "".join(str(int(m)) for m in modules))]


def printed_as_whole_dots(stock: Stock, page: Image.Image, drawn, left: float, top: float, dpi: int) -> list[str]:
    """Every run of modules of the label's symbols that did not print as its modules' whole dots:
    each row of the QR code through its modules' centres, and the Code128 across its middle."""
    dots = dpi / MM
    wrong = []
    for item in (drawn.first(QRCode), drawn.first(Code128)):
        if item is None:
            continue
        per_module = item.module * dots
        assert per_module == pytest.approx(round(per_module), abs=1e-6), (stock.id, item.module)  # the layout's part
        x0, x1 = (left + item.box[0]) * dots - per_module, (left + item.box[2]) * dots + per_module
        if isinstance(item, QRCode):
            rows = [((top + item.y + (r + 0.5) * item.module) * dots, cells)
                    for r, cells in enumerate(item.symbol.rows)]
        else:
            rows = [((top + item.y + item.height / 2) * dots, item.symbol.modules)]
        for y, modules in rows:
            want = [n * round(per_module) for n in _module_runs(modules)]
            got = _dark_runs(page, y, x0, x1)
            if got != want:
                wrong.append(f"{type(item).__name__} at y={y:.0f}: {got} dots, not {want}")
    return wrong


def test_every_module_prints_as_the_same_whole_number_of_dots(run):
    """Each label's corner goes onto the printer's dot grid (``labels.pdf._corner``): a symbol started
    between two dots, or right on one, printed some modules a dot wider than the others."""
    dpi = run.stock.dpi or DPI  # a thermal printer prints at its own resolution
    pages = run.pages if dpi == DPI else rasterise(run.pdf, dpi)
    wrong = []
    for index, data in enumerate(run.data):
        page, _ = run.place(index)
        wrong += printed_as_whole_dots(run.stock, pages[page], layout(run.stock, data), *run.origin(index), dpi)
    assert wrong == [], (run.stock.id, len(wrong), wrong[:3])


@pytest.mark.parametrize("stock_id", ["avery-l7159", "avery-l6011"])
def test_a_sheet_prints_whole_dots_at_600_dpi_too(stock_id):
    stock = STOCKS[stock_id]
    data = [label(i + 1) for i in range(stock.per_page)]
    [page] = rasterise(labels_pdf(stock, data), 600)
    wrong = [w for index, d in enumerate(data)
             for w in printed_as_whole_dots(stock, page, layout(stock, d), *stock.cell(index), 600)]
    assert wrong == [], (len(wrong), wrong[:3])


def test_symbols_are_vectors_not_images(run):
    assert not IMAGE.search(run.pdf)
    for page, pdf_page in enumerate(reader(run.pdf).pages):
        for xobject in xobjects_of(pdf_page):
            assert xobject["/Subtype"] != "/Image"
        rects = 0
        for i in run.on_page(page):
            drawn = layout(run.stock, run.data[i])
            rects += len(symbols.qr_rects(drawn.first(QRCode).symbol))
            if drawn.first(Code128):
                rects += len(symbols.bar_rects(drawn.first(Code128).symbol))
        assert len(re.findall(rb" re$", pdf_page.get_contents().get_data(), re.MULTILINE)) == rects  # one per run


def test_a_hundred_labels_on_l7159_take_under_2_kib_each():
    pdf = labels_pdf(STOCKS["avery-l7159"], [label(i) for i in range(1, 101)])
    assert len(reader(pdf).pages) == 5
    assert len(pdf) < 100 * 2048, f"{len(pdf) / 100:.0f} bytes a label"


# ---- skip --------------------------------------------------------------------------------------------------------


def flat(points: list[tuple[float, float]]) -> list[float]:
    return [v for point in points for v in point]


def qr_origins(pdf: bytes, stock: Stock) -> list[list[tuple[float, float]]]:
    """Where each page's QR codes start (mm from the top-left), from the scaling matrices in the content stream."""
    out = []
    for page in reader(pdf).pages:
        content = page.get_contents().get_data().decode("latin-1")
        out.append([(float(x) * PT, stock.page_height - float(y) * PT)
                    for a, d, x, y in re.findall(r"q ([\d.]+) 0 0 -([\d.]+) ([\d.]+) ([\d.]+) cm", content) if a == d])
    return out


@pytest.mark.parametrize("stock_id", [s for s in sorted(STOCKS) if STOCKS[s].kind == "sheet"])
def test_skip_zero_fills_from_the_first_cell_and_the_last_cell_can_be_the_start(stock_id):
    stock = STOCKS[stock_id]
    data = [label(i) for i in range(1, stock.per_page + 2)]
    qr = layout(stock, data[0]).first(QRCode)
    expected = [(x + qr.x, y + qr.y) for x, y in (stock.cell(i) for i in range(stock.per_page))]
    pages = qr_origins(labels_pdf(stock, data), stock)
    assert len(pages) == 2
    assert flat(pages[0]) == pytest.approx(flat(expected), abs=ON_GRID)
    assert flat(pages[1]) == pytest.approx(flat(expected[:1]), abs=ON_GRID)
    last = qr_origins(labels_pdf(stock, data[:2], skip=stock.per_page - 1), stock)
    assert len(last) == 2
    assert flat(last[0]) == pytest.approx(flat(expected[-1:]), abs=ON_GRID)
    assert flat(last[1]) == pytest.approx(flat(expected[:1]), abs=ON_GRID)


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_skip_out_of_range_raises(stock_id):
    stock = STOCKS[stock_id]
    bad = [-1, 1, 5] if stock.kind == "roll" else [-1, stock.per_page, stock.per_page + 1]
    for skip in bad:
        with pytest.raises(ValueError, match="roll" if stock.kind == "roll" else "skip"):
            labels_pdf(stock, [label(1)], skip=skip)


def test_calibration_moves_every_label_by_the_shift():
    stock = STOCKS["avery-l7160"]
    data = [label(i) for i in range(1, 4)]
    plain = qr_origins(labels_pdf(stock, data), stock)[0]
    shifted = qr_origins(labels_pdf(stock, data, calibration=Calibration(-1.2, 0.8)), stock)[0]
    assert len(plain) == len(shifted) == 3
    # each corner then goes onto the dot grid: the shift comes out to within a dot
    assert flat([(x - 1.2, y + 0.8) for x, y in plain]) == pytest.approx(flat(shifted), abs=DOT + 0.001)


# ---- one label, the calibration page -----------------------------------------------------------------------------


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_one_label_pdf_is_a_page_of_the_labels_size(stock_id):
    stock = STOCKS[stock_id]
    pdf = reader(label_pdf(stock, label(1)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    size = (float(box.width) * PT, float(box.height) * PT)
    assert size == pytest.approx((stock.label_width, stock.label_height), abs=0.01)
    assert text_lines(pdf.pages[0]) == texts(layout(stock, label(1)))


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_calibration_page_names_the_stock_and_the_shift(stock_id):
    stock = STOCKS[stock_id]
    pdf = reader(calibration_pdf(stock, SHIFT))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert stock.name in text
    assert "x +0.6 mm, y -0.4 mm" in text
    assert "Izmēriet" in text and "…" not in text


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_calibration_pages_text_stays_on_the_page(stock_id):
    stock = STOCKS[stock_id]
    drawn = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            drawn.append((tm[4] * PT, fonts.text_width(text.strip(), size)))

    reader(calibration_pdf(stock, SHIFT)).pages[0].extract_text(visitor_text=visit)
    assert len(drawn) >= (4 if stock.kind == "roll" else 2)  # a sheet's margin holds two lines
    for x, width in drawn:
        assert x + width <= stock.page_width, (x, width)


@pytest.mark.parametrize("stock_id", sorted(STOCKS))
def test_the_calibration_page_outlines_every_cell_where_the_shift_puts_it(stock_id):
    stock = STOCKS[stock_id]
    dpi = 150
    (image,) = rasterise(calibration_pdf(stock, SHIFT), dpi=dpi)
    width, height = image.size

    def ink(x_mm: float, y_mm: float) -> bool | None:
        """Whether there is a line within a pixel of the point; None when the point is off the page."""
        x, y = round(px(x_mm, dpi)), round(px(y_mm, dpi))
        if not (1 <= x < width - 1 and 1 <= y < height - 1):
            return None
        return image.crop((x - 1, y - 1, x + 2, y + 2)).getextrema()[0] < 200

    for index in range(stock.per_page):
        x, y = stock.cell(index)
        x, y = x + SHIFT.x, y + SHIFT.y
        w, h = stock.label_width, stock.label_height
        edges = [ink(x, y + h / 2), ink(x + w, y + h / 2), ink(x + w / 2, y), ink(x + w / 2, y + h)]
        assert all(edge in (True, None) for edge in edges), (index, edges)
        assert edges.count(True) >= 2
        assert ink(x + w / 2, y + h / 2) is True  # the centre cross
        if index >= stock.columns:  # below the text: the cell is blank inside, and where the unshifted outline
            assert ink(x + w / 4, y + h / 4) is False  # would be is blank too
            assert ink(x - SHIFT.x, y + h * 0.75) is False
