import pytest

from fleet.errors import FleetError
from fleet.serials import normalize_serial


@pytest.mark.parametrize("raw, serial", [
    ("pf2abcd1", "PF2ABCD1"),
    ("  5CG1234XYZ \n", "5CG1234XYZ"),
    ("ab-12", "AB-12"),
    ("A" * 40, "A" * 40),
])
def test_serials_are_trimmed_and_upper_cased(raw, serial):
    assert normalize_serial(raw) == serial


@pytest.mark.parametrize("raw, reason", [
    ("ABC", "4-40 characters"),
    ("A" * 41, "4-40 characters"),
    ("AB 1234", "' '"),
    ("AB_1234", "'_'"),
    ("ĀB12345", "'Ā'"),
    ("AB/1234", "'/'"),
])
def test_malformed_serials_are_invalid_input_with_the_reason(raw, reason):
    with pytest.raises(FleetError) as e:
        normalize_serial(raw)
    assert e.value.code == "invalid_input"
    assert reason in e.value.message
    assert e.value.details[0]["field"] == "serial"


@pytest.mark.parametrize("raw", [None, 12345678, ["AB1234"]])
def test_non_strings_are_refused(raw):
    with pytest.raises(FleetError) as e:
        normalize_serial(raw)
    assert e.value.code == "invalid_input"


@pytest.mark.parametrize("raw", ["\ufb00ABC1234", "\u0131ABC1234", "\u017fABC1234", "ABC1234\u212a", "ABC1234\u0130"])
def test_characters_are_checked_before_the_case_is_folded(raw):
    """'ﬀ', 'ı', 'ſ', the Kelvin sign and 'İ' fold to ASCII letters: they must not become FF, I, S or K."""
    with pytest.raises(FleetError) as e:
        normalize_serial(raw)
    assert e.value.code == "invalid_input" and "found" in e.value.message


def test_a_trailing_line_break_inside_is_no_serial():
    with pytest.raises(FleetError):
        normalize_serial("ABC1234\nX")
