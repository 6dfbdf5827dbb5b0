"""The labels page: choose what to print (a delivery, a shipment, or devices by serial, tag or
scanned URL), the printer profile and the label stock, tick the used cells of a part-used sheet on
its picture, preview the first page, and print (PDF, or ZPL for a thermal printer).

A print is recorded through ``fleet.labelling`` exactly as ``POST /api/v1/labels`` records it; the
devices that cannot be printed now are listed with the reason in words, ready to be opened again.
The run's file is a download made again from the run's record (its events), not kept anywhere.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask import Response, current_app, g, render_template, request, url_for
from flask import session as browser
from sqlalchemy import select

import labels
from fleet import db, labelling
from fleet.errors import FleetError, invalid
from fleet.http import disposition
from fleet.i18n import _l
from fleet.labelling import selection
from fleet.lifecycle import PRINT_REASONS
from fleet.models import Delivery, Printer, Shipment
from fleet.web.blueprint import bp
from fleet.web.pages import page

DEFAULT_STOCK = "avery-l7160"
PRINT_FORMATS = ("pdf", "zpl")
CHOICES = 50  # the latest deliveries and shipments offered in the form's lists
SENT, KEEP_SENT = "labels_sent", 5  # the browser session remembers its last prints: a form sent twice prints once


@dataclass
class LabelForm:
    """What the form (or the URL) asks for, as typed."""

    devices: list[str] = field(default_factory=list)
    delivery: str = ""
    shipment: str = ""
    stock: str = ""
    printer: str = ""
    used: list[str] = field(default_factory=list)
    reason: str = ""
    format: str = "pdf"

    @classmethod
    def read(cls, values) -> LabelForm:
        devices = [code for text in values.getlist("devices") for code in selection.refs(text)]
        used = values.getlist("used")
        if not used and values.get("skip", "").strip().isdigit():  # ?skip=N: the first N cells are used
            used = [values["skip"].strip()] if int(values["skip"]) else []
        shown = values.get("shown_stock", "").strip()
        if shown and shown != values.get("stock", "").strip():  # another stock chosen: its cells start unused
            used = []
        return cls(devices, values.get("delivery", "").strip(), values.get("shipment", "").strip(),
                   values.get("stock", "").strip(), values.get("printer", "").strip(), used,
                   values.get("reason", "").strip(), values.get("format", "pdf").strip() or "pdf")

    @property
    def asks(self) -> bool:
        return bool(self.devices or self.delivery or self.shipment)

    def spec(self) -> dict:
        spec = {}
        if self.devices:
            spec["devices"] = self.devices
        for kind in ("delivery", "shipment"):
            value = getattr(self, kind)
            if value:
                if not value.isdigit():
                    raise invalid(_l("%(field)s must be an id (a whole number)", field=kind), [{"field": kind}])
                spec[kind] = int(value)
        return spec

    def query(self, **changes) -> dict:
        """The form as URL parameters (a link that opens the page as it is now, with ``changes``)."""
        values = {"devices": "\n".join(self.devices) or None, "delivery": self.delivery or None,
                  "shipment": self.shipment or None, "stock": self.stock or None, "printer": self.printer or None,
                  "used": self.used or None, "reason": self.reason or None,
                  "format": self.format if self.format != "pdf" else None, **changes}
        return {k: v for k, v in values.items() if v is not None}


def printer_scope() -> labelling.PrinterScope:
    scope = g.principal.scope
    return labelling.PrinterScope(None if scope.all_schools else scope.school_ids)


def _sheet(form: LabelForm) -> labelling.Sheet:
    """The printer and stock asked for (else the printer's stock, else the default sheet) and the cells to skip."""
    session = db.session()
    row = labelling.printer(session, form.printer or None, printer_scope())
    stock_id = form.stock or (row.stock if row is not None and row.stock else DEFAULT_STOCK)
    stock = labelling.stock(stock_id)
    return labelling.Sheet(row, stock, selection.skip_after(form.used, stock))


def _public_url() -> str:
    return current_app.config["FLEET"].public_url


def _choices() -> dict:
    """The printers, deliveries and shipments the signed-in member of staff may choose from."""
    session, scope = db.session(), g.principal.scope
    schools = printer_scope().school_ids
    printers = select(Printer).order_by(Printer.name)
    if schools is not None:
        printers = printers.where(Printer.school_id.in_(sorted(schools)))
    deliveries = []
    if scope.allows("deliveries:read"):
        deliveries = session.scalars(select(Delivery).order_by(Delivery.id.desc()).limit(CHOICES)).all()
    shipments = session.scalars(select(Shipment).order_by(Shipment.id.desc()).limit(CHOICES * 4)).all()
    shipments = [s for s in shipments if scope.sees_shipment(s)][:CHOICES]
    return {"printers": session.scalars(printers).all(), "deliveries": deliveries, "shipments": shipments,
            "stocks": list(labels.STOCKS.values()), "reasons": [r for r in PRINT_REASONS if r != "first_print"]}


def _page(form: LabelForm, *, refusal: FleetError | None = None, status: int = 200, result=None,
          choice: selection.Choice | None = None, again: str | None = None):
    sheet = None
    try:
        sheet = _sheet(form)
    except FleetError as e:
        refusal = refusal or e
        status = e.status if status == 200 else status
    stock = sheet.stock if sheet is not None else labels.STOCKS.get(form.stock or DEFAULT_STOCK) \
        or labels.STOCKS[DEFAULT_STOCK]
    used = {int(u) for u in form.used if u.isdigit()}
    preview = None
    if choice is not None and choice.devices and sheet is not None and result is None:
        room = stock.per_page - sheet.skip if stock.kind == "sheet" else 1
        preview = url_for(".labels_preview", **form.query(devices=",".join(d.serial for d in choice.devices[:room]),
                                                         delivery=None, shipment=None, reason=None))
    return render_template("labels/labels.html", form=form, sheet=sheet, stock=stock, used=used,
                           last_used=max(used, default=0), choice=choice, result=result, preview=preview,
                           refusal=refusal, formats=PRINT_FORMATS, again=again, once=uuid.uuid4().hex,
                           **_choices()), status


@bp.get("/labels", endpoint="labels")
@page("labels:print")
def labels_page():
    """The form; with something to print in the URL (``?devices=``, ``?delivery=``, ``?shipment=``), what
    would be printed and what not, and the first page's preview."""
    form = LabelForm.read(request.args)
    if not form.asks:
        return _page(form)
    try:
        choice = selection.choose(db.session(), form.spec(), g.principal.scope, form.reason or None)
    except FleetError as e:
        return _page(form, refusal=e, status=e.status)
    return _page(form, choice=choice)


@bp.post("/labels")
@page("labels:print")
def print_labels():
    """``action=show``: the page again with the choice and its preview; ``action=print``: print what can be
    printed (recorded), and the result with the download and the devices refused, with their reasons."""
    form = LabelForm.read(request.form)
    if not form.asks and request.form.get("action") != "print":
        return _page(form)  # another stock or printer chosen, nothing to print yet
    once = request.form.get("once", "")
    sent = browser.get(SENT, {})
    if request.form.get("action") == "print" and once in sent:  # the same form sent again (reload, double click)
        return _page(LabelForm(stock=form.stock, printer=form.printer, format=form.format), again=sent[once])
    session = db.session()
    try:
        choice = selection.choose(session, form.spec(), g.principal.scope, form.reason or None)
        if request.form.get("action") != "print":
            return _page(form, choice=choice)
        sheet = _sheet(form)
        fmt = labelling.output_format(form.format, PRINT_FORMATS)
        printed = selection.print_chosen(session, choice, form.reason or None, sheet, fmt, g.principal.name)
        session.commit()
    except FleetError as e:
        session.rollback()
        return _page(form, refusal=e, status=e.status)
    download = url_for(".labels_run", run=printed.run, fmt=fmt, first=printed.first, last=printed.last,
                       skip=sheet.skip or None)
    if once:
        browser[SENT] = dict([*list(sent.items())[-(KEEP_SENT - 1):], (once, download)])
    return _page(_next_form(form, sheet, printed.count), choice=choice,
                 result={"printed": printed, "download": download, "refused": choice.refused, "format": fmt})


def _next_form(form: LabelForm, sheet: labelling.Sheet, count: int) -> LabelForm:
    """The form after a print: nothing chosen to print, the same printer and stock, and on a sheet the
    cells this run used ticked (the sheet goes back into the printer part-used)."""
    after = (sheet.skip + count) % sheet.stock.per_page if sheet.stock.kind == "sheet" else 0
    return LabelForm(stock=sheet.stock.id, printer=form.printer, format=form.format,
                     used=[str(after)] if after else [])


@bp.get("/labels/preview.png", endpoint="labels_preview")
@page("labels:print")
def labels_preview():
    """The first page of the run the parameters describe, as a picture; nothing is recorded."""
    form = LabelForm.read(request.args)
    session = db.session()
    choice = selection.choose(session, form.spec(), g.principal.scope, None, history=False)
    if not choice.devices:
        raise FleetError("not_found", _l("nothing to preview: no device here can be printed"), {"field": "devices"})
    sheet = _sheet(form)
    png = selection.first_page_png(sheet, [labelling.label_data(d, _public_url()) for d in choice.devices])
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, no-store"})


@bp.get("/labels/runs/<run>.<fmt>", endpoint="labels_run")
@page("labels:print")
def labels_run(run: str, fmt: str):
    """A recorded run's labels again (the download after printing): the devices its events name, on its
    stock and printer, after ``skip`` used cells; not recorded again."""
    first, last = request.args.get("first", ""), request.args.get("last", "")
    if fmt not in PRINT_FORMATS or not first.isdigit() or not last.isdigit():
        raise FleetError("not_found", _l("print run %(run)s not found", run=run[:8]), {"ref": run})
    session = db.session()
    devices, data = selection.recorded_run(session, run, int(first), int(last), g.principal.scope)
    if data.get("format", "pdf") != fmt:
        raise FleetError("not_found", _l("print run %(run)s not found", run=run[:8]), {"ref": run})
    sheet = labelling.sheet(session, printer_scope(), data.get("printer"), data.get("stock"),
                            int(request.args["skip"]) if request.args.get("skip", "").isdigit() else None)
    items = [labelling.label_data(d, _public_url()) for d in devices]
    if fmt == "zpl":
        body = labels.labels_zpl(sheet.stock, items, sheet.calibration)
    else:
        body = labels.labels_pdf(sheet.stock, items, skip=sheet.skip, calibration=sheet.calibration)
    response = Response(body, mimetype=labelling.FORMATS[fmt])
    response.headers["Content-Disposition"] = disposition(f"labels-{run[:8]}.{fmt}", attachment=True)
    return response


@bp.get("/labels/sheets.css", endpoint="labels_sheets_css")
@page("labels:print")
def sheets_css():
    """Where each cell of each sheet stock lies, in per cent of the page: the sheet's picture on the page
    is drawn to the stock's real proportions (the CSP allows no inline style, so the figures come here)."""
    return Response(sheet_rules(), mimetype="text/css", headers={"Cache-Control": "private, max-age=3600"})


def sheet_rules() -> str:
    rules = []
    for stock in labels.STOCKS.values():
        if stock.kind != "sheet":
            continue
        at = f'.sheet[data-stock="{stock.id}"]'
        rules.append(f"{at} {{ aspect-ratio: {stock.page_width:g} / {stock.page_height:g}; }}")
        for index in range(stock.per_page):
            x, y = stock.cell(index)
            rules.append(f"{at} .c{index + 1} {{ left: {100 * x / stock.page_width:.3f}%; "
                         f"top: {100 * y / stock.page_height:.3f}%; "
                         f"width: {100 * stock.label_width / stock.page_width:.3f}%; "
                         f"height: {100 * stock.label_height / stock.page_height:.3f}%; }}")
    return "\n".join(rules) + "\n"
