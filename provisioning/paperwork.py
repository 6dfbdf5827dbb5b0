"""What provisioning's printed documents say: a delivery's reconciliation report and a shipment's
packing list, as plain data for the print shop (``labels.documents``: reconciliation, packing_list)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.asset_tags import in_number_order
from fleet.models import Delivery, Device, Shipment, shipment_items
from labels import documents
from provisioning import deliveries

FUNDING = {"rrf": "Atveseļošanas fonds / Recovery Fund", "state_budget": "Valsts budžets / State budget",
           "react_eu": "REACT-EU", "municipal": "Pašvaldība / Municipality"}


def _day(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def delivery_report(session: Session, delivery: Delivery) -> documents.Reconciliation:
    report = deliveries.report(session, delivery)
    counts, contract = report["counts"], delivery.contract
    status = (f"Slēgta / Closed {_day(delivery.closed_at)}, {delivery.closed_by}" if delivery.closed_at
              else "Atvērta: skaitļi uz šo brīdi / Open: figures as of now")
    return documents.Reconciliation(
        title=f"Piegāde {delivery.id} / Delivery {delivery.id}",
        facts=[("Līgums / Contract", contract.number), ("Piegādātājs / Supplier", contract.supplier),
               ("Finansējums / Funding", FUNDING.get(contract.funding_source, contract.funding_source)),
               ("Izveidota / Created", f"{_day(delivery.created_at)}, {delivery.created_by}")],
        expected=counts["expected"], found=counts["found"], missing=report["missing"],
        unexpected=report["unexpected"], scanned_twice=sorted(report["repeated"]), status=status)


def packing_list(session: Session, shipment: Shipment) -> documents.PackingList:
    rows = session.scalars(select(Device).join(shipment_items, shipment_items.c.device_id == Device.id)
                           .where(shipment_items.c.shipment_id == shipment.id)
                           .order_by(*in_number_order(Device.asset_tag))).unique()
    school = shipment.school
    sender = (f"{shipment.from_school.name} ({shipment.from_school.registration_number})" if shipment.from_school
              else "Centrālā noliktava / Central warehouse")
    return documents.PackingList(
        title=f"Pavadzīme: sūtījums {shipment.id} / Packing list: shipment {shipment.id}",
        sender=sender, recipient=f"{school.name} ({school.registration_number})", founder=school.founder.name,
        date=shipment.created_at.strftime("%Y-%m-%d"),
        items=[documents.PackingItem(d.serial, d.asset_tag or "", " ".join(p for p in (d.manufacturer, d.model) if p))
               for d in rows])
