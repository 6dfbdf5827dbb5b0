"""The analysis, pure (no database): one test per diagnosis and per rule of the evidence, the boundaries
(exactly 80% is compliant), old measurements are no data, the busiest hours in Riga time, and figures worked
out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from fleet.connectivity.analysis import Facts, Sample, Thresholds, diagnose, is_peak

RIGA = ZoneInfo("Europe/Riga")
AS_OF = date(2026, 12, 4)  # a Friday
T = Thresholds()


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """A Riga wall-clock time in 2026, as UTC (winter: Riga is UTC+2)."""
    return datetime(2026, month, day, hour, minute, tzinfo=RIGA).astimezone(UTC)


def s(when: datetime, down: float, up: float = 30.0, latency: float = 10.0, link: str = "cable") -> Sample:
    return Sample(when, down, up, latency, None, link)


def answers(**over):
    base = {"contracted_down_mbps": 100, "contracted_up_mbps": 30, "pupils": 50, "school_level": "primary"}
    return base | over


def facts(samples, answered=True, **over) -> Facts:
    return Facts(1, "Rīgas 1. skola", "1234567", "RIX", "Rīga", answers(**over) if answered else None, 10,
                 tuple(samples))


def evening(down, up=30.0, latency=10.0, link="cable", n=3):
    """``n`` measurements at 17:00 Riga on Monday–Wednesday (outside the busiest hours)."""
    values = down if isinstance(down, list) else [down] * n
    return [s(at(30 + i, 17, month=11) if i == 0 else at(i, 17), v, up, latency, link) for i, v in enumerate(values)]


def checks(finding):
    return {e.check: e for e in finding.evidence}


def en(text) -> str:
    return text.in_("en")


def test_ok_with_hand_computed_figures():
    finding = diagnose(facts([s(at(1, 17), 90, 28, 10), s(at(2, 17), 100, 30, 20), s(at(3, 17), 110, 32, 30)]),
                       T, AS_OF)
    assert finding.diagnosis == "ok"
    assert finding.samples == 3
    assert finding.download_mbps == 100 and finding.upload_mbps == 30 and finding.latency_ms == 20
    assert finding.compliance == pytest.approx(1.0)  # 100 of the contracted 100
    assert finding.per_pupil_mbps == pytest.approx(2.0)  # 100 Mbit/s for 50 pupils
    assert finding.last_measured == at(3, 17)
    assert [e.check for e in finding.evidence] == ["recent", "compliance", "wifi_vs_cable", "peak", "stability",
                                                   "latency", "per_pupil", "minimum"]
    assert all(e.passed is not False for e in finding.evidence)


def test_no_recent_measurement_is_no_data_never_ok():
    finding = diagnose(facts([s(at(1, 17, month=10), 500)]), T, AS_OF)  # 2026-10-01, 64 days before
    assert finding.diagnosis == "no_data"
    recent = checks(finding)["recent"]
    assert recent.passed is False
    assert "the last was on 2026-10-01" in en(recent.words)
    assert finding.last_measured == at(1, 17, month=10) and finding.samples == 0
    assert finding.download_mbps is None and finding.compliance is None


def test_never_measured_is_no_data():
    finding = diagnose(facts([]), T, AS_OF)
    assert finding.diagnosis == "no_data"
    assert "never measured" in en(checks(finding)["recent"].words)
    assert finding.per_pupil_mbps == pytest.approx(2.0)  # the contract is still judged for the plan


def test_the_window_is_recent_days_up_to_the_end_of_as_of_in_riga():
    # 30 days up to the end of 2026-12-04 Riga: from 2026-11-05 00:00 Riga on; 23:30 Riga on the 4th counts
    # (21:30 UTC), 00:30 Riga on the 5th does not
    inside = diagnose(facts([s(at(4, 23, 30), 100)]), T, AS_OF)
    assert inside.samples == 1 and inside.diagnosis != "no_data"
    later = diagnose(facts([s(at(5, 0, 30), 100)]), T, AS_OF)
    assert later.diagnosis == "no_data"
    assert diagnose(facts([s(at(5, 0, 30, month=11), 100)]), T, AS_OF).samples == 1
    assert diagnose(facts([s(at(4, 23, 30, month=11), 100)]), T, AS_OF).diagnosis == "no_data"


def test_exactly_80_percent_is_compliant():
    finding = diagnose(facts(evening(80, up=24)), T, AS_OF)  # 80/100 and 24/30: both exactly 80%
    compliance = checks(finding)["compliance"]
    assert compliance.passed is True and finding.diagnosis == "ok"
    assert finding.compliance == pytest.approx(0.8)
    assert "measured 80 Mbit/s down and 24 Mbit/s up on cable, 80% and 80% of the contracted 100/30 Mbit/s; " \
           "at least 80% is compliant" in en(compliance.words)


def test_below_80_percent_download_is_uplink():
    finding = diagnose(facts(evening(79.9)), T, AS_OF)
    assert finding.diagnosis == "uplink" and checks(finding)["compliance"].passed is False
    assert finding.extra["uplink_cause"] == "delivery"


def test_below_80_percent_upload_is_uplink():
    finding = diagnose(facts(evening(100, up=23.9)), T, AS_OF)
    assert finding.diagnosis == "uplink"
    assert finding.extra["compliance_up"] == pytest.approx(23.9 / 30)


def test_without_answers_the_primary_minimum_is_the_yardstick():
    finding = diagnose(facts(evening(42, up=30), answered=False), T, AS_OF)
    compliance = checks(finding)["compliance"]
    assert finding.diagnosis == "uplink"
    assert compliance.figures["basis"] == "minimum" and compliance.figures["contracted_down_mbps"] == 100
    words = en(compliance.words)
    assert "measured 42 Mbit/s down and 30 Mbit/s up on cable, 42% and 100% of the contracted 100/30 Mbit/s" in words
    assert "no submitted answers: judged against the primary school's minimum" in words
    assert "per_pupil" not in checks(finding)  # nothing to judge the contract on
    assert finding.contracted_down_mbps is None


def test_cable_decides_and_without_cable_all_measurements_say_so():
    # Wi-Fi slow, cable fast: the provider is judged on cable (compliant)
    mixed = diagnose(facts(evening(100) + evening(30, link="wifi")), T, AS_OF)
    assert checks(mixed)["compliance"].figures["link"] == "cable" and checks(mixed)["compliance"].passed
    only_wifi = diagnose(facts(evening(100, link="wifi")), T, AS_OF)
    compliance = checks(only_wifi)["compliance"]
    assert compliance.figures["link"] == "all"
    assert "no measurement on cable: judged on all measurements, Wi-Fi included" in en(compliance.words)
    assert checks(only_wifi)["wifi_vs_cable"].passed is None  # needs both links


def test_wifi_below_half_of_cable_is_inside_network():
    finding = diagnose(facts(evening(100) + evening(49, link="wifi")), T, AS_OF)
    wifi = checks(finding)["wifi_vs_cable"]
    assert finding.diagnosis == "inside_network" and wifi.passed is False
    assert wifi.figures["wifi_mbps"] == 49 and wifi.figures["cable_mbps"] == 100
    assert "Wi-Fi median 49 Mbit/s, cable median 100 Mbit/s" in en(wifi.words)
    at_half = diagnose(facts(evening(100) + evening(50, link="wifi")), T, AS_OF)
    assert at_half.diagnosis == "ok"  # exactly half is not below half


def test_the_busiest_hours_are_riga_time_on_weekdays():
    assert is_peak(datetime(2026, 12, 1, 7, 0, tzinfo=UTC), T)  # 09:00 Riga, a Tuesday
    assert not is_peak(datetime(2026, 12, 1, 6, 59, tzinfo=UTC), T)  # 08:59 Riga
    assert is_peak(datetime(2026, 12, 1, 11, 59, tzinfo=UTC), T)  # 13:59 Riga
    assert not is_peak(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), T)  # 14:00 Riga: the end is not included
    assert not is_peak(datetime(2026, 12, 5, 8, 0, tzinfo=UTC), T)  # 10:00 Riga on a Saturday
    assert is_peak(datetime(2026, 6, 2, 6, 0, tzinfo=UTC), T)  # 09:00 Riga in summer (UTC+3)


def test_slow_only_at_the_busiest_hours_is_congestion_judged_outside_them():
    # the lead's example: 10 on cable at 10:00 Riga on weekdays (290), 10 at 17:00 (930), contracted 1000/200
    days = [(30, 11), (1, 12), (2, 12), (3, 12), (4, 12), (23, 11), (24, 11), (25, 11), (26, 11), (27, 11)]
    samples = [s(at(d, 10, month=m), 290, 200) for d, m in days] + [s(at(d, 17, month=m), 930, 200) for d, m in days]
    finding = diagnose(facts(samples, contracted_down_mbps=1000, contracted_up_mbps=200, pupils=300,
                             school_level="secondary"), T, AS_OF)
    compliance, peak = checks(finding)["compliance"], checks(finding)["peak"]
    assert compliance.passed is True and compliance.figures["off_peak"] is True
    assert finding.compliance == pytest.approx(0.93)  # 930 ÷ 1000
    assert "judged outside the busiest hours (10 measurements)" in en(compliance.words)
    assert peak.passed is False and peak.figures["peak_mbps"] == 290 and peak.figures["off_peak_mbps"] == 930
    assert finding.diagnosis == "congestion"
    assert finding.download_mbps == pytest.approx(610)  # the median of all twenty: (290 + 930) ÷ 2


def test_congestion_needs_min_samples_on_both_sides():
    samples = [s(at(1, 10), 20), s(at(2, 10), 20)] + evening(100)  # two in the busiest hours: too few
    finding = diagnose(facts(samples), T, AS_OF)
    assert checks(finding)["peak"].passed is None
    assert finding.diagnosis != "congestion"


def test_download_swinging_widely_is_unstable():
    # mean 100, population standard deviation √((90² + 0 + 90²) ÷ 3) = 73.5 → CV 0.73 > 0.5
    finding = diagnose(facts(evening([10, 100, 190])), T, AS_OF)
    stability = checks(finding)["stability"]
    assert finding.diagnosis == "unstable" and stability.passed is False
    assert stability.figures["cv"] == pytest.approx(73.4847 / 100, abs=1e-4)
    assert diagnose(facts(evening([60, 100, 140])), T, AS_OF).diagnosis == "ok"  # CV 0.33


def test_latency_tail_is_unstable_only_above_the_limit_and_three_times_the_median():
    # ten: eight at 10 ms, two at 150 → the 90th percentile (the 9th of ten) 150 > 100 and > 3 × 10
    bad = diagnose(facts(evening(100, latency=10, n=8) + evening(100, latency=150, n=2)), T, AS_OF)
    latency = checks(bad)["latency"]
    assert bad.diagnosis == "unstable" and latency.figures["p90_ms"] == 150 and latency.figures["median_ms"] == 10
    # median 60 → three times it is 180: a p90 of 150 is slow throughout, not unstable
    steady = diagnose(facts(evening(100, latency=60, n=8) + evening(100, latency=150, n=2)), T, AS_OF)
    assert steady.diagnosis == "ok"


def test_stability_needs_min_samples_on_the_link():
    finding = diagnose(facts(evening([10, 190], n=2)), T, AS_OF)
    assert "stability" not in checks(finding)


def test_too_small_a_contract_per_pupil_is_uplink_even_when_delivered():
    finding = diagnose(facts(evening(100), pupils=200), T, AS_OF)  # 100 Mbit/s for 200 pupils: 0.5 each
    per_pupil = checks(finding)["per_pupil"]
    assert finding.diagnosis == "uplink" and finding.extra["uplink_cause"] == "contract"
    assert checks(finding)["compliance"].passed is True
    assert finding.per_pupil_mbps == pytest.approx(0.5)
    assert "0.5 Mbit/s per pupil (100 Mbit/s for 200 pupils)" in en(per_pupil.words)
    assert "even when it is delivered" in en(per_pupil.words)


def test_a_contract_under_the_levels_minimum_is_uplink():
    # a secondary school on 500/100 for 300 pupils: 1.67 per pupil is enough, the DfE minimum 1000/200 is not
    finding = diagnose(facts(evening(500, up=100), contracted_down_mbps=500, contracted_up_mbps=100, pupils=300,
                             school_level="secondary"), T, AS_OF)
    minimum = checks(finding)["minimum"]
    assert finding.diagnosis == "uplink" and minimum.passed is False and checks(finding)["per_pupil"].passed
    assert minimum.figures["minimum_down_mbps"] == 1000
    assert "the minimum for a secondary school is 1000/200 Mbit/s" in en(minimum.words)


def test_the_first_failing_rule_decides_and_every_check_is_kept():
    # slow provider and slow Wi-Fi: uplink first; the inside network's failure is still in the evidence
    finding = diagnose(facts(evening(50) + evening(10, link="wifi")), T, AS_OF)
    assert finding.diagnosis == "uplink"
    assert checks(finding)["wifi_vs_cable"].passed is False


def test_thresholds_are_read_from_the_argument():
    lenient = Thresholds(compliance_ratio=0.5)
    assert diagnose(facts(evening(60)), lenient, AS_OF).diagnosis == "ok"
    assert diagnose(facts(evening(60)), T, AS_OF).diagnosis == "uplink"
