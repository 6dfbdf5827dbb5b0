"""The analysis of one school's connectivity, pure: from its facts (the survey's answers, its recent
measurements, the thresholds) to a diagnosis and the evidence that led to it.

The method follows UNICEF/ITU's Giga Meter: the provider is compliant when it delivers at least
``compliance_ratio`` (80%) of the contracted rate; the provider delivers what was contracted but the devices
are slow → the school's own network (``inside_network``); both slow → the provider (``uplink``); slow only at
the busiest hours → ``congestion``; results that swing widely → ``unstable``. A school with no recent
measurement is ``no_data``, never ``ok``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Diagnosis = Literal["uplink", "inside_network", "congestion", "unstable", "ok", "no_data"]
DIAGNOSES: tuple[str, ...] = ("uplink", "inside_network", "congestion", "unstable", "ok", "no_data")


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


def diagnose(facts: Facts, thresholds: Thresholds, as_of: date) -> Finding:
    """The school's diagnosis on ``as_of`` (measurements of the ``recent_days`` up to the end of that day)."""
    raise NotImplementedError
