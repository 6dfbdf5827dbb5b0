"""The API fuzzed against its own OpenAPI document (schemathesis), on SQLite and PostgreSQL, as each role.

Every operation of ``GET /api/v1/openapi.json`` is called with data generated from the document —
valid data, invalid data (schemathesis' negative mode) and valid data aimed at the seeded world's
own rows (a real loan, pupil, delivery, shipment, stocktake, printer, device) — with a bearer token
of each role. Each answer must not be a 500, must carry a status code, a content type, headers and
a body that the document declares for that operation. The requests go straight into the WSGI app
(no server); Hypothesis is derandomised and does not shrink, so a run is the same every time and
bounded: ``EXAMPLES`` cases per operation and role.

A failing run lists every operation that failed with the case that broke it (a curl line to repeat
it), not just the first.
"""

from __future__ import annotations

import dataclasses
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories
from tests.conftest import Api

DOCUMENT = "/api/v1/openapi.json"
ROLES = ("admin", "warehouse", "school_it", "ministry", "founder_manager", "auditor")
# Cases per operation: the roles that reach deep into the handlers get more of them. FLEET_FUZZ_SCALE=20
# multiplies them for a deeper run by hand.
SCALE = int(os.environ.get("FLEET_FUZZ_SCALE", "1"))
EXAMPLES = {"admin": 12, "warehouse": 6, "school_it": 6, "ministry": 3, "founder_manager": 3, "auditor": 3}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]


@dataclasses.dataclass
class World:
    """What the seeded world holds: a token per role, path parameters naming real rows, and bodies
    that succeed (for the roles that may) against those rows, by operation."""

    tokens: dict[str, str]
    known: dict[str, object]
    bodies: dict[str, dict]


def _seed(client) -> World:
    """Devices in several states at a school and in the warehouse, a pupil with a loan, a delivery,
    a shipment in transit, a stocktake and a printer; one user (and token) per role."""
    founder = factories.FounderFactory()
    school = factories.SchoolFactory(founder=founder)
    other = factories.SchoolFactory()
    at_school = [factories.DeviceFactory(status="at_school", school=school) for _ in range(4)]
    labelled = [factories.DeviceFactory(status="labelled") for _ in range(3)]
    for status in ("expected", "in_warehouse", "imaged"):
        factories.DeviceFactory(status=status)
    for status in ("in_repair", "lost"):
        factories.DeviceFactory(status=status, school=school)
    factories.DeviceFactory(status="at_school", school=other)
    pupil = factories.PupilFactory(school=school)
    second, third = factories.PupilFactory(school=school, grade="6.a"), factories.PupilFactory(school=school)
    delivery = factories.DeliveryFactory()

    users = {role: factories.UserFactory(role=role, schools=[school] if role == "school_it" else [])
             for role in ROLES if role != "founder_manager"}
    manager = factories.UserFactory(role="founder_manager")
    manager.founders = [founder]
    factories.current_session().commit()
    users["founder_manager"] = manager
    tokens = {role: factories.token_for(user) for role, user in users.items()}

    admin = Api(client, tokens["admin"])
    loan = _made(admin.post("loans", json={"device": at_school[0].serial, "pupil": pupil.id,
                                           "accessories": ["charger", "bag"]}))
    shipment = _made(admin.post("shipments", json={"school": school.registration_number,
                                                   "devices": [labelled[0].serial]}))
    stocktake = _made(admin.post("stocktakes", json={"school": school.registration_number}))
    _made(admin.post("printers", json={"name": "Noliktava"}))
    known = {"loan_id": loan["id"], "pupil_id": pupil.id, "delivery_id": delivery.id, "shipment_id": shipment["id"],
             "stocktake_id": stocktake["id"], "reg": school.registration_number,
             "registration_number": school.registration_number, "code": founder.code, "name": "Noliktava",
             "ref": at_school[1].serial, "number": delivery.contract.number}
    returned = {"condition": "good", "accessories_returned": ["charger"]}
    bodies = {
        "POST /loans": {"device": at_school[1].serial, "pupil": second.id, "accessories": ["charger"]},
        "POST /loans/class": {"pairs": [{"pupil": third.id, "device": at_school[2].serial}], "language": "en"},
        "POST /loans/{loan_id}/return": returned,
        "POST /loans/{loan_id}/swap": {"device": at_school[3].serial, "condition": "damaged"},
        "POST /loans/collect": {"code": at_school[0].serial, **returned},
        "POST /shipments": {"school": school.registration_number, "devices": [labelled[1].serial]},
        "POST /shipments/{shipment_id}/arrive": {"code": labelled[0].serial, "nonce": "stacija-1"},
        "POST /deliveries/{delivery_id}/receive": {"code": "PFD00001"},
        "POST /deliveries": {"contract": delivery.contract.number, "manifest": [{"serial": "PFN00001"}]},
        "POST /stocktakes/{stocktake_id}/scan": {"code": at_school[3].serial},
        "POST /stocktakes": {},
        "POST /schools/{reg}/pupils": {"register_id": "E-900", "given_name": "Līva", "family_name": "Ozola",
                                       "grade": "5.a", "guardian": {"name": "Ilze Ozola"}},
        "PATCH /pupils/{pupil_id}": {"grade": "5.c"},
    }
    return World(tokens, known, bodies)


def _made(response) -> dict:
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _strategy(operation, token: str, world: World):
    """Valid cases, invalid ones, valid ones whose path names the seeded world's rows, and the body
    that succeeds there (once: the world changes as the cases run)."""
    headers = {"Authorization": f"Bearer {token}"}
    strategies = [operation.as_strategy(GenerationMode.POSITIVE, headers=headers),
                  operation.as_strategy(GenerationMode.NEGATIVE, headers=headers)]
    names = {p.name for p in operation.path_parameters}
    if names <= world.known.keys():
        path = {n: world.known[n] for n in names}
        if names:
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, headers=headers, path_parameters=path))
        if operation.label in world.bodies:
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, headers=headers, path_parameters=path,
                                                    body=world.bodies[operation.label], media_type="application/json"))
    return st.one_of(strategies)


def _fuzz(operation, token: str, world: World, examples: int) -> str | None:
    """Run one operation; the first failure's report, or None."""

    @settings(max_examples=examples, derandomize=True, deadline=None, database=None, print_blob=False,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
              verbosity=Verbosity.quiet)
    @given(case=_strategy(operation, token, world))
    def run(case):
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as e:  # noqa: BLE001  (a check's FailureGroup, or the app's own error)
        notes = "".join(getattr(e, "__notes__", ()))  # the app's own exception: schemathesis adds the curl here
        return f"{operation.label}: {type(e).__name__}: {e}{notes}"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented(app, client, role):
    world = _seed(client)
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)
    closing_last = lambda op: op.label.endswith("/close")  # noqa: E731  (a closed delivery refuses its scans)
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=closing_last)
    assert len(operations) > 50, "the document should describe the whole API"
    failures = [f for op in operations if (f := _fuzz(op, world.tokens[role], world, EXAMPLES[role] * SCALE))]
    assert not failures, f"{len(failures)} of {len(operations)} operations failed:\n\n" + "\n\n".join(failures)
