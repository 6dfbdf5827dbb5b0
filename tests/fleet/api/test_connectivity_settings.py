"""The connectivity plan's settings over the API: the thresholds and prices listed, one set by the ministry,
and a bad key, value or price refused with ``invalid_input`` naming the field (nothing changed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fleet.connectivity import settings


def put(api, path, body):
    return api.client.put(api._url(path), json=body, headers=api.headers)


def test_the_thresholds_listed_with_defaults_and_ranges(api_as):
    r = api_as("auditor").get("connectivity/thresholds")
    assert r.status_code == 200
    rows = {row["key"]: row for row in r.json["items"]}
    assert list(rows) == list(settings.KEYS)
    assert rows["compliance_ratio"] == {"key": "compliance_ratio", "value": 0.8, "default": 0.8, "low": 0,
                                             "high": 1, "above": False, "whole": False, "unit": "ratio"}
    assert rows["recent_days"]["whole"] is True and rows["per_pupil_mbps"]["above"] is True


def test_the_ministry_sets_a_threshold(api_as, session):
    ministry = api_as("ministry")
    r = put(ministry, "connectivity/thresholds/peak_ratio", {"value": 0.6})
    assert r.status_code == 200, r.json
    assert (r.json["key"], r.json["value"], r.json["default"]) == ("peak_ratio", 0.6, 0.5)
    assert {row["key"]: row["value"] for row in ministry.get("connectivity/thresholds").json["items"]}[
        "peak_ratio"] == 0.6
    session.expire_all()
    assert settings.thresholds(session).peak_ratio == 0.6


@pytest.mark.parametrize("key, body, field, reason", [
    ("nonesuch", {"value": 1}, "key", "unknown_threshold"),
    ("compliance_ratio", {"value": 2}, "value", "out_of_range"),
    ("peak_from_hour", {"value": 15}, "value", "inconsistent"),
    ("min_samples", {"value": 2.5}, "value", "not_whole"),
])
def test_a_bad_threshold_is_refused_naming_the_field(api, key, body, field, reason):
    r = put(api, f"connectivity/thresholds/{key}", body)
    assert r.status_code == 400
    assert r.json["error"]["code"] == "invalid_input"
    assert (r.json["error"]["details"][0]["field"], r.json["error"]["details"][0]["reason"]) == (field, reason)
    values = {row["key"]: row["value"] for row in api.get("connectivity/thresholds").json["items"]}
    assert (values["compliance_ratio"], values["peak_from_hour"], values["min_samples"]) == (0.8, 9, 3)


def test_a_threshold_value_must_be_a_number(api):
    r = put(api, "connectivity/thresholds/compliance_ratio", {"value": "0.9"})
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input"


def test_the_prices_listed_and_one_set(api_as, session):
    ministry = api_as("ministry")
    assert ministry.get("connectivity/prices").json["items"] == [
        {"measure": "uplink_upgrade", "unit": "school", "unit_price": "2400.00"},
        {"measure": "backup_line", "unit": "school", "unit_price": "600.00"},
        {"measure": "access_point", "unit": "access_point", "unit_price": "450.00"},
        {"measure": "switch", "unit": "switch", "unit_price": "900.00"},
        {"measure": "cabling", "unit": "classroom", "unit_price": "700.00"}]
    r = put(ministry, "connectivity/prices/access_point", {"unit_price": "399.9"})
    assert r.status_code == 200 and r.json == {"measure": "access_point", "unit": "access_point",
                                               "unit_price": "399.90"}
    assert put(ministry, "connectivity/prices/cabling", {"unit_price": 650}).json["unit_price"] == "650.00"
    session.expire_all()
    assert settings.prices(session)["access_point"].unit_price == Decimal("399.90")


@pytest.mark.parametrize("measure, body, field, reason", [
    ("nonesuch", {"unit_price": "1"}, "measure", "unknown_measure"),
    ("switch", {"unit_price": "-5"}, "unit_price", "out_of_range"),
    ("switch", {"unit_price": "a lot"}, "unit_price", "not_a_number"),
])
def test_a_bad_price_is_refused_naming_the_field(api, measure, body, field, reason):
    r = put(api, f"connectivity/prices/{measure}", body)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_input"
    assert (r.json["error"]["details"][0]["field"], r.json["error"]["details"][0]["reason"]) == (field, reason)
    assert {p["measure"]: p["unit_price"] for p in api.get("connectivity/prices").json["items"]}["switch"] == "900.00"


def test_the_cli_lists_and_sets_thresholds_and_prices(fleet):
    listed = fleet("connectivity", "thresholds")
    assert listed.exit_code == 0, listed.output
    assert "compliance_ratio\t0.8\t0.8" in listed.stdout.splitlines()
    changed = fleet("connectivity", "threshold-set", "compliance_ratio", "0.75")
    assert changed.exit_code == 0 and changed.stdout.strip() == "compliance_ratio\t0.75"
    assert "compliance_ratio\t0.75\t0.8" in fleet("connectivity", "thresholds").stdout.splitlines()
    assert "access_point\taccess_point\t450.00" in fleet("connectivity", "prices").stdout.splitlines()
    set_price = fleet("connectivity", "price-set", "access_point", "480")
    assert set_price.stdout.strip() == "access_point\taccess_point\t480.00"
    assert "access_point\taccess_point\t480.00" in fleet("connectivity", "prices").stdout.splitlines()


@pytest.mark.parametrize("args", [
    ("threshold-set", "compliance_ratio", "1.5"),
    ("threshold-set", "nonesuch", "1"),
    ("price-set", "switch", "-1"),
    ("price-set", "router", "100"),
])
def test_the_cli_refuses_bad_settings_with_exit_1(fleet, args):
    result = fleet("connectivity", *args)
    assert result.exit_code == 1 and "[invalid_input]" in result.stderr and result.stdout == ""
