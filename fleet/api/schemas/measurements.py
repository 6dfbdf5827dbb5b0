"""The speed test's endpoints (``/connectivity/…``): a recorded measurement, the body that records one, the
school's recent ones, and a measurement link for a school laptop."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fleet.api.schemas.common import Model, Query, Timestamp, whole_number
from fleet.connectivity import keys, measurements

Link = Literal["wifi", "cable"]
Rate = float | int


class Probe(Model):
    ok: bool = Field(description="always true: the answer's time is the latency")


class Received(Model):
    bytes: int = Field(description="the upload's bytes the server read (and threw away)")


class DownloadQuery(Query):
    bytes: whole_number(1, measurements.MAX_DOWNLOAD_BYTES, "how many random bytes to send") = (  # type: ignore
        measurements.DOWNLOAD_BYTES)


class MeasurementIn(Model):
    school: str | None = Field(None, min_length=1, max_length=10, description=(
        "the school's registration number; left out with a measurement key (the key names it) or by a member of "
        "one school's IT"))
    download_mbps: Rate = Field(description="Mbit/s, the download's bits / the phase's seconds")
    upload_mbps: Rate = Field(description="Mbit/s")
    latency_ms: Rate = Field(description="the median of the latency probes, ms")
    jitter_ms: Rate | None = Field(None, description="the mean absolute difference of consecutive probes, ms")
    link: Link = Field(description="how the device was connected: wifi or cable")
    asset_tag: str | None = Field(None, max_length=60, description="the programme laptop's asset tag, if it was one")
    source: Literal["browser", "script"] = Field("browser", description="the page or scripts/measure")
    taken_at: Timestamp | None = Field(None, description="when it was taken (default: now)")


class MeasurementOut(Model):
    id: int
    school: str = Field(description="the school's registration number")
    taken_at: Timestamp
    download_mbps: float
    upload_mbps: float
    latency_ms: float
    jitter_ms: float | None
    link: Link
    asset_tag: str | None
    source: Literal["browser", "script"]
    recorded_by: str = Field(description="the user's name, or \"key\" for a measurement link")


class MeasurementsQuery(Query):
    school: str | None = Field(None, min_length=1, max_length=10,
                               description="the school's registration number; default: the caller's only school")
    limit: whole_number(1, 200, "how many, newest first") = measurements.DEFAULT_RECENT  # type: ignore


class MeasurementList(Model):
    items: list[MeasurementOut]


class LinkIn(Model):
    school: str | None = Field(None, min_length=1, max_length=10,
                               description="the school's registration number; default: the caller's only school")
    days: whole_number(1, keys.MAX_DAYS, "how long the link works") = keys.DEFAULT_DAYS  # type: ignore
    tag: str | None = Field(None, max_length=60, description="a laptop's asset tag, prefilled on the page")


class LinkOut(Model):
    url: str = Field(description="the measurement page with the key: whoever opens it may measure for the school")
    key: str = Field(description="the key alone, for scripts/measure --key")
    expires: Timestamp
