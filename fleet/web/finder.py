"""The page a label's QR code opens, ``/d/<tag>``: whose laptop it is and how to return it, without
login and without any pupil's data. A signed-in member of staff who may see the device goes to its
device page instead (``fleet.web.device_page``); everyone else gets this page, unchanged."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from sqlalchemy import select

from fleet import db
from fleet.access import policy
from fleet.asset_tags import parse_tag
from fleet.errors import FleetError
from fleet.models import Device
from fleet.web.blueprint import bp
from fleet.web.pages import signed_in


@bp.get("/d/<tag>")
@bp.get("/D/<tag>")
def device_page(tag: str):
    try:
        device = db.session().scalar(select(Device).where(Device.asset_tag == parse_tag(tag)))
    except FleetError:
        device = None
    if device is None:
        return render_template("finder/unknown.html", tag=tag), 404
    staff = signed_in()
    if staff is not None and policy.allows(staff, "devices:read") and policy.can_see_device(staff, device):
        return redirect(url_for("web.device", ref=device.asset_tag), 303)
    return render_template("finder/device.html", device=device)
