"""The rows of the role × page table (tests/fleet/web/test_page_access.py) and what they need: each
area lists its pages in ``tests/**/page_routes_<area>.py`` as ``PAGE_ROUTES = [PageRoute(...)]``.

A row's ``path`` may name the objects of ``page_world()``: {school}, {serial}, {tag}, {delivery},
{shipment}, {stocktake} (a shipment in transit to {school}, a stocktake open at it, a device at it),
{pupil}, {class} and {loan} (a pupil of {school} in class {class}, lent a laptop under loan {loan},
its agreement awaiting signature).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fleet.access import sessions
from tests.factories import (
    ContractFactory,
    DeliveryFactory,
    DeviceFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    current_session,
)

EVERYONE = frozenset({"admin", "warehouse", "school_it", "ministry", "founder_manager", "auditor"})


@dataclass(frozen=True)
class PageRoute:
    """One call of one page route: ``roles`` get ``ok``, every other role the 403 page ``forbidden``;
    school_it and founder_manager of another school get ``elsewhere`` (404) when it is set. ``rule`` is
    the route as ``app.url_map`` spells it. A POST sends ``form`` (the CSRF field is added)."""

    method: str
    rule: str
    path: str
    roles: frozenset[str]
    ok: int = 200
    elsewhere: int | None = None
    form: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def call(self, client, world: dict):
        path = self.path.format_map(world)
        if self.method == "GET":
            return client.get(path)
        with client.session_transaction() as s:
            token = s.setdefault("csrf", "test-csrf-token")
        data = {k: v.format_map(world) if isinstance(v, str) else v for k, v in self.form.items()}
        return client.post(path, data={**data, "csrf_token": token})


def client_as(app, role: str, school=None):
    """A test client with a browser session of a new member of staff of ``role`` (of ``school``)."""
    manager = role == "founder_manager" and school is not None  # tied to the school's founder, not the school
    user = UserFactory(role=role, schools=[school] if school is not None and not manager else [],
                       founders=[school.founder] if manager else [])
    db_session = current_session()
    plain = sessions.start(db_session, user, app.config["FLEET"])
    db_session.commit()
    client = app.test_client()
    with client.session_transaction() as s:
        s["sid"] = plain
    return client


def page_world() -> dict:
    """A school with a device, a delivery, a shipment in transit to it, a stocktake open at it, and a
    pupil with a laptop on loan."""
    from fleet.access.policy import Principal, Scope
    from fleet.lending import loans
    from provisioning.shipments import create_shipment
    from provisioning.stocktakes import start

    everyone = Scope.of(Principal(0, "factory", "admin"))
    school = SchoolFactory()
    device = DeviceFactory(status="at_school", school=school)
    delivery = DeliveryFactory(contract=ContractFactory(), serials=["PG-DLV-0001"])
    db_session = current_session()
    shipment = create_shipment(db_session, everyone, school.registration_number,
                               [DeviceFactory(status="labelled").serial])
    stocktake = start(db_session, everyone, school.registration_number)
    admin = admin_world(db_session, school)
    pupil = PupilFactory(school=school, grade="7.b")
    lent = DeviceFactory(status="at_school", school=school)
    handed = loans.hand_over(db_session, everyone, loans.HandOver(lent.serial, pupil.id, ["charger"]),
                             "http://fleet.example.lv")
    db_session.commit()
    return {"school": school.registration_number, "serial": device.serial, "tag": device.asset_tag,
            "delivery": delivery.id, "shipment": shipment.id, "stocktake": stocktake.id, "_school": school,
            "pupil": pupil.id, "class": pupil.grade, "loan": handed.loan.id, **admin}


def admin_world(db_session, school) -> dict:
    """What the /admin pages' rows name: a printer at {school} ({printer}), a user ({user}, {user_name}) with an
    API token ({token}), and the school's founder ({founder})."""
    from fleet.access import auth
    from fleet.labelling.printers import PrinterScope, save_printer

    printer = save_printer(db_session, {"name": f"printer {school.registration_number}",
                                        "school": school.registration_number}, PrinterScope(None))
    user = UserFactory(role="warehouse", name="page-world-user")
    token, _ = auth.create_token(db_session, user.name, "world")
    return {"printer": printer.id, "user": user.id, "user_name": user.name, "token": token.id,
            "founder": school.founder.code}
