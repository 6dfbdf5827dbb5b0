"""The device list, ``/devices``: one search box (a serial, an asset tag or a scanned label URL — an
exact code opens its device page; otherwise a part of a serial or tag), filters by status, school,
contract and model, a keyset-paged table, and the same list as CSV (``/devices.csv``): ``;`` with a byte-order
mark for Excel by default, ``?sep=comma`` for machines, ``?lang=`` for the language (``fleet.csv_export``).

The list and the export need ``devices:read`` and show only the devices of the reader's scope (school
IT its own school's). The export is recorded in the access log as an export, as the API's exports are.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from fleet import csv_export, db, devices, display_names, paging, resolvers
from fleet.errors import FleetError
from fleet.http import record_access
from fleet.i18n import _l
from fleet.web.blueprint import bp
from fleet.web.pages import page

PAGE_SIZE = 50
FILTERS = ("status", "school", "contract", "model")

# The export's columns, in the reader's language (Excel shows them as the header row).
CSV_COLUMNS = (_l("serial number"), _l("asset tag"), _l("status"), _l("school registration number"),
               _l("school name"), _l("contract number"), _l("funding source"), _l("manufacturer"), _l("model"))


def _filters() -> devices.DeviceFilters:
    args = request.args
    return devices.DeviceFilters(text=args.get("q", "").strip() or None,
                                 **{name: args.get(name, "").strip() or None for name in FILTERS})


def _kept(filters: devices.DeviceFilters) -> dict[str, str]:
    """The query parameters that keep the filters (the next page, the export)."""
    kept = {name: getattr(filters, name) for name in FILTERS if getattr(filters, name)}
    return {"q": filters.text, **kept} if filters.text else kept


@bp.get("/devices", endpoint="devices")
@page("devices:read")
def device_list():
    if request.args.get("format") == "csv":
        return device_csv()
    session, scope = db.session(), g.principal.scope
    filters = _filters()
    hint = None
    if filters.text:
        try:  # an exact code (a scanned label, a serial, an asset tag): straight to the device
            device = resolvers.resolve(session, filters.text, scope)
            return redirect(url_for("web.device", ref=device.asset_tag or device.serial), 303)
        except FleetError as e:
            hint = e if e.code != "not_found" else None
    after = request.args.get("after")
    rows, last = devices.search_devices(session, scope, filters, PAGE_SIZE,
                                        paging.decode_cursor(after) if after else None)
    schools, contracts, models = devices.filter_choices(session, scope)
    kept = _kept(filters)
    next_url = url_for("web.devices", **kept, after=paging.encode_cursor(last)) if last is not None else None
    return render_template("devices/list.html", rows=rows, filters=filters, hint=hint, schools=schools,
                           contracts=contracts, models=models, statuses=display_names.names("status"),
                           next_url=next_url, first_url=url_for("web.devices", **kept) if after else None,
                           csv_url=url_for("web.devices_csv", **kept),
                           csv_comma_url=url_for("web.devices_csv", **kept, sep="comma"))


@bp.get("/devices.csv", endpoint="devices_csv")
@page("devices:read")
def device_csv():
    """The filtered list, every page of it, as CSV: by default for Excel (``;`` between fields and a UTF-8 BOM,
    what Excel with Latvian regional settings opens without a wizard), ``?sep=comma`` for machines; the header
    and the statuses and funding sources in the page's language or ``?lang=``."""
    session, scope = db.session(), g.principal.scope
    chosen = csv_export.options()
    filters = _filters()
    with csv_export.in_language(chosen):
        header = [str(c) for c in CSV_COLUMNS]
        rows = []
        for d in devices.each_device(session, scope, filters):
            contract, school = d.contract, d.school
            rows.append([d.serial, d.asset_tag or "", display_names.name("status", d.status),
                         school.registration_number if school else "", csv_export.cell(school.name if school else ""),
                         csv_export.cell(contract.number if contract else ""),
                         display_names.name("funding", contract.funding_source) if contract else "",
                         csv_export.cell(d.manufacturer), csv_export.cell(d.model)])
    record_access("export")
    return csv_export.response(header, rows, chosen, "devices.csv")
