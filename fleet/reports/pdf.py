"""A report as an A4 PDF, in Latvian or English: the title, who the figures cover, as of when and how fresh,
the summary's figures, then each chart (reportlab's graphics: a line over dates with the targets marked, or
bars) followed by the table of its numbers, then the tables no chart draws; every page numbered.

The frame is the loan documents' (``labels.documents.frame``): DejaVu Sans embedded, so ā č ē ģ ī ķ ļ ņ š ū ž
print everywhere, and the footer's page numbers ("Lapa 1/3"). Pure: the report and the language in, bytes out.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.sax.saxutils import escape

from babel.numbers import format_decimal
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Polygon, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from fleet.reports import Chart, Column, Report, Table
from fleet.reports.render import PAGE, figures, headline, label, listed, say
from labels import fonts
from labels.documents import frame

PALETTE = [colors.HexColor(c) for c in ("#1f5fa8", "#c2571a", "#2e8540", "#8c2d7a", "#6b6b6b", "#b8860b")]
MARK = colors.HexColor("#b00020")
CHART_HEIGHT = 70 * mm
MAX_BARS = 40  # more categories than this: the first ones drawn, the table lists them all
NUMERIC = ("int", "days", "money", "percent", "decimal")
MORE_BARS = "(%(shown)s / %(total)s)"


def document(report: Report, lang: str) -> bytes:
    """The report's PDF."""
    st = frame.styles()
    title = say(report.title, lang)
    footer = frame.Footer(f"{title} · {say(report.scope_label, lang)} · {report.as_of.isoformat()}",
                          say(PAGE, lang))
    story: list = [frame.Start(footer), Paragraph(escape(title), st["title"])]
    story.append(frame.facts([(say(word, lang), say(value, lang)) for word, value in headline(report)], grid=False))
    summary = [(words, number(v, _kind(v), lang)) for words, v in figures(report, lang)]
    if summary:
        story += [Spacer(1, 3 * mm), frame.facts(summary)]
    for key, items in listed(report):
        keys = list(dict.fromkeys(k for item in items for k in item))
        columns = [Column(k, label(k, lang), _kind(items[0].get(k))) for k in keys]
        story += [Paragraph(escape(label(key, lang)), st["head"]), grid(columns, items, lang)]
    drawn: set[str] = set()
    for chart in report.charts:
        story.append(KeepTogether([Paragraph(escape(say(chart.title, lang)), st["head"]), drawing(chart, lang)]))
        table = _table(report, chart.table)
        if table is not None and table.name not in drawn:
            drawn.add(table.name)
            story += [Spacer(1, 2 * mm), *section(table, lang, heading=False)]
    for table in report.tables:
        if table.name not in drawn:
            story += section(table, lang)
    return frame.build([story], title, lang)


def _table(report: Report, name: str) -> Table | None:
    return next((t for t in report.tables if t.name == name), None)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "text"
    return "int" if isinstance(value, int) else "percent" if isinstance(value, float) else "text"


def number(value: Any, kind: str, lang: str) -> str:
    """A figure as the reader's language writes it (13 310 in Latvian, 13,310 in English); text as it is."""
    if value is None:
        return ""
    if kind in NUMERIC and not isinstance(value, bool):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return say(value, lang)
        pattern = "#,##0.00" if kind == "money" else "#,##0.#" if kind in ("percent", "decimal") else "#,##0"
        return format_decimal(amount, format=pattern, locale=lang)
    if isinstance(value, date):
        return value.isoformat()
    return say(value, lang)


def section(table: Table, lang: str, heading: bool = True) -> list:
    st = frame.styles()
    out = [Paragraph(escape(say(table.title, lang)), st["head"])] if heading else []
    return [*out, grid(list(table.columns), table.rows, lang)]


def grid(columns: list[Column], rows: list[dict], lang: str):
    """A table with its header row repeated on every page, numbers on the right."""
    bold = fonts.register()[1]
    head = [say(c.label, lang) for c in columns]
    body = [[number(row.get(c.key), c.kind, lang) for c in columns] for row in rows]
    widths = _widths(head, body, [c.kind for c in columns])
    header = [frame.cell(h, w - 2 * frame.PAD, bold_face=True) for h, w in zip(head, widths, strict=True)]
    cells = [header] + [[frame.cell(v, w - 2 * frame.PAD) for v, w in zip(line, widths, strict=True)]
                        for line in body]
    style = [("FONTNAME", (0, 0), (-1, 0), bold), ("GRID", (0, 0), (-1, -1), 0.4, frame.LINE),
             ("BACKGROUND", (0, 0), (-1, 0), frame.SHADE), ("LEFTPADDING", (0, 0), (-1, -1), frame.PAD),
             ("RIGHTPADDING", (0, 0), (-1, -1), frame.PAD)]
    style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, c in enumerate(columns) if c.kind in NUMERIC]
    made = frame.table(cells, widths, style)
    made.repeatRows = 1
    return made


def _widths(head: list[str], body: list[list[str]], kinds: list[str]) -> list[float]:
    """Each column as wide as its widest cell (the first 200 rows), the text columns shrunk to fit A4."""
    size = frame.styles()["cell"].fontSize
    natural = []
    for i, h in enumerate(head):
        widest = max([stringWidth(h, fonts.BOLD, size)] + [stringWidth(r[i], fonts.REGULAR, size) for r in body[:200]])
        natural.append(min(widest, 70 * mm) + 2 * frame.PAD + 1)
    total = sum(natural)
    if total <= frame.WIDTH:
        return natural
    fixed = sum(w for w, k in zip(natural, kinds, strict=True) if k in NUMERIC)
    room = max(frame.WIDTH - fixed, frame.WIDTH * 0.4)
    text = total - fixed or 1
    widths = [w if k in NUMERIC else w * room / text for w, k in zip(natural, kinds, strict=True)]
    scale = min(1.0, frame.WIDTH / sum(widths))
    return [w * scale for w in widths]


def drawing(chart: Chart, lang: str) -> Drawing:
    """The chart as a reportlab drawing, the width of the page's frame."""
    return (_line if chart.kind == "line" else _bars)(chart, lang)


def _font(shape, size: float = 7) -> None:
    shape.fontName, shape.fontSize = fonts.register()[0], size


def _legend(drawing: Drawing, chart: Chart, lang: str, y: float) -> None:
    if len(chart.series) < 2 and not chart.marks:
        return
    legend = Legend()
    legend.x, legend.y, legend.alignment, legend.columnMaximum = 40, y, "right", 1
    legend.fontName, legend.fontSize = fonts.register()[0], 7
    pairs = [(PALETTE[i % len(PALETTE)], say(s.label, lang)) for i, s in enumerate(chart.series)]
    if chart.marks:
        pairs.append((MARK, ", ".join(say(m.label, lang) for m in chart.marks)))
    legend.colorNamePairs = pairs
    legend.dx, legend.dy, legend.deltax = 8, 6, 70
    drawing.add(legend)


def _day(x: str) -> int:
    return date.fromisoformat(x[:10]).toordinal()


def _line(chart: Chart, lang: str) -> Drawing:
    """Cumulative lines over dates, each target marked (a dashed line at its date, a diamond at its count)."""
    width, height = frame.WIDTH, CHART_HEIGHT
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 34, width - 50, height - 44
    data = [[(_day(x), float(y)) for x, y in s.points] or [(date.today().toordinal(), 0.0)] for s in chart.series]
    xs = [x for line in data for x, _ in line] + [_day(m.x) for m in chart.marks]
    ys = [y for line in data for _, y in line] + [float(m.y) for m in chart.marks] + [0.0]
    low, high = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    top = max(ys) * 1.1 or 1.0
    plot.data = data
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = low, high
    plot.xValueAxis.valueSteps = _steps(low, high)
    plot.xValueAxis.labelTextFormat = lambda v: date.fromordinal(int(v)).isoformat()
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, top
    plot.yValueAxis.labelTextFormat = lambda v: number(round(v), "int", lang)
    for axis in (plot.xValueAxis, plot.yValueAxis):
        _font(axis.labels)
    plot.yValueAxis.visibleGrid, plot.yValueAxis.gridStrokeColor = 1, colors.HexColor("#dddddd")
    for i in range(len(data)):
        plot.lines[i].strokeColor, plot.lines[i].strokeWidth = PALETTE[i % len(PALETTE)], 1.5
    drawing.add(plot)

    def at(x: float, y: float) -> tuple[float, float]:
        return plot.x + (x - low) / (high - low) * plot.width, plot.y + y / top * plot.height

    for mark in chart.marks:
        px, py = at(_day(mark.x), float(mark.y))
        drawing.add(Line(px, plot.y, px, plot.y + plot.height, strokeColor=MARK, strokeWidth=0.6,
                         strokeDashArray=[2, 2]))
        drawing.add(Polygon([px, py + 3.5, px + 3.5, py, px, py - 3.5, px - 3.5, py], fillColor=MARK,
                            strokeColor=MARK))
        left = px < plot.x + plot.width / 2  # the label on the side with room
        drawing.add(String(px + 4 if left else px - 4, min(py + 5, height - 8), say(mark.label, lang),
                           fontName=fonts.register()[0], fontSize=6.5, fillColor=MARK,
                           textAnchor="start" if left else "end"))
    _legend(drawing, chart, lang, 8)
    return drawing


def _steps(low: int, high: int, count: int = 6) -> list[int]:
    step = max(1, (high - low) // (count - 1))
    return [low + i * step for i in range(count - 1)] + [high]


def _bars(chart: Chart, lang: str) -> Drawing:
    """One bar per label, the series side by side; past MAX_BARS labels, the first MAX_BARS (the table has all)."""
    width, height = frame.WIDTH, CHART_HEIGHT
    labels = list(dict.fromkeys(x for s in chart.series for x, _ in s.points))
    shown = labels[:MAX_BARS]
    drawing = Drawing(width, height)
    bars = VerticalBarChart()
    many = len(shown) > 8
    bars.x, bars.y, bars.width, bars.height = 40, 48 if many else 30, width - 50, height - (58 if many else 40)
    values = [dict(s.points) for s in chart.series]
    bars.data = [[float(v.get(x, 0) or 0) for x in shown] or [0.0] for v in values] or [[0.0]]
    bars.categoryAxis.categoryNames = [_short(str(x)) for x in shown] or [""]
    _font(bars.categoryAxis.labels, 6 if many else 7)
    _font(bars.valueAxis.labels)
    if many:
        bars.categoryAxis.labels.angle, bars.categoryAxis.labels.boxAnchor = 60, "ne"
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labelTextFormat = lambda v: number(round(v), "int", lang)
    bars.valueAxis.visibleGrid, bars.valueAxis.gridStrokeColor = 1, colors.HexColor("#dddddd")
    for i in range(len(bars.data)):
        bars.bars[i].fillColor, bars.bars[i].strokeColor = PALETTE[i % len(PALETTE)], None
    drawing.add(bars)
    if len(labels) > MAX_BARS:
        drawing.add(String(width, height - 8, MORE_BARS % {"shown": len(shown), "total": len(labels)},
                           fontName=fonts.register()[0], fontSize=7, textAnchor="end"))
    _legend(drawing, chart, lang, 4)
    return drawing


def _short(text: str, most: int = 18) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
