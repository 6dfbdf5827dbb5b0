"""factory-boy factories for every model. Devices are created through the lifecycle, so every
factory-made device has a valid history; ``DeviceFactory(status="labelled")`` walks it there."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory

from fleet import lifecycle
from fleet.access import auth
from fleet.models import ApiToken, Contract, Delivery, Device, Event, Founder, Pupil, School, User

_session = None


def bind(session) -> None:
    global _session
    _session = session


def current_session():
    if _session is None:
        raise RuntimeError("factories need the app fixture")
    return _session


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = current_session
        sqlalchemy_session_persistence = "commit"


class FounderFactory(Base):
    class Meta:
        model = Founder

    code = factory.Sequence(lambda n: f"F{n:03d}")
    name = factory.Sequence(lambda n: f"Dienvidkurzemes {n}. novada pašvaldība")


class SchoolFactory(Base):
    class Meta:
        model = School

    registration_number = factory.Sequence(lambda n: f"{4113900000 + n:010d}")
    name = factory.Sequence(lambda n: f"Grobiņas {n}. ģimnāzija")
    founder = factory.SubFactory(FounderFactory)


class ContractFactory(Base):
    class Meta:
        model = Contract

    number = factory.Sequence(lambda n: f"IZM-2022/{n:03d}")
    supplier = "SIA Baltijas Datortehnika"
    funding_source = "rrf"
    unit_price = Decimal("612.40")


class UserFactory(Base):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"lietotājs-{n}")
    role = "admin"
    schools = factory.LazyFunction(list)


class ApiTokenFactory(Base):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = "test"
    token_hash = factory.Sequence(lambda n: auth.hash_token(f"flt_test_{n}"))


def token_for(user: User) -> str:
    session = current_session()
    _, plain = auth.create_token(session, user.name, "test")
    session.commit()
    return plain


# Each status and the actions that lead to it from "expected".
PATHS: dict[str, list[tuple[str, dict]]] = {"expected": []}
PATHS["in_warehouse"] = [("receive", {})]
PATHS["imaged"] = PATHS["in_warehouse"] + [("image", {"image": "win11-edu-v3"})]
PATHS["labelled"] = PATHS["imaged"] + [("label", {})]
PATHS["in_transit"] = PATHS["labelled"] + [("ship", {"school": "{school}"})]
PATHS["at_school"] = PATHS["in_transit"] + [("arrive", {})]
PATHS["on_loan"] = PATHS["at_school"] + [("hand_over", {})]
PATHS["in_repair"] = PATHS["at_school"] + [("repair", {})]
PATHS["lost"] = PATHS["at_school"] + [("report_lost", {})]
PATHS["stolen"] = PATHS["at_school"] + [("report_stolen", {"police_report": "11-2022-0042"})]
PATHS["written_off"] = PATHS["in_warehouse"] + [("write_off", {"reason": "DOA"})]


class DeviceFactory(Base):
    """``DeviceFactory(status=..., school=...)``: registered, then walked through the lifecycle."""

    class Meta:
        model = Device

    serial = factory.Sequence(lambda n: f"PF{n:08d}")
    manufacturer = "Lenovo"
    model = "ThinkPad 11e Yoga Gen 6"
    contract = None

    @classmethod
    def _create(cls, model_class, *args, status: str = "expected", school: School | None = None, **kwargs):
        session = current_session()
        device = lifecycle.register(session, [model_class(*args, **kwargs)], "factory")[0]
        steps = PATHS[status]
        if any(p.get("school") for _, p in steps) and school is None:
            school = SchoolFactory()
        for action, params in steps:
            params = {k: (school.registration_number if v == "{school}" else v) for k, v in params.items()}
            lifecycle.apply(session, device, action, params, "factory", via="loans")
        session.commit()
        return device


class DeliveryFactory(Base):
    """A delivery whose manifest lists ``serials`` (registered as expected devices)."""

    class Meta:
        model = Delivery

    @classmethod
    def _create(cls, model_class, contract: Contract | None = None, serials=("PFD00001", "PFD00002"), **_):
        from provisioning.deliveries import create_delivery
        from provisioning.manifests import ManifestRow

        session = current_session()
        contract = contract or ContractFactory()
        rows = [ManifestRow(line, s, "Lenovo", "ThinkPad 11e") for line, s in enumerate(serials, start=2)]
        delivery = create_delivery(session, contract.number, rows, "factory")
        session.commit()
        return delivery


class EventFactory(Base):
    """Appends a note to a device's history through the lifecycle (events are never made raw)."""

    class Meta:
        model = Event

    @classmethod
    def _create(cls, model_class, device: Device | None = None, text: str = "pārbaude", **_):
        session = current_session()
        device = device or DeviceFactory()
        event = lifecycle.apply(session, device, "note", {"text": text}, "factory").event
        session.commit()
        return event


class PupilFactory(Base):
    """A pupil of a school (a new one unless given), in a target group with no end date."""

    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    register_id = factory.Sequence(lambda n: f"E{n:06d}")
    given_name = factory.Iterator(["Ērika", "Jānis", "Līga", "Ņikita", "Ģirts"])
    family_name = factory.Iterator(["Ņikitina", "Bērziņš", "Kalniņa", "Šmits", "Ozoliņš"])
    grade = "5.b"
    guardian_name = factory.Iterator(["Jānis Bērziņš", "Anna Ņikitina", "Ilze Kalniņa"])
    guardian_email = "vecaks@example.lv"
    eligibility = "large_family"
