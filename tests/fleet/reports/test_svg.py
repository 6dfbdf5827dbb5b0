"""The dashboard's charts as SVG (fleet.reports.svg): a line chart with its targets marked (a diamond, a
dashed line, the label), bars with their numbers, every text escaped, named and described for screen
readers, scaling by its viewBox, and a chart without figures saying so."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fleet.reports import Chart, Mark, Series
from fleet.reports.svg import draw, number

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # well-formed XML, or this fails


def test_a_line_chart_marks_its_targets_and_is_named_for_screen_readers():
    chart = Chart("cumulative", "Provided, cumulative", "line",
                  [Series("Provided", [("2022-03-31", 1200), ("2022-12-31", 13502), ("2023-06-30", 20011)])],
                  "monthly", [Mark("2022-12-31", 13310, "13 310 by 31.12.2022"),
                              Mark("2023-12-31", 26620, "26 620 by 31.12.2023")])
    markup = draw(chart, "c1", locale="lv")
    svg = _parse(markup)
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.get("viewBox").startswith("0 0 ") and "width" not in svg.attrib  # scales with its container
    assert svg.find("s:title", NS).text == "Provided, cumulative"
    assert "20\u00a0011" in svg.find("s:desc", NS).text and "26\u00a0620" in svg.find("s:desc", NS).text
    marks = svg.findall(".//s:g[@class='mark mark-0']", NS) + svg.findall(".//s:g[@class='mark mark-1']", NS)
    assert len(marks) == 2
    for mark in marks:
        assert mark.find("s:line[@class='target']", NS).get("stroke-dasharray")  # the dashed target line
        assert mark.find("s:path[@class='diamond']", NS) is not None
    assert [m.find("s:text", NS).text for m in marks] == ["13 310 by 31.12.2022", "26 620 by 31.12.2023"]
    assert "fill=\"#" not in markup and "style=" not in markup  # colours from CSS and currentColor only
    assert "12.2022" in markup  # the date axis


def test_every_text_is_escaped():
    evil = '<script>alert("x")</script> & Co'
    chart = Chart("x", evil, "bars", [Series(evil, [(evil, 3), ("Rīga", 5)]), Series("Two", [(evil, 1)])], "t",
                  [Mark("2022-01-01", 1, evil)])
    markup = draw(chart, 'id"><script>', locale="en")
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    svg = _parse(markup)
    assert svg.find("s:title", NS).text == evil  # escaped in the markup, the same words when read
    bars = svg.findall(".//s:rect[@class]", NS)
    assert any("hatch" in (r.get("fill") or "") for r in bars)  # the second series hatched, not only coloured


def test_bars_carry_their_numbers_and_labels():
    chart = Chart("by_founder", "Provided by founder", "bars",
                  [Series("Provided", [("Rīgas valstspilsētas pašvaldība", 9100), ("Liepājas", 4402)])], "by_founder")
    svg = _parse(draw(chart, "b", locale="en"))
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "Rīgas valstspilsētas pašvaldība" in texts and "9,100" in texts and "4,402" in texts


def test_a_chart_without_figures_says_so():
    for kind in ("line", "bars"):
        svg = _parse(draw(Chart("e", "Empty", kind, [Series("Provided", [])], "t"), "e", empty="Skaitļu vēl nav"))
        assert [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")] == ["Skaitļu vēl nav"]
    one = _parse(draw(Chart("one", "One day", "line", [Series("P", [("2022-05-05", 0)])], "t"), "o"))
    assert one.find("s:title", NS).text == "One day"  # a single point at zero draws without dividing by zero


def test_numbers_as_people_read_them():
    assert number(13310, "lv") == "13\u00a0310" and number(13310, "en") == "13,310" and number(0) == "0"
