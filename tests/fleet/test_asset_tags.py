import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from fleet.asset_tags import allocate_tag, format_tag, is_valid_body, looks_like_tag, parse_tag, validate_prefix
from fleet.errors import FleetError
from fleet.models import Device
from tests.conftest import error_code
from tests.factories import DeliveryFactory, DeviceFactory

CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"


def sample_tags(n=400):
    rng = random.Random(2326)
    return [format_tag(rng.choice(["DIB", "AB", "RIGA", "ABCDEFGH"]), rng.randint(1, 10 ** rng.choice([6, 7, 9]) - 1))
            for _ in range(n)]


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


def test_the_number_grows_past_six_digits_and_six_digit_tags_keep_their_check_characters():
    assert [format_tag("DIB", 1), format_tag("DIB", 123), format_tag("DIB", 999_999), format_tag("ABCDEFGH", 42)] == [
        "DIB-000001-Y", "DIB-000123-8", "DIB-999999-Z", "ABCDEFGH-000042-K"]  # as printed on labels already
    for number in (1_000_000, 12_345_678, 999_999_999):
        tag = format_tag("DIB", number)
        assert tag.startswith(f"DIB-{number}-") and parse_tag(tag.lower()) == tag and looks_like_tag(tag)
    assert len(format_tag("ABCDEFGH", 999_999_999)) == 20  # the longest tag: the asset_tag columns hold 20


def test_a_mistyped_digit_in_a_seven_digit_tag_is_caught():
    tag = format_tag("DIB", 1_000_000)
    for i in range(4, 11):
        for digit in "0123456789":
            if digit != tag[i]:
                with pytest.raises(FleetError) as e:
                    parse_tag(tag[:i] + digit + tag[i + 1:])
                assert e.value.code == "invalid_input"


@pytest.mark.parametrize("bad", ["", "DIB-12345-X", "DIB-0123456-X", "DIB-1234567890-X", "D-000001-X", "DIB000001X",
                                 "DIB-00000A-X"])
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
        format_tag("DIB", 1_000_000_000)


def next_tag_number(session, number: int) -> None:
    """The next tag allocated gets ``number``, as if the sequence had handed out every one before it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ALTER SEQUENCE asset_tag_seq RESTART WITH {int(number)}"))
    else:  # AUTOINCREMENT continues after the highest id it ever gave (sqlite_sequence)
        session.execute(text("INSERT INTO asset_tag_numbers (id) VALUES (:id)"), {"id": number - 1})
        session.execute(text("DELETE FROM asset_tag_numbers WHERE id = :id"), {"id": number - 1})
    session.commit()


def test_the_millionth_tag_is_allocated_and_scanned(app, session, api):
    next_tag_number(session, 999_999)
    last_six, millionth = DeviceFactory(status="in_warehouse"), DeviceFactory(status="in_warehouse")
    assert last_six.asset_tag == "DIB-999999-Z"
    assert millionth.asset_tag == format_tag("DIB", 1_000_000) and millionth.asset_tag.startswith("DIB-1000000-")
    tag = millionth.asset_tag
    assert parse_tag(tag) == tag
    for code in (tag, tag.lower(), f"https://fleet.example.lv/D/{tag}", f"https://fleet.example.lv/d/{tag.lower()}"):
        r = api.post("scan", json={"code": code})
        assert r.status_code == 200, (code, r.get_json())
        assert r.get_json()["device"]["serial"] == millionth.serial
    assert api.get(f"devices/{tag}").get_json()["serial"] == millionth.serial
    assert api.post("scan", json={"code": last_six.asset_tag}).get_json()["device"]["serial"] == last_six.serial
    typo = tag[:5] + ("1" if tag[5] != "1" else "2") + tag[6:]
    r = api.post("scan", json={"code": typo})
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert r.get_json()["error"]["details"][0]["reason"] == "check_character"


def test_the_longest_tag_fits_its_columns(app, session):
    device = DeviceFactory()
    device.asset_tag = format_tag("ABCDEFGH", 999_999_999)
    session.commit()
    assert session.get(Device, device.id).asset_tag == "ABCDEFGH-999999999-" + device.asset_tag[-1]


def test_past_nine_digits_the_numbers_are_exhausted_a_conflict_not_a_500(app, session, api):
    next_tag_number(session, 999_999_999)
    assert allocate_tag(session, "DIB") == format_tag("DIB", 999_999_999)
    session.commit()
    with pytest.raises(FleetError) as e:
        allocate_tag(session, "DIB")
    session.rollback()
    assert e.value.code == "conflict" and e.value.details["reason"] == "asset_tags_exhausted"
    delivery = DeliveryFactory(serials=("PFX00001",))
    r = api.post(f"deliveries/{delivery.id}/receive", json={"code": "PFX00001"})
    assert r.status_code == 409 and error_code(r) == "conflict", r.get_json()
    assert api.get("devices/PFX00001").get_json()["status"] == "expected"  # nothing was received


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


@pytest.mark.parametrize("typed", [TAG.lower().replace("i", "\u0131"),
                                   TAG[:4] + "\u0661\u0662\u0663\u0664\u0665\u0666" + TAG[10:]])
def test_a_tag_is_checked_before_its_case_is_folded(typed):
    """A dotless 'ı' is an I only after upper-casing, and Arabic-Indic digits are \\d: neither is a tag."""
    assert not looks_like_tag(typed)
    with pytest.raises(FleetError) as e:
        parse_tag(typed)
    assert e.value.code == "invalid_input"
