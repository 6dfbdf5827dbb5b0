"""Pre-printed label batches: tags allocated ahead of any device, printed on a sheet, bound to a
device by the label's first scan with its serial (``fleet.labelling.batches``). The list with a new
batch's form, a batch's tags and the devices they are on, and the batch's sheet as PDF."""

from __future__ import annotations

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

import labels
from fleet import db, labelling
from fleet.errors import FleetError, invalid
from fleet.http import disposition
from fleet.i18n import _, _l
from fleet.models import LabelBatch, PreprintedTag, Printer
from fleet.web.blueprint import bp
from fleet.web.labels import DEFAULT_STOCK, printer_scope
from fleet.web.pages import page

LISTED = 100  # the latest batches the list shows


def _batch(batch_id: int) -> LabelBatch:
    batch = db.session().get(LabelBatch, batch_id)
    if batch is None:
        raise FleetError("not_found", _l("label batch %(batch)s not found", batch=batch_id), {"ref": batch_id})
    return batch


def _list_page(refusal: FleetError | None = None, status: int = 200):
    session = db.session()
    batches = session.scalars(select(LabelBatch).order_by(LabelBatch.id.desc()).limit(LISTED)).all()
    bound = dict(session.execute(select(PreprintedTag.batch_id, func.count(PreprintedTag.device_id))
                                 .where(PreprintedTag.batch_id.in_([b.id for b in batches]))
                                 .group_by(PreprintedTag.batch_id)).all())
    schools = printer_scope().school_ids
    printers = select(Printer).order_by(Printer.name)
    if schools is not None:
        printers = printers.where(Printer.school_id.in_(sorted(schools)))
    sheets = [s for s in labels.STOCKS.values() if s.kind == "sheet"]
    return render_template("labels/batches.html", batches=batches, bound=bound, sheets=sheets,
                           printers=session.scalars(printers).all(), refusal=refusal, form=request.form,
                           default_stock=DEFAULT_STOCK, most=labelling.MAX_BATCH), status


@bp.get("/labels/batches", endpoint="labels_batches")
@page("labels:preprint")
def list_batches():
    return _list_page()


@bp.post("/labels/batches")
@page("labels:preprint")
def create_batch():
    """``count`` new tags on ``stock``: the batch's page, with its sheet to download."""
    session = db.session()
    try:
        count = request.form.get("count", "").strip()
        if not count.isdigit():
            raise invalid(_l("count must be a whole number 1-%(max)s", max=labelling.MAX_BATCH),
                          [{"field": "count"}])
        sheet = labelling.sheet(session, printer_scope(), request.form.get("printer") or None,
                                request.form.get("stock") or DEFAULT_STOCK)
        batch = labelling.create_batch(session, int(count), sheet.stock.id, session.info["asset_tag_prefix"],
                                       g.principal.name)
        session.commit()
    except FleetError as e:
        session.rollback()
        return _list_page(e, e.status)
    flash(_("Batch %(batch)s created: %(count)s label(s).", batch=batch.id, count=batch.count), "ok")
    return redirect(url_for(".labels_batch", batch_id=batch.id, printer=request.form.get("printer") or None), 303)


@bp.get("/labels/batches/<int:batch_id>", endpoint="labels_batch")
@page("labels:preprint")
def show_batch(batch_id: int):
    batch = _batch(batch_id)
    rows = labelling.batch_rows(db.session(), batch)
    stock = labels.STOCKS.get(batch.stock)
    return render_template("labels/batch.html", batch=batch, rows=rows, stock=stock,
                           printer=request.args.get("printer", ""))


@bp.get("/labels/batches/<int:batch_id>.pdf", endpoint="labels_batch_pdf")
@page("labels:preprint")
def batch_pdf(batch_id: int):
    """The batch's labels on its stock (after ``skip`` used cells, shifted by ``printer``'s calibration)."""
    session = db.session()
    batch = _batch(batch_id)
    skip = request.args.get("skip", "")
    sheet = labelling.sheet(session, printer_scope(), request.args.get("printer") or None, batch.stock,
                            int(skip) if skip.isdigit() else None)
    public_url = current_app.config["FLEET"].public_url
    items = [labelling.batch_label(tag, public_url) for tag in labelling.batch_tags(session, batch)]
    pdf = labels.labels_pdf(sheet.stock, items, skip=sheet.skip, calibration=sheet.calibration)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = disposition(f"label-batch-{batch.id}.pdf", attachment=True)
    return response
