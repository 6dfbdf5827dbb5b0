"""JSON representations of the models, as the API answers them."""

from __future__ import annotations

from datetime import datetime

from fleet.models import Agreement, Contract, Device, Event, Founder, Loan, School


def when(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def founder(f: Founder) -> dict:
    return {"code": f.code, "name": f.name}


def school(s: School) -> dict:
    return {"registration_number": s.registration_number, "name": s.name, "founder": s.founder.code}


def contract(c: Contract) -> dict:
    return {
        "number": c.number, "supplier": c.supplier, "funding_source": c.funding_source,
        "unit_price": f"{c.unit_price:.2f}", "signed_on": c.signed_on.isoformat() if c.signed_on else None,
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
    return {"items": items, "next": next_cursor}


def outcome(o) -> dict:
    """The answer to a lifecycle action, from ``/devices/{ref}/actions/…`` and ``/scan`` alike."""
    return {"device": device(o.device), "applied": o.applied, "already": o.already, "event": event(o.event)}


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
