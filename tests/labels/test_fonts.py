"""Fonts: DejaVu Sans from the system or FLEET_FONT_DIR, a clear error naming the missing file and the
setting, Latvian glyphs present, and text fitted by shrinking, then by an ellipsis."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics

from labels import STOCKS, FontMissing, fonts, label_png, labels_pdf
from tests.labels.helpers import LATVIAN, label


def test_the_default_font_directory_is_debians_fonts_dejavu_core(monkeypatch):
    monkeypatch.delenv(fonts.SETTING, raising=False)
    assert str(fonts.font_file(fonts.REGULAR)) == "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    assert str(fonts.font_file(fonts.BOLD)) == "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def test_fleet_font_dir_points_elsewhere(monkeypatch, tmp_path):
    for name in (fonts.REGULAR, fonts.BOLD):
        (tmp_path / f"{name}.ttf").symlink_to(f"/usr/share/fonts/truetype/dejavu/{name}.ttf")
    monkeypatch.setenv("FLEET_FONT_DIR", str(tmp_path))
    assert fonts.font_file(fonts.REGULAR) == tmp_path / "DejaVuSans.ttf"
    assert fonts.font_file(fonts.BOLD) == tmp_path / "DejaVuSans-Bold.ttf"


@pytest.mark.parametrize("name", ["DejaVuSans", "DejaVuSans-Bold"])
def test_a_missing_font_names_the_file_and_the_setting(monkeypatch, tmp_path, name):
    monkeypatch.setenv("FLEET_FONT_DIR", str(tmp_path))
    with pytest.raises(FontMissing) as raised:
        fonts.font_file(name)
    message = str(raised.value)
    assert str(tmp_path / f"{name}.ttf") in message
    assert "FLEET_FONT_DIR" in message
    assert "fonts-dejavu-core" in message


def test_a_missing_bold_face_is_named_when_only_the_regular_is_there(monkeypatch, tmp_path):
    (tmp_path / "DejaVuSans.ttf").symlink_to("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    monkeypatch.setenv("FLEET_FONT_DIR", str(tmp_path))
    assert fonts.font_file(fonts.REGULAR) == tmp_path / "DejaVuSans.ttf"
    with pytest.raises(FontMissing, match="DejaVuSans-Bold.ttf"):
        fonts.font_file(fonts.BOLD)


def test_rendering_without_the_fonts_raises_font_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("FLEET_FONT_DIR", str(tmp_path))
    monkeypatch.setattr(fonts, "_registered", None)  # as in a fresh process
    stock = STOCKS["avery-l7160"]
    with pytest.raises(FontMissing, match=r"DejaVuSans\.ttf.*FLEET_FONT_DIR"):
        labels_pdf(stock, [label(1)])
    with pytest.raises(FontMissing, match="FLEET_FONT_DIR"):
        label_png(stock, label(1))
    with pytest.raises(FontMissing, match="FLEET_FONT_DIR"):
        fonts.text_width("Ķekava", 7)


def test_registration_is_once_per_process():
    assert fonts.register() == (fonts.REGULAR, fonts.BOLD)
    assert fonts.register() is fonts.register()


def test_both_faces_have_every_latvian_letter():
    fonts.register()
    for name in (fonts.REGULAR, fonts.BOLD):
        face = pdfmetrics.getFont(name).face
        for letter in LATVIAN + LATVIAN.upper() + "–…×":
            assert ord(letter) in face.charToGlyph, (name, letter)
            assert face.charToGlyph[ord(letter)] != 0  # not .notdef


def test_text_width_scales_with_size_and_bold_is_wider():
    one = fonts.text_width("Ķekavas novada pašvaldība", 6)
    assert fonts.text_width("Ķekavas novada pašvaldība", 12) == pytest.approx(2 * one)
    assert fonts.text_width("Ķekavas novada pašvaldība", 6, bold=True) > one
    assert 25 < one < 35  # millimetres: 25 characters of about half an em at 6 pt (2.1 mm)
    assert fonts.text_width("", 6) == 0


def test_fit_keeps_text_that_fits():
    assert fonts.fit("DIB-000001-1", 100, 14, 7, True) == ("DIB-000001-1", 14)


def test_fit_shrinks_text_that_fits_at_a_smaller_size():
    text = "Ķekavas novada pašvaldība"
    width = fonts.text_width(text, 6) * 0.9
    fitted, size = fonts.fit(text, width, 6, 4.5)
    assert fitted == text
    assert size == pytest.approx(5.4)
    assert fonts.text_width(fitted, size) <= width


def test_fit_shrinks_to_exactly_the_width_without_cutting():
    text = "Ķekavas novada pašvaldība, Baloži"
    for width in (27.9, 29.0, 30.673333333333332, 33.3, 36.0):  # rounding must not turn a fit into a cut
        fitted, size = fonts.fit(text, width, 6.0, 4.5)
        assert fitted == text, width
        assert fonts.text_width(fitted, size) <= width


def test_fit_cuts_with_an_ellipsis_below_the_minimum_size():
    text = "Ķekavas novada pašvaldības Izglītības pārvalde"
    width = fonts.text_width(text, 4.5) / 2
    fitted, size = fonts.fit(text, width, 6, 4.5)
    assert size == 4.5
    assert fitted.endswith(fonts.ELLIPSIS)
    assert text.startswith(fitted[:-1])
    assert not fitted[:-1].endswith(" ")  # no space before the ellipsis
    assert fonts.text_width(fitted, size) <= width
    longer = text[:len(fitted[:-1].rstrip()) + 1]  # one more character would not fit
    assert fonts.text_width(longer.rstrip() + fonts.ELLIPSIS, size) > width or longer.endswith(" ")


def test_fit_gives_up_on_a_width_too_small_for_an_ellipsis():
    assert fonts.fit("Ķekava", 0.1, 6, 4.5) == ("", 4.5)
