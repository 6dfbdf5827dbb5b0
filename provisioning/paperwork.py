"""What provisioning's printed documents say: a delivery's reconciliation report and a shipment's
packing list, as plain data for the print shop (``labels.documents``: reconciliation, packing_list).

Their words are fleet's messages (``fleet.i18n``, context "delivery report" / "packing list"), printed
"Latvian / English" as every provisioning list is; funding sources by their display names."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import display_names
from fleet.asset_tags import in_number_order
from fleet.i18n import LOCALES, Text, _lp
from fleet.models import Delivery, Device, Shipment, shipment_items
from labels import documents
from provisioning import deliveries


def both(text: Text | str) -> str:
    """"Latvian / English"."""
    return " / ".join(text.in_(locale) if isinstance(text, Text) else text for locale in LOCALES)


def _funding(code: str) -> str:
    return " / ".join(dict.fromkeys(display_names.name("funding", code, locale) for locale in LOCALES))


def _day(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def delivery_report(session: Session, delivery: Delivery, report: dict | None = None) -> documents.Reconciliation:
    """What the delivery report says (``report``: ``deliveries.report``'s figures, when the caller has them)."""
    report = report or deliveries.report(session, delivery)
    counts, contract = report["counts"], delivery.contract
    closed = both(_lp("delivery report", "Closed"))  # outside the f-string, where pybabel can read it
    status = (f"{closed} {_day(delivery.closed_at)}, {delivery.closed_by}"
              if delivery.closed_at else both(_lp("delivery report", "Open: figures as of now")))
    return documents.Reconciliation(
        title=both(_lp("delivery report", "Delivery %(number)s", number=delivery.id)),
        facts=[(both(_lp("delivery report", "Contract")), contract.number),
               (both(_lp("delivery report", "Supplier")), contract.supplier),
               (both(_lp("delivery report", "Funding")), _funding(contract.funding_source)),
               (both(_lp("delivery report", "Created")), f"{_day(delivery.created_at)}, {delivery.created_by}")],
        expected=counts["expected"], found=counts["found"], missing=report["missing"],
        unexpected=report["unexpected"], scanned_twice=sorted(report["repeated"]), status=status)


def packing_list(session: Session, shipment: Shipment) -> documents.PackingList:
    rows = session.scalars(select(Device).join(shipment_items, shipment_items.c.device_id == Device.id)
                           .where(shipment_items.c.shipment_id == shipment.id)
                           .order_by(*in_number_order(Device.asset_tag))).unique()
    school = shipment.school
    sender = (f"{shipment.from_school.name} ({shipment.from_school.registration_number})" if shipment.from_school
              else both(_lp("packing list", "Central warehouse")))
    return documents.PackingList(
        title=both(_lp("packing list", "Packing list: shipment %(number)s", number=shipment.id)),
        sender=sender, recipient=f"{school.name} ({school.registration_number})", founder=school.founder.name,
        date=shipment.created_at.strftime("%Y-%m-%d"),
        items=[documents.PackingItem(d.serial, d.asset_tag or "", " ".join(p for p in (d.manufacturer, d.model) if p))
               for d in rows])
