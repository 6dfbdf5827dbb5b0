"""JSON representations of the models, as the API answers them: the one place JSON is shaped.

Plain functions returning dicts, which the models in ``fleet.api.schemas`` describe (the OpenAPI
document) and check (in every API test, ``fleet.http.schema.check_answer``). A dict costs a device
list of 500 nothing beyond building it; a model per item would validate again what the database
already holds, and ``jsonify`` would then serialise it a second time."""

from __future__ import annotations

from datetime import datetime

import labels
from fleet import paging
from fleet.api.schemas.common import utc_z
from fleet.i18n import api_locale
from fleet.models import (
    AccessLogEntry,
    Agreement,
    Contract,
    Device,
    Event,
    Founder,
    LabelBatch,
    Loan,
    OutboxMessage,
    Printer,
    School,
)


def when(value: datetime | None) -> str | None:
    """A timestamp: UTC with ``Z`` (``fleet.api.schemas.Timestamp``)."""
    return utc_z(value)


def founder(f: Founder) -> dict:
    return {"code": f.code, "name": f.name, "registration_number": f.registration_number, "address": f.address}


def school(s: School) -> dict:
    return {"registration_number": s.registration_number, "name": s.name, "founder": s.founder.code,
            "address": s.address, "phone": s.phone}


def contract(c: Contract) -> dict:
    return {
        "number": c.number, "supplier": c.supplier, "funding_source": c.funding_source,
        "unit_price": f"{c.unit_price:.2f}", "signed_on": c.signed_on.isoformat() if c.signed_on else None,
        "quantity": c.quantity,
    }


def device(d: Device) -> dict:
    return {
        "serial": d.serial, "asset_tag": d.asset_tag, "status": d.status,
        "manufacturer": d.manufacturer, "model": d.model,
        "school": d.school_registration,
        "contract": d.contract_number,
        "loan": None,
        "created_at": when(d.created_at), "updated_at": when(d.updated_at),
    }


def event(e: Event) -> dict:
    return {
        "seq": e.seq, "action": e.action, "from_status": e.from_status, "to_status": e.to_status,
        "at": when(e.at), "actor": e.actor, "data": e.data, "hash": e.hash,
    }


def page(items: list[dict], next_cursor: str | None) -> dict:
    """A page whose cursor is made already (``paging.encode_cursor``); ``paged`` takes the row id."""
    return {"items": items, "next": next_cursor}


def paged(items: list[dict], last_id: int | None) -> dict:
    """A page of a list and the cursor after row ``last_id`` (None: the last page)."""
    return {"items": items, "next": paging.encode_cursor(last_id)}


def listing(items: list[dict]) -> dict:
    """A short list given whole (the page shape, ``next`` null)."""
    return {"items": items, "next": None}


def access_entry(entry: AccessLogEntry) -> dict:
    return {"id": entry.id, "at": when(entry.at), "event": entry.event, "actor": entry.actor,
            "address": entry.address, "via": entry.via, "what": entry.what, "details": entry.details}


def outbox_message(row: OutboxMessage) -> dict:
    """What an admin needs to act (which agreement's e-mail, what went wrong), never the recipient or content."""
    return {"id": row.id, "kind": row.kind, "agreement": row.agreement_id, "state": row.state,
            "attempts": row.attempts, "last_error": row.last_error, "created_at": when(row.created_at),
            "due_at": when(row.due_at), "finished_at": when(row.finished_at)}


def stock(s: labels.Stock) -> dict:
    return {"id": s.id, "name": s.name, "kind": s.kind, "label_width": s.label_width, "label_height": s.label_height,
            "columns": s.columns, "rows": s.rows, "per_page": s.per_page, "page_width": s.page_width,
            "page_height": s.page_height, "dpi": s.dpi, "durable": s.durable, "source": s.source}


def printer(row: Printer) -> dict:
    return {"name": row.name, "offset_x": row.offset_x, "offset_y": row.offset_y, "stock": row.stock,
            "school": row.school.registration_number if row.school is not None else None}


def label_batch(batch: LabelBatch, tags: list[dict]) -> dict:
    """A pre-printed batch and its tags (``{tag, serial}``: the device each is bound to, once scanned)."""
    return {"id": batch.id, "count": batch.count, "stock": batch.stock, "created_by": batch.created_by,
            "created_at": when(batch.created_at), "bound": sum(1 for t in tags if t["serial"]), "tags": tags}


def outcome(o) -> dict:
    """The answer to a lifecycle action, from ``/devices/{ref}/actions/…`` and ``/scan`` alike."""
    return {"device": device(o.device), "applied": o.applied, "already": o.already, "event": event(o.event)}


def bulk(results: list) -> dict:
    """The answer to ``POST /bulk``: each device's result (``fleet.devices.BulkResult``) and the counts."""
    items = []
    for r in results:
        if r.error is not None:
            items.append({"index": r.index, "ref": r.ref, "result": "error", "code": r.error.code,
                          "message": r.error.localized(api_locale())})
        else:
            items.append({"index": r.index, "ref": r.ref, "result": "already" if r.outcome.already else "applied",
                          "device": device(r.outcome.device)})
    counts = {k: sum(1 for i in items if i["result"] == k) for k in ("applied", "already", "error")}
    return {"items": items, "counts": counts}


def scanned(found) -> dict:
    """The answer to ``/scan``: a look-up (``applied`` false, no event) or the action's outcome."""
    if found.outcome is None:
        return {"device": device(found.device), "applied": False, "already": False, "event": None}
    return outcome(found.outcome)


def refused_scan(r, device) -> dict:
    """A refused scan; its device (serial and asset tag) only when the caller may see it."""
    return {"id": r.id, "at": when(r.at), "actor": r.actor, "action": r.action, "code": r.code,
            "error": {"code": r.error, "message": r.message},
            "device": {"serial": device.serial, "asset_tag": device.asset_tag} if device is not None else None,
            "delivery": r.delivery_id, "shipment": r.shipment_id, "stocktake": r.stocktake_id, "nonce": r.nonce}


def loan(row: Loan, agreement_row: Agreement | None, sign_url: str | None = None) -> dict:
    """A loan, with links to its return act (once there is one) and its agreement's PDF."""
    return {"id": row.id, "status": row.status, "device": row.device.serial, "asset_tag": row.device.asset_tag,
            "pupil": row.pupil_id, "school": row.pupil.school.registration_number, "accessories": row.accessories,
            "condition": row.condition,
            "handed_over_at": when(row.handed_over_at),
            "ended_at": when(row.ended_at),
            "return_condition": row.return_condition, "accessories_missing": row.accessories_missing,
            "return_act": f"/api/v1/loans/{row.id}/return-act.pdf" if row.return_act_sha256 else None,
            "agreement": agreement(agreement_row, sign_url) if agreement_row else None}


def agreement(row: Agreement, sign_url: str | None = None) -> dict:
    """A loan's agreement; ``sign_url`` (the guardian's link) only in the answer that made it."""
    out = {"number": row.number, "status": row.status, "language": row.language,
           "template_version": row.template_version, "sha256": row.original_sha256,
           "signed_sha256": row.signed_sha256, "method": row.method,
           "signed_at": when(row.signed_at),
           "pdf": f"/api/v1/loans/{row.loan_id}/agreement.pdf"}
    if sign_url:
        out["sign_url"] = sign_url
    return out
