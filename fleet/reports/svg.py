"""A report's chart (``fleet.reports.Chart``) drawn as inline SVG for the dashboard: a pure function of the
chart, no JavaScript, no library (docs/decisions/0013-charts.md).

- ``line``: cumulative counts over dates; each series a line with its own dash and point shape, each
  ``Mark`` (a target) a diamond at its date and count, a dashed line at the count up to that date and a
  dotted line down to the date axis, labelled with the mark's text.
- ``bars``: horizontal bars, one group per label (a founder), the label above its bars so that long
  Latvian names fit a phone; each series its own fill (solid, hatched) and each bar its number at its end.

Series are told apart by dash, shape, hatching and labels, never by colour alone; everything draws with
``currentColor`` and CSS classes (``fleet/static/dashboard.css``), so it prints in black and follows Windows
high contrast. The ``viewBox`` lets it scale with its container. Every text is escaped. The SVG is
``role="img"`` named by its ``<title>`` and described by its ``<desc>``; the page puts the chart's numbers
in a table after it.
"""

from __future__ import annotations

from datetime import date
from html import escape
from math import ceil, log10

from fleet.reports import Chart, Series

WIDTH = 600  # in the viewBox's units; the chart scales to its box (a 390 px phone: about 0.6)
LINE_HEIGHT = 340
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 70, 24, 52, 40
DASHES = ("", "8 4", "2 4", "12 4 2 4")
SHAPES = ("circle", "square", "triangle", "cross")


def number(value: float, locale: str = "lv") -> str:
    """A count as people read it: ``13 310`` in Latvian (a no-break space), ``13,310`` in English."""
    text = f"{round(value):,}"
    return text.replace(",", "\u00a0") if locale == "lv" else text


def draw(chart: Chart, ident: str, *, locale: str = "lv", desc: str | None = None, empty: str = "—") -> str:
    """``chart`` as an ``<svg>`` element's markup; ``ident`` names its title and description (unique on the
    page); ``desc`` describes it (default: each series' last value and each mark); ``empty``: the words
    shown when it has no figures."""
    points = [p for s in chart.series for p in s.points]
    if chart.kind == "bars":
        body, height = _bars(chart, locale, ident) if points else ([], 120)
    else:
        body, height = _line(chart, locale) if points or chart.marks else ([], 120)
    if not body:
        body = [f'<text class="empty" x="{WIDTH / 2:g}" y="64" text-anchor="middle">{escape(empty)}</text>']
    description = desc if desc is not None else _describe(chart, locale)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{escape(chart.kind)}" role="img" '
            f'viewBox="0 0 {WIDTH} {height:g}" preserveAspectRatio="xMidYMid meet" '
            f'aria-labelledby="{escape(ident)}-title {escape(ident)}-desc" id="{escape(ident)}">'
            f'<title id="{escape(ident)}-title">{escape(str(chart.title))}</title>'
            f'<desc id="{escape(ident)}-desc">{escape(description)}</desc>'
            f'{_defs(ident)}{"".join(body)}</svg>')


def _describe(chart: Chart, locale: str) -> str:
    parts = []
    for s in chart.series:
        if s.points:
            x, y = s.points[-1]
            parts.append(f"{s.label}: {number(y, locale)} ({x})" if chart.kind == "line" else
                         f"{s.label}: " + ", ".join(f"{px} {number(py, locale)}" for px, py in s.points))
    parts += [f"{m.label}: {number(m.y, locale)} ({m.x})" for m in chart.marks]
    return "; ".join(parts)


def _defs(ident: str) -> str:
    return (f'<defs><pattern id="{escape(ident)}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect class="hatch-bg" width="6" height="6"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="currentColor" stroke-width="3"/></pattern></defs>')


def _ceiling(top: float) -> tuple[float, float]:
    """A round top of the scale at or above ``top`` and its tick step (4–5 gridlines)."""
    if top <= 0:
        return 1.0, 1.0
    magnitude = 10 ** int(log10(top))
    for step in (magnitude / 5, magnitude / 4, magnitude / 2, magnitude, magnitude * 2):
        if step > 0 and ceil(top / step) <= 5:
            return ceil(top / step) * step, step
    return ceil(top / magnitude) * magnitude, magnitude


def _day(x: str) -> int:
    return date.fromisoformat(x[:10]).toordinal()


def _line(chart: Chart, locale: str) -> tuple[list[str], float]:
    height = LINE_HEIGHT
    days = [_day(x) for s in chart.series for x, _ in s.points] + [_day(m.x) for m in chart.marks]
    first, last = min(days), max(days)
    span = max(last - first, 1)
    top, step = _ceiling(max([y for s in chart.series for _, y in s.points] + [m.y for m in chart.marks] + [0]) * 1.04)
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, height - PAD_TOP - PAD_BOTTOM

    def sx(x: str) -> float:
        return PAD_LEFT + (_day(x) - first) / span * plot_w

    def sy(y: float) -> float:
        return PAD_TOP + plot_h - y / top * plot_h

    out = _y_axis(top, step, sy, locale) + _x_axis(first, last, span, plot_w, height)
    for i, mark in enumerate(chart.marks):
        x, y = sx(mark.x), sy(mark.y)
        anchor = "end" if x > WIDTH * 0.6 else "start"
        dx = -8 if anchor == "end" else 8
        out.append(f'<g class="mark mark-{i}"><line class="target" x1="{PAD_LEFT}" y1="{y:.1f}" x2="{x:.1f}" '
                   f'y2="{y:.1f}" stroke="currentColor" stroke-dasharray="6 4" stroke-width="1.5"/>'
                   f'<line class="target-date" x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{PAD_TOP + plot_h}" '
                   f'stroke="currentColor" stroke-dasharray="2 3" stroke-width="1"/>'
                   f'<path class="diamond" d="M{x:.1f} {y - 7:.1f}l7 7l-7 7l-7 -7z" stroke="currentColor"/>'
                   f'<text class="mark-label" x="{x + dx:.1f}" y="{y - 10:.1f}" text-anchor="{anchor}">'
                   f'{escape(str(mark.label))}</text></g>')
    for i, series in enumerate(chart.series):
        out.append(_polyline(i, series, sx, sy, locale))
    out.append(_legend(chart.series, "line"))
    return out, height


def _y_axis(top: float, step: float, sy, locale: str) -> list[str]:
    out, value = ['<g class="axis y">'], 0.0
    while value <= top + step / 2:
        y = sy(value)
        out.append(f'<line class="grid" x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
                   f'stroke="currentColor" stroke-width="0.5"/>'
                   f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{number(value, locale)}</text>')
        value += step
    out.append("</g>")
    return out


def _x_axis(first: int, last: int, span: int, plot_w: float, height: float) -> list[str]:
    base = height - PAD_BOTTOM
    out = [f'<g class="axis x"><line x1="{PAD_LEFT}" y1="{base}" x2="{WIDTH - PAD_RIGHT}" y2="{base}" '
           f'stroke="currentColor"/>']
    start, end = date.fromordinal(first), date.fromordinal(last)
    months = (end.year - start.year) * 12 + end.month - start.month
    every = max(1, ceil((months + 1) / 5))
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        tick = date(year, month, 1).toordinal()
        if tick >= first:
            x = PAD_LEFT + (tick - first) / span * plot_w
            out.append(f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 5}" stroke="currentColor"/>'
                       f'<text x="{x:.1f}" y="{base + 24}" text-anchor="middle">{month:02d}.{year}</text>')
        month += every
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    out.append("</g>")
    return out


def _shape(i: int, x: float, y: float) -> str:
    kind = SHAPES[i % len(SHAPES)]
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5"/>'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f}l5 9h-10z"/>'
    return f'<path d="M{x - 4:.1f} {y - 4:.1f}l8 8m0 -8l-8 8" stroke-width="2"/>'


def _polyline(i: int, series: Series, sx, sy, locale: str) -> str:
    if not series.points:
        return ""
    coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in series.points)
    dash = f' stroke-dasharray="{DASHES[i % len(DASHES)]}"' if DASHES[i % len(DASHES)] else ""
    x, y = series.points[-1]
    end_x, end_y = sx(x), sy(y)
    anchor = "end" if end_x > WIDTH * 0.75 else "start"
    return (f'<g class="series s{i}"><polyline points="{coords}" fill="none" stroke="currentColor" '
            f'stroke-width="2.5"{dash}/>{_shape(i, end_x, end_y)}'
            f'<text class="value" x="{end_x + (-8 if anchor == "end" else 8):.1f}" y="{end_y + 18:.1f}" '
            f'text-anchor="{anchor}">{number(y, locale)}</text></g>')


def _legend(series, kind: str, ident: str = "") -> str:
    out, x = ['<g class="legend">'], PAD_LEFT
    for i, s in enumerate(series):
        dash = DASHES[i % len(DASHES)]
        if kind == "line":
            sample = (f'<line x1="{x}" y1="18" x2="{x + 28}" y2="18" stroke="currentColor" stroke-width="2.5"'
                      + (f' stroke-dasharray="{dash}"' if dash else "") + f'/>{_shape(i, x + 14, 18)}')
        else:
            fill = f' fill="url(#{escape(ident)}-hatch)"' if i % 2 else ""
            sample = f'<rect class="bar b{i % 2}" x="{x}" y="11" width="24" height="14" stroke="currentColor"{fill}/>'
        label = escape(str(s.label))
        out.append(f'<g class="series s{i}">{sample}<text x="{x + 34}" y="23">{label}</text></g>')
        x += 34 + 8 * len(str(s.label)) + 24
    out.append("</g>")
    return "".join(out)


BAR_ROW, BAR_H, LABEL_H = 10, 20, 24


def _bars(chart: Chart, locale: str, ident: str) -> tuple[list[str], float]:
    labels: list[str] = []
    for s in chart.series:
        labels += [x for x, _ in s.points if x not in labels]
    values = [dict(s.points) for s in chart.series]
    top = max([y for v in values for y in v.values()] + [1])
    group = LABEL_H + BAR_H * len(chart.series) + BAR_ROW
    start = 40 if len(chart.series) > 1 else 8
    height = start + group * len(labels) + 8
    plot_w = WIDTH - 16 - 90  # room for the number at a bar's end
    out = [_legend(chart.series, "bars", ident)] if len(chart.series) > 1 else []
    for row, label in enumerate(labels):
        y = start + row * group
        out.append(f'<g class="group"><text class="label" x="8" y="{y + 17}">{escape(str(label))}</text>')
        for i, v in enumerate(values):
            value = v.get(label, 0)
            w = max(value / top * plot_w, 0)
            by = y + LABEL_H + i * BAR_H
            fill = f' fill="url(#{escape(ident)}-hatch)"' if i % 2 else ""
            out.append(f'<g class="series s{i}"><rect class="bar b{i % 2}" x="8" y="{by}" width="{w:.1f}" '
                       f'height="{BAR_H - 3}" stroke="currentColor"{fill}/>'
                       f'<text class="value" x="{8 + w + 6:.1f}" y="{by + BAR_H - 6}">'
                       f'{number(value, locale)}</text></g>')
        out.append("</g>")
    return out, height
