import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from fleet.asset_tags import allocate_tag, format_tag, is_valid_body, looks_like_tag, parse_tag, validate_prefix
from fleet.errors import FleetError

CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"


def sample_tags(n=400):
    rng = random.Random(2326)
    return [format_tag(rng.choice(["DIB", "AB", "RIGA", "ABCDEFGH"]), rng.randint(1, 999_999)) for _ in range(n)]


def test_format_is_prefix_six_digits_and_check_character():
    tag = format_tag("DIB", 123)
    assert tag.startswith("DIB-000123-") and len(tag) == 12
    assert parse_tag(tag) == tag
    assert parse_tag(f"  {tag.lower()} ") == tag


def test_every_single_mistyped_character_is_caught():
    caught = 0
    for tag in sample_tags():
        for i, original in enumerate(tag):
            for c in CHARS:
                if c != original:
                    with pytest.raises(FleetError) as e:
                        parse_tag(tag[:i] + c + tag[i + 1:])
                    assert e.value.code == "invalid_input"
                    caught += 1
    assert caught > 100_000


def test_every_swap_of_two_adjacent_characters_is_caught():
    caught = 0
    for tag in sample_tags():
        for i in range(len(tag) - 1):
            if tag[i] != tag[i + 1]:
                swapped = tag[:i] + tag[i + 1] + tag[i] + tag[i + 2:]
                with pytest.raises(FleetError):
                    parse_tag(swapped)
                caught += 1
    assert caught > 3_000


def test_wrong_check_character_says_so():
    tag = format_tag("DIB", 42)
    wrong = tag[:-1] + ("0" if tag[-1] != "0" else "1")
    with pytest.raises(FleetError) as e:
        parse_tag(wrong)
    assert e.value.details[0]["reason"] == "check_character"
    assert not is_valid_body(wrong.replace("-", ""))


@pytest.mark.parametrize("bad", ["", "DIB-12345-X", "DIB-1234567-X", "D-000001-X", "DIB000001X", "DIB-00000A-X"])
def test_malformed_tags_are_invalid_input(bad):
    with pytest.raises(FleetError) as e:
        parse_tag(bad)
    assert e.value.code == "invalid_input"


@pytest.mark.parametrize("prefix", ["", "D", "dib", "DIB1", "ABCDEFGHI"])
def test_prefix_must_be_two_to_eight_capitals(prefix):
    with pytest.raises(ValueError):
        validate_prefix(prefix)


def test_number_range():
    with pytest.raises(ValueError):
        format_tag("DIB", 0)
    with pytest.raises(ValueError):
        format_tag("DIB", 1_000_000)


def test_allocation_never_repeats_a_committed_number(app, session):
    tags = [allocate_tag(session, "DIB") for _ in range(5)]
    session.commit()
    [allocate_tag(session, "DIB") for _ in range(3)]
    session.rollback()  # PostgreSQL skips these numbers; SQLite may hand them out again
    tags += [allocate_tag(session, "DIB") for _ in range(5)]
    session.commit()
    assert len(set(tags)) == 10
    assert all(parse_tag(t) == t for t in tags)


def test_concurrent_allocation_gives_distinct_tags(app):
    maker = app.extensions["fleet.sessionmaker"]

    def take(_):
        with maker() as s:
            tag = allocate_tag(s, "DIB")
            s.commit()
            return tag

    with ThreadPoolExecutor(8) as pool:
        tags = list(pool.map(take, range(80)))
    assert len(set(tags)) == 80



TAG = format_tag("DIB", 123456)


@pytest.mark.parametrize("typed", [TAG.lower().replace("i", "\u0131"), TAG[:4] + "\u0661\u0662\u0663\u0664\u0665\u0666" + TAG[10:]])
def test_a_tag_is_checked_before_its_case_is_folded(typed):
    """A dotless 'ı' is an I only after upper-casing, and Arabic-Indic digits are \\d: neither is a tag."""
    assert not looks_like_tag(typed)
    with pytest.raises(FleetError) as e:
        parse_tag(typed)
    assert e.value.code == "invalid_input"
