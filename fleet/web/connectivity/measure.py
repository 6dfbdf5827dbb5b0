"""``/connectivity/measure``: the speed test from inside a school (``static/connectivity-measure.js`` runs the
protocol of ``fleet.connectivity.measurements`` against the API's probe, download and upload, then records the
result). Opened signed in with ``connectivity:measure`` (school IT picks among its schools; one school is fixed),
or with ``?key=`` from a measurement link on a school laptop — no sign-in then, the key's school only, and the
page says which. Signed in, the page also makes such links (``POST /api/v1/connectivity/links``).

The page asks Wi-Fi or cable (nothing preselected), optionally the laptop's asset tag (``?tag=`` prefills it),
and says plainly that it measures the path from this device to the Fleet server, not the internet at large."""

from __future__ import annotations

import functools

from flask import g, render_template, request

from fleet import db
from fleet.connectivity import keys, measurements
from fleet.errors import FleetError
from fleet.i18n import _
from fleet.lending import pupils
from fleet.models import School
from fleet.web.blueprint import bp
from fleet.web.pages import page

PERMISSION = "connectivity:measure"


def _words() -> dict[str, str]:
    """What the script says, in the page's language."""
    return {
        "latency": _("Latency"), "download": _("Download"), "upload": _("Upload"),
        "waiting": _("waiting"), "running": _("measuring…"), "done": _("done"), "failed": _("failed"),
        "pick_link": _("Choose how this device is connected: Wi-Fi or cable."),
        "pick_school": _("Choose the school."),
        "started": _("Measuring: keep this page open for about ten seconds."),
        "recorded": _("Recorded: the measurement is saved for the school."),
        "not_recorded": _("The measurement was made but not recorded:"),
        "error": _("The measurement failed:"),
        "mbps": _("Mbit/s"), "ms": _("ms"),
        "jitter": _("jitter"),
        "summary": _("Download %(down)s Mbit/s, upload %(up)s Mbit/s, latency %(lat)s ms."),
        "copied": _("Copied."), "copy_failed": _("Copy it by hand: select the address."),
        "link_made": _("Link made; it works until %(date)s"),
    }


def _keyed(view):
    """``page(PERMISSION)``, unless ``?key=`` is given: then the key's school, with no sign-in."""
    signed_in = page(PERMISSION)(view)

    @functools.wraps(view)
    def run(*args, **kwargs):
        key = request.args.get("key")
        if key is None:
            return signed_in(*args, **kwargs)
        try:
            school = db.session().get(School, keys.school_of(key))
        except FleetError as e:
            return render_template("connectivity/measure.html", refusal=e, schools=[], key=None, words=_words(),
                                   protocol=_protocol()), e.status
        return view(*args, key=key, key_school=school, **kwargs)

    run.permission = signed_in.permission
    return run


def _protocol() -> dict:
    return {"probes": measurements.PROBES, "streams": measurements.STREAMS, "seconds": measurements.SECONDS,
            "download_bytes": measurements.DOWNLOAD_BYTES, "upload_bytes": measurements.UPLOAD_BYTES}


@bp.get("/connectivity/measure")
@_keyed
def connectivity_measure(key: str | None = None, key_school: School | None = None):
    """The speed test: the school (fixed by a key or a single school, else picked), Wi-Fi or cable, the tag."""
    if key is not None:
        schools = [key_school] if key_school is not None else []
    else:
        schools = pupils.schools_of(db.session(), g.principal.scope)
    chosen = request.args.get("school")
    return render_template("connectivity/measure.html", schools=schools, key=key, chosen=chosen,
                           tag=(request.args.get("tag") or "")[:60], words=_words(), protocol=_protocol(),
                           days=keys.DEFAULT_DAYS, max_days=keys.MAX_DAYS)
