"""The thresholds and the price table in the database (both databases): the migration's defaults, a change
kept, and every range refused with ``invalid_input`` naming the field, changing nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import delete

from fleet.connectivity import settings
from fleet.connectivity.analysis import Thresholds
from fleet.errors import FleetError
from fleet.models.connectivity import ConnectivityPrice, ConnectivityThreshold


def test_the_migration_seeds_the_defaults(session):
    assert settings.thresholds(session) == Thresholds()
    assert {m: (p.unit, p.unit_price) for m, p in settings.prices(session).items()} == {
        "uplink_upgrade": ("school", Decimal("2400.00")), "backup_line": ("school", Decimal("600.00")),
        "access_point": ("access_point", Decimal("450.00")), "switch": ("switch", Decimal("900.00")),
        "cabling": ("classroom", Decimal("700.00"))}


def test_a_threshold_changed_is_kept(session):
    assert settings.set_threshold(session, "compliance_ratio", 0.9).compliance_ratio == 0.9
    session.commit()
    assert settings.thresholds(session).compliance_ratio == 0.9
    assert settings.set_threshold(session, "min_samples", "5").min_samples == 5  # the CLI passes text
    assert settings.set_threshold(session, "peak_to_hour", 24).peak_to_hour == 24


def test_a_key_missing_from_the_table_keeps_its_default_and_is_set_again(session):
    session.execute(delete(ConnectivityThreshold).where(ConnectivityThreshold.key == "wifi_ratio"))
    assert settings.thresholds(session).wifi_ratio == 0.5
    assert settings.set_threshold(session, "wifi_ratio", 0.4).wifi_ratio == 0.4
    session.commit()
    assert settings.thresholds(session).wifi_ratio == 0.4


@pytest.mark.parametrize("key, value, field, reason", [
    ("nonesuch", 1, "key", "unknown_threshold"),
    ("compliance_ratio", 1.01, "value", "out_of_range"),
    ("compliance_ratio", -0.1, "value", "out_of_range"),
    ("wifi_ratio", "half", "value", "not_a_number"),
    ("peak_ratio", float("nan"), "value", "not_a_number"),
    ("per_pupil_mbps", 0, "value", "out_of_range"),
    ("primary_down_mbps", float("inf"), "value", "not_a_number"),
    ("secondary_up_mbps", 100_001, "value", "out_of_range"),
    ("recent_days", 0, "value", "out_of_range"),
    ("recent_days", 366, "value", "out_of_range"),
    ("recent_days", 7.5, "value", "not_whole"),
    ("min_samples", 0, "value", "out_of_range"),
    ("peak_from_hour", 25, "value", "out_of_range"),
    ("peak_from_hour", 14, "value", "inconsistent"),  # the end is 14: from must be before it
    ("peak_to_hour", 8, "value", "inconsistent"),
    ("unstable_latency_ms", 0, "value", "out_of_range"),
    ("cabling_max_age_years", 0, "value", "out_of_range"),
    ("compliance_ratio", True, "value", "not_a_number"),
])
def test_a_threshold_out_of_its_range_is_refused(session, key, value, field, reason):
    with pytest.raises(FleetError) as refused:
        settings.set_threshold(session, key, value)
    assert refused.value.code == "invalid_input"
    assert (refused.value.details[0]["field"], refused.value.details[0]["reason"]) == (field, reason)
    session.rollback()
    assert settings.thresholds(session) == Thresholds()


def test_the_ratio_bounds_are_allowed(session):
    assert settings.set_threshold(session, "compliance_ratio", 1).compliance_ratio == 1
    assert settings.set_threshold(session, "compliance_ratio", 0).compliance_ratio == 0


def test_a_price_changed_is_kept_to_the_cent(session):
    price = settings.set_price(session, "access_point", Decimal("512.345"))
    assert (price.unit, price.unit_price) == ("access_point", Decimal("512.35"))
    session.commit()
    assert settings.prices(session)["access_point"].unit_price == Decimal("512.35")
    assert settings.set_price(session, "cabling", "0").unit_price == Decimal("0.00")  # free is allowed
    assert settings.set_price(session, "switch", "1 000,50".replace(" ", "")).unit_price == Decimal("1000.50")


def test_a_measure_missing_from_the_table_is_added_with_its_unit(session):
    session.execute(delete(ConnectivityPrice).where(ConnectivityPrice.measure == "switch"))
    assert "switch" not in settings.prices(session)
    assert settings.set_price(session, "switch", Decimal("800")).unit == "switch"
    session.commit()
    assert settings.prices(session)["switch"].unit_price == Decimal("800.00")


@pytest.mark.parametrize("measure, price, field, reason", [
    ("nonesuch", Decimal("1"), "measure", "unknown_measure"),
    ("access_point", Decimal("-0.01"), "unit_price", "out_of_range"),
    ("access_point", "cheap", "unit_price", "not_a_number"),
    ("access_point", "NaN", "unit_price", "not_a_number"),
    ("access_point", "1e40", "unit_price", "out_of_range"),
    ("access_point", True, "unit_price", "not_a_number"),
])
def test_a_bad_price_is_refused(session, measure, price, field, reason):
    with pytest.raises(FleetError) as refused:
        settings.set_price(session, measure, price)
    assert refused.value.code == "invalid_input"
    assert (refused.value.details[0]["field"], refused.value.details[0]["reason"]) == (field, reason)
    session.rollback()
    assert settings.prices(session)["access_point"].unit_price == Decimal("450.00")
