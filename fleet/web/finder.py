"""The page a label's QR code opens, ``/d/<tag>``: whose laptop it is and how to return it, without
login and without any pupil's data."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from fleet import db
from fleet.asset_tags import parse_tag
from fleet.errors import FleetError
from fleet.models import Device
from fleet.web.blueprint import bp


@bp.get("/d/<tag>")
@bp.get("/D/<tag>")
def device_page(tag: str):
    try:
        device = db.session().scalar(select(Device).where(Device.asset_tag == parse_tag(tag)))
    except FleetError:
        device = None
    if device is None:
        return render_template("finder/unknown.html", tag=tag), 404
    return render_template("finder/device.html", device=device)
