"""The scan station, ``/station``: a mode picked once (the URL holds it, ``fleet.scan_station``), a scan
field that keeps focus, and the results of each scan as the API answers them (``static/station.js``
sends every scan to the JSON API with the session, queues them while the server cannot be reached).

The page needs ``devices:read``: a role that may only read gets the look-up mode; each other mode is
offered to the roles the policy lets apply it.
"""

from __future__ import annotations

from flask import g, render_template, request

from fleet import db, display_names, scan_station
from fleet.errors import FleetError
from fleet.i18n import _, _l, current_locale, plural_samples, translations
from fleet.web.blueprint import bp
from fleet.web.camera import wasm_allowed
from fleet.web.pages import page

MODE_NAMES = {
    "receive": _l("Receive a delivery"),
    "image": _l("Install the image"),
    "label": _l("Confirm the label"),
    "ship": _l("Ship to a school"),
    "arrive": _l("Arrival of a shipment"),
    "stocktake": _l("Stocktake"),
    "wipe": _l("Wipe"),
    "repair": _l("Send to repair"),
    "note": _l("Note"),
    "lookup": _l("Look up"),
    "collect": _l("End-of-year collection"),
}


@bp.get("/station", endpoint="station")
@page("devices:read")
@wasm_allowed
def station():
    session = db.session()
    scope = g.principal.scope
    modes = scan_station.modes_for(g.principal)
    refusal, status = None, 200
    try:
        configured = scan_station.configure(session, scope, request.args)
    except FleetError as e:
        session.rollback()
        refusal, status = e, e.status
        configured = scan_station.Station(scan_station.MODES[scan_station.DEFAULT])
    choices = scan_station.choices(session, scope, modes)
    return render_template("station/station.html", station=configured, modes=modes, choices=choices,
                           mode_names=MODE_NAMES, refusal=refusal, words=words(), lang=current_locale()), status


def words() -> dict:
    """What station.js shows, in the page's language: outcomes, refusals, statuses and actions. A message
    with a count comes as its every plural form, in the catalog's order: station.js picks one by the
    language's rule (Latvian has three: 0, 11-19 "skenējumu"; 1, 21 "skenējums"; 2-9, 22 "skenējumi")."""
    catalog, counts = translations(current_locale()), plural_samples()
    return {
        "outcome": {"applied": _("Applied"), "already": _("Already done"), "found": _("Device found"),
                    "refused": _("Refused"), "pending": _("Waiting to be sent"), "sending": _("Sending…")},
        "refusal": display_names.names("refusal"),
        "status": display_names.names("status"),
        "action": display_names.names("action"),
        "allowed": _("Allowed now: %(actions)s"),
        "status_now": _("Status now: %(status)s"),
        "none_allowed": _("No action is allowed now."),
        "offline": [catalog.ngettext("No connection — %(n)s scan waiting", "No connection — %(n)s scans waiting", n)
                    for n in counts],
        "sending_queue": [catalog.ngettext("Connection is back — sending %(n)s waiting scan",
                                           "Connection is back — sending %(n)s waiting scans", n) for n in counts],
        "unexpected": _("not on the list"),
        "new_shipment": _("Open shipment: #%(id)s"),
        "no_shipment": _("No shipment yet: the first scan starts one."),
        "server_error": _("The server could not answer (%(status)s)"),
        "condition": display_names.names("return_condition"),
        "accessory": display_names.names("accessory"),
        "missing_items": _("missing: %(items)s"),
        "back_of": _("%(back)s of %(total)s back"),
        "other_class": _("class %(grade)s"),
        "counts": {"expected": _("expected"), "found": _("found"), "missing": _("missing"),
                   "unexpected": _("unexpected"), "arrived": _("have arrived"), "seen": _("counted"),
                   "on_shipment": _("on the shipment")},
    }
