"""The analysis of one school's connectivity, pure: from its facts (the survey's answers, its recent
measurements, the thresholds) to a diagnosis and the evidence that led to it.

The method follows UNICEF/ITU's Giga Meter. Only the measurements of the last ``recent_days`` up to the end of
``as_of`` (Riga time) count; "the busiest hours" are weekdays from ``peak_from_hour`` to ``peak_to_hour``, Riga
time. Every check is made and kept as evidence, in this order; the diagnosis is the first that fails:

1. ``recent``: no recent measurement → ``no_data`` (never ``ok``).
2. ``compliance``: the provider delivers at least ``compliance_ratio`` (80%) of the contracted download and
   upload (the submitted answers; without answers the primary-school minimum, 100/30, and the evidence says so).
   Delivered: the median of the cable measurements (none on cable: of all, and the evidence says so), outside
   the busiest hours when at least ``min_samples`` were taken then (a line slow only at the busiest lessons is
   congestion, not the provider's fault). Below it → ``uplink``.
3. ``wifi_vs_cable``: the Wi-Fi median download below ``wifi_ratio`` × the cable median (both links measured)
   → ``inside_network``.
4. ``peak``: on one link (cable first, then Wi-Fi) with at least ``min_samples`` both in the busiest hours and
   outside them, the busiest hours' median download below ``peak_ratio`` × the rest's → ``congestion``.
5. ``stability``/``latency``: on a link with at least ``min_samples``, the download's coefficient of variation
   (population standard deviation ÷ mean) above ``unstable_cv``, or the latency's 90th percentile (nearest
   rank) above ``unstable_latency_ms`` and above three times its median → ``unstable``.
6. ``per_pupil``/``minimum``: the contracted download per pupil below ``per_pupil_mbps`` (FCC/SETDA), or the
   contract below the level's minimum (UK DfE: primary 100/30, secondary 1000/200) → ``uplink``: the contract
   is too small even when it is delivered.
7. Otherwise ``ok``.

Compliance at exactly the ratio passes (80% is compliant); a figure is compared with a tolerance of 1e-9.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from fleet.i18n import Figure, Joined, Text, _l, _lp

Diagnosis = Literal["uplink", "inside_network", "congestion", "unstable", "ok", "no_data"]
DIAGNOSES: tuple[str, ...] = ("uplink", "inside_network", "congestion", "unstable", "ok", "no_data")
RIGA = ZoneInfo("Europe/Riga")
EPSILON = 1e-9


@dataclass(frozen=True)
class Thresholds:
    """The analysis's configurable figures (table ``connectivity_thresholds``; these are the defaults).

    - ``compliance_ratio`` 0.8: Giga Meter's compliance, measured ≥ 80% of contracted.
    - ``per_pupil_mbps`` 1.0: FCC/SETDA, 1 Mbit/s per pupil to the internet.
    - ``primary_*``/``secondary_*``: the UK DfE's minimum: primary 100 down / 30 up, secondary 1 Gbit/s down /
      200 up (the EU Gigabit Society target is 1 Gbit/s for every school).
    - ``wifi_ratio`` 0.5: Wi-Fi slower than half of cable → the inside network.
    - ``peak_ratio`` 0.5: the busiest hours slower than half of the rest → congestion.
    - ``unstable_cv`` 0.5 (the download's coefficient of variation on one link) and ``unstable_latency_ms`` 100
      (the 90th percentile of latency above it and above three times the median) → unstable.
    - ``recent_days`` 30: measurements older than this do not count; ``min_samples`` 3: fewer tell nothing
      about congestion or stability.
    - ``peak_from_hour``/``peak_to_hour`` 9–14: the busiest lessons, Riga time, on weekdays.
    - ``cabling_max_age_years`` 15: older cabling is replaced by the plan when the inside network is the fault.
    """

    compliance_ratio: float = 0.8
    per_pupil_mbps: float = 1.0
    primary_down_mbps: float = 100.0
    primary_up_mbps: float = 30.0
    secondary_down_mbps: float = 1000.0
    secondary_up_mbps: float = 200.0
    wifi_ratio: float = 0.5
    peak_ratio: float = 0.5
    unstable_cv: float = 0.5
    unstable_latency_ms: float = 100.0
    recent_days: float = 30.0
    min_samples: float = 3.0
    peak_from_hour: float = 9.0
    peak_to_hour: float = 14.0
    cabling_max_age_years: float = 15.0


@dataclass(frozen=True)
class Sample:
    """One measurement as the analysis reads it (``taken_at`` timezone-aware UTC)."""

    taken_at: datetime
    download_mbps: float
    upload_mbps: float
    latency_ms: float
    jitter_ms: float | None
    link: str  # "wifi" | "cable"


@dataclass(frozen=True)
class Facts:
    """What is known of one school: who it is, its founder, its latest submitted answers in the round (None:
    not submitted), the programme laptops Fleet knows at it, and its measurements (all of them; the analysis
    keeps the recent ones)."""

    school_id: int
    school: str  # its name
    registration_number: str
    founder_code: str
    founder: str  # the founder's name
    answers: dict[str, Any] | None
    laptops: int
    samples: tuple[Sample, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """One check behind a diagnosis: a code (``compliance``, ``per_pupil``, ``wifi_vs_cable``, ``peak``,
    ``stability``, ``latency``, ``recent``, ``survey``), whether it passed (None: it could not be judged), the
    figures it compared, and the finding in words (a ``Text``)."""

    check: str
    passed: bool | None
    figures: dict[str, Any]
    words: Any


@dataclass(frozen=True)
class Finding:
    """One school's diagnosis with its evidence and the figures the report shows (medians over the recent
    measurements; None when there were none)."""

    diagnosis: str  # DIAGNOSES
    evidence: tuple[Evidence, ...]
    samples: int
    last_measured: datetime | None
    download_mbps: float | None
    upload_mbps: float | None
    latency_ms: float | None
    contracted_down_mbps: float | None
    compliance: float | None  # measured ÷ contracted download
    per_pupil_mbps: float | None  # contracted download ÷ pupils
    extra: dict[str, Any] = field(default_factory=dict)



def end_of(day: date) -> datetime:
    """The first instant after ``day`` in Riga, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(), RIGA).astimezone(UTC)


def is_peak(at: datetime, thresholds: Thresholds) -> bool:
    """Taken in the busiest hours: a weekday, ``peak_from_hour`` ≤ the Riga time of day < ``peak_to_hour``."""
    local = at.astimezone(RIGA)
    hour = local.hour + local.minute / 60 + local.second / 3600
    return local.weekday() < 5 and thresholds.peak_from_hour <= hour < thresholds.peak_to_hour


def level_minimum(answers: dict[str, Any] | None, thresholds: Thresholds) -> tuple[str, float, float]:
    """(level, minimum download, minimum upload) for the school's level (primary when not answered)."""
    if answers and answers.get("school_level") == "secondary":
        return "secondary", thresholds.secondary_down_mbps, thresholds.secondary_up_mbps
    return "primary", thresholds.primary_down_mbps, thresholds.primary_up_mbps


def contract_checks(answers: dict[str, Any] | None, thresholds: Thresholds) -> tuple[Evidence, ...]:
    """Rule 6: the contract per pupil and against the level's minimum (only with answers; the plan reads it)."""
    if not answers or answers.get("contracted_down_mbps") is None:
        return ()
    down, up = float(answers["contracted_down_mbps"]), float(answers.get("contracted_up_mbps") or 0)
    out = []
    pupils = answers.get("pupils")
    if pupils:
        per_pupil = down / pupils
        out.append(Evidence("per_pupil", _at_least(per_pupil, thresholds.per_pupil_mbps),
                            {"per_pupil_mbps": per_pupil, "contracted_down_mbps": down, "pupils": pupils,
                             "threshold": thresholds.per_pupil_mbps},
                            _l("the contract gives %(per_pupil)s Mbit/s per pupil (%(down)s Mbit/s for %(pupils)s "
                               "pupils); at least %(threshold)s Mbit/s per pupil is needed, even when it is "
                               "delivered", per_pupil=_n(per_pupil, 2), down=_n(down), pupils=pupils,
                               threshold=_n(thresholds.per_pupil_mbps))))
    level, low_down, low_up = level_minimum(answers, thresholds)
    out.append(Evidence("minimum", _at_least(down, low_down) and _at_least(up, low_up),
                        {"level": level, "contracted_down_mbps": down, "contracted_up_mbps": up,
                         "minimum_down_mbps": low_down, "minimum_up_mbps": low_up},
                        _l("the contract is %(down)s/%(up)s Mbit/s; the minimum for a %(level)s school is "
                           "%(low_down)s/%(low_up)s Mbit/s, even when it is delivered", down=_n(down), up=_n(up),
                           level=LEVEL_WORDS[level], low_down=_n(low_down), low_up=_n(low_up))))
    return tuple(out)


LEVEL_WORDS: dict[str, Text] = {"primary": _lp("school level", "primary"),
                                "secondary": _lp("school level", "secondary")}
LINK_WORDS: dict[str, Text] = {"cable": _l("on cable"), "wifi": _l("on Wi-Fi"), "all": _l("on Wi-Fi and cable")}


def diagnose(facts: Facts, thresholds: Thresholds, as_of: date) -> Finding:
    """The school's diagnosis on ``as_of`` (measurements of the ``recent_days`` up to the end of that day)."""
    t = thresholds
    end = end_of(as_of)
    start = end - timedelta(days=t.recent_days)
    before = sorted((s for s in facts.samples if s.taken_at < end), key=lambda s: s.taken_at)
    recent = [s for s in before if s.taken_at >= start]
    last = before[-1].taken_at if before else None
    last_text = _utc_z(last)
    answers = facts.answers or None
    contract = contract_checks(answers, t)
    per_pupil = next((e.figures["per_pupil_mbps"] for e in contract if e.check == "per_pupil"), None)
    contracted_down = float(answers["contracted_down_mbps"]) if answers and answers.get(
        "contracted_down_mbps") is not None else None
    if not recent:
        words = (_l("no measurement in the last %(days)s days; the last was on %(day)s", days=_n(t.recent_days),
                    day=last.astimezone(RIGA).date().isoformat()) if last else
                 _l("no measurement in the last %(days)s days; never measured", days=_n(t.recent_days)))
        evidence = (Evidence("recent", False, {"samples": 0, "last_measured": last_text, "recent_days": t.recent_days},
                             words),) + contract
        return Finding("no_data", evidence, 0, last, None, None, None, contracted_down, None, per_pupil)
    evidence = [Evidence("recent", True, {"samples": len(recent), "last_measured": last_text,
                                          "recent_days": t.recent_days},
                         _l("%(n)s measurements in the last %(days)s days; the last on %(day)s", n=len(recent),
                            days=_n(t.recent_days), day=last.astimezone(RIGA).date().isoformat()))]
    cable = [s for s in recent if s.link == "cable"]
    wifi = [s for s in recent if s.link == "wifi"]
    failed: list[str] = []
    compliance = _compliance(answers, cable or recent, "cable" if cable else "all", t)
    evidence.append(compliance)
    if compliance.passed is False:
        failed.append("uplink")
    extra: dict[str, Any] = {"compliance_up": compliance.figures["compliance_up"],
                             "judged_on": compliance.figures["link"], "off_peak": compliance.figures["off_peak"],
                             "cable_mbps": _median([s.download_mbps for s in cable]),
                             "wifi_mbps": _median([s.download_mbps for s in wifi]),
                             "cable_samples": len(cable), "wifi_samples": len(wifi)}
    evidence.append(_wifi_vs_cable(extra["wifi_mbps"], extra["cable_mbps"], t))
    if evidence[-1].passed is False:
        failed.append("inside_network")
    evidence.append(_peak({"cable": cable, "wifi": wifi}, t))
    extra.update({k: evidence[-1].figures.get(k) for k in ("peak_mbps", "off_peak_mbps")})
    if evidence[-1].passed is False:
        failed.append("congestion")
    for link, group in (("cable", cable), ("wifi", wifi)):
        if len(group) >= t.min_samples:
            evidence += _stability(link, group, t)
            if any(e.passed is False for e in evidence[-2:]):
                failed.append("unstable")
    evidence += contract
    if any(e.passed is False for e in contract):
        failed.append("uplink")
    diagnosis = failed[0] if failed else "ok"
    if diagnosis == "uplink" and compliance.passed is not False:
        extra["uplink_cause"] = "contract"
    elif diagnosis == "uplink":
        extra["uplink_cause"] = "delivery"
    return Finding(diagnosis, tuple(evidence), len(recent), last, _median([s.download_mbps for s in recent]),
                   _median([s.upload_mbps for s in recent]), _median([s.latency_ms for s in recent]),
                   contracted_down, compliance.figures["compliance"], per_pupil, extra)


def _compliance(answers: dict[str, Any] | None, group: list[Sample], link: str, t: Thresholds) -> Evidence:
    """Rule 2 on ``group`` (the cable measurements, or all): outside the busiest hours when there are enough."""
    off_peak = [s for s in group if not is_peak(s.taken_at, t)]
    judged = off_peak if len(off_peak) >= t.min_samples and len(off_peak) < len(group) else group
    outside = judged is off_peak
    down, up = _median([s.download_mbps for s in judged]), _median([s.upload_mbps for s in judged])
    if answers and answers.get("contracted_down_mbps") is not None:
        c_down, c_up, basis = float(answers["contracted_down_mbps"]), answers.get("contracted_up_mbps"), "contract"
        c_up = float(c_up) if c_up is not None else None
    else:
        _level, c_down, c_up = level_minimum(None, t)
        basis = "minimum"
    ratio_down = down / c_down
    ratio_up = up / c_up if c_up else None
    passed = _at_least(ratio_down, t.compliance_ratio) and (ratio_up is None or _at_least(ratio_up,
                                                                                          t.compliance_ratio))
    params = {"down": _n(down), "up": _n(up), "link": LINK_WORDS[link], "pct_down": _n(ratio_down * 100),
              "pct_up": _n(ratio_up * 100) if ratio_up is not None else "–", "c_down": _n(c_down),
              "c_up": _n(c_up) if c_up is not None else "–", "ratio": _n(t.compliance_ratio * 100)}
    words = [_l("measured %(down)s Mbit/s down and %(up)s Mbit/s up %(link)s, %(pct_down)s%% and %(pct_up)s%% of "
                "the contracted %(c_down)s/%(c_up)s Mbit/s; at least %(ratio)s%% is compliant", **params)]
    if basis == "minimum":
        words.append(_l("no submitted answers: judged against the primary school's minimum"))
    if link == "all":
        words.append(_l("no measurement on cable: judged on all measurements, Wi-Fi included"))
    if outside:
        words.append(_l("judged outside the busiest hours (%(n)s measurements)", n=len(judged)))
    return Evidence("compliance", passed,
                    {"download_mbps": down, "upload_mbps": up, "contracted_down_mbps": c_down,
                     "contracted_up_mbps": c_up, "compliance": ratio_down, "compliance_up": ratio_up,
                     "threshold": t.compliance_ratio, "link": link, "basis": basis, "off_peak": outside,
                     "samples": len(judged)}, _join(words))


def _wifi_vs_cable(wifi: float | None, cable: float | None, t: Thresholds) -> Evidence:
    figures = {"wifi_mbps": wifi, "cable_mbps": cable, "threshold": t.wifi_ratio}
    if wifi is None or cable is None:
        return Evidence("wifi_vs_cable", None, figures,
                        _l("Wi-Fi and cable are not both measured: the network inside the school is not judged"))
    figures["ratio"] = wifi / cable if cable else None
    return Evidence("wifi_vs_cable", _at_least(wifi, t.wifi_ratio * cable), figures,
                    _l("Wi-Fi median %(wifi)s Mbit/s, cable median %(cable)s Mbit/s; Wi-Fi below %(pct)s%% of "
                       "cable points at the network inside the school", wifi=_n(wifi), cable=_n(cable),
                       pct=_n(t.wifi_ratio * 100)))


def _peak(links: dict[str, list[Sample]], t: Thresholds) -> Evidence:
    for link, group in links.items():
        peak = [s.download_mbps for s in group if is_peak(s.taken_at, t)]
        rest = [s.download_mbps for s in group if not is_peak(s.taken_at, t)]
        if len(peak) >= t.min_samples and len(rest) >= t.min_samples:
            peak_mbps, rest_mbps = _median(peak), _median(rest)
            return Evidence("peak", _at_least(peak_mbps, t.peak_ratio * rest_mbps),
                            {"link": link, "peak_mbps": peak_mbps, "off_peak_mbps": rest_mbps,
                             "peak_samples": len(peak), "off_peak_samples": len(rest), "threshold": t.peak_ratio},
                            _l("%(link)s: %(peak)s Mbit/s in the busiest hours (weekdays %(start)s–%(end)s), "
                               "%(rest)s Mbit/s at other times; below %(pct)s%% of the other times is congestion",
                               link=LINK_WORDS[link], peak=_n(peak_mbps), rest=_n(rest_mbps),
                               start=_n(t.peak_from_hour), end=_n(t.peak_to_hour), pct=_n(t.peak_ratio * 100)))
    return Evidence("peak", None, {"threshold": t.peak_ratio, "min_samples": t.min_samples},
                    _l("fewer than %(n)s measurements in the busiest hours or outside them on one link: congestion "
                       "is not judged", n=_n(t.min_samples)))


def _stability(link: str, group: list[Sample], t: Thresholds) -> list[Evidence]:
    downloads = [s.download_mbps for s in group]
    mean = statistics.fmean(downloads)
    # the population standard deviation in floats (statistics.pstdev works in exact fractions: 10 times slower)
    cv = math.sqrt(statistics.fmean([(x - mean) ** 2 for x in downloads])) / mean if mean else 0.0
    latencies = sorted(s.latency_ms for s in group)
    p90 = latencies[math.ceil(0.9 * len(latencies)) - 1]
    median_latency = _median(latencies)
    latency_bad = p90 > t.unstable_latency_ms + EPSILON and p90 > 3 * median_latency + EPSILON
    return [Evidence("stability", not cv > t.unstable_cv + EPSILON,
                     {"link": link, "cv": cv, "mean_mbps": mean, "samples": len(group), "threshold": t.unstable_cv},
                     _l("%(link)s: the download varies by %(cv)s%% of its mean %(mean)s Mbit/s (%(n)s measurements); "
                        "more than %(pct)s%% is unstable", link=LINK_WORDS[link], cv=_n(cv * 100), mean=_n(mean),
                        n=len(group), pct=_n(t.unstable_cv * 100))),
            Evidence("latency", not latency_bad,
                     {"link": link, "p90_ms": p90, "median_ms": median_latency,
                      "threshold": t.unstable_latency_ms},
                     _l("%(link)s: latency %(p90)s ms at the 90th percentile, median %(median)s ms; above %(limit)s ms "
                        "and three times the median is unstable", link=LINK_WORDS[link], p90=_n(p90),
                        median=_n(median_latency), limit=_n(t.unstable_latency_ms)))]


def _utc_z(at: datetime | None) -> str | None:
    """A timestamp for the figures (JSON): UTC with ``Z``."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z") if at else None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _at_least(value: float, limit: float) -> bool:
    return value >= limit - EPSILON


def _n(value: float | None, places: int = 1) -> Figure:
    """A figure for words: at most ``places`` decimals, no trailing zeros, a decimal comma in Latvian."""
    if value is None:
        return Figure("–")
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return Figure("0" if text == "-0" else text)


def _join(words: list[Text]) -> Text:
    return words[0] if len(words) == 1 else Joined(words)
