"""No N+1 queries: every report (``fleet.reports.names()``) and every list (``fleet.reports.lists.LISTS``) asked
through the API, for every school and for one founder, runs the same number of SQL statements over 3 schools as
over 30 (each with lent devices signed and unsigned, a device in repair, one no one has seen, one on another
fund's register; for the connectivity report a submitted survey answer and measurements on Wi-Fi and cable).
The endpoints are discovered, so reports and lists added later are covered. Statements are
counted with SQLAlchemy's ``before_cursor_execute`` on the app's engine. Run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event

from fleet.access.policy import Principal, Scope
from fleet.lending import agreements, loans
from fleet.models import OtherFundSerial, SurveyRound, clock
from fleet.reports import counting, names, rollup
from tests.factories import ContractFactory, DeviceFactory, FounderFactory, PupilFactory, SchoolFactory
from tests.fleet.reports import connectivity_world as cw

EVERYONE = Scope.of(Principal(0, "factory", "admin"))
URL = "https://fleet.example.lv"
SMALL, LARGE = 3, 30


def riga(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=counting.RIGA).astimezone(UTC)


def lend(session, school, contract, day: str, signed: bool):
    device = DeviceFactory(status="at_school", school=school, contract=contract)
    with clock(lambda: riga(f"{day} 10:00")):
        done = loans.hand_over(session, EVERYONE, loans.HandOver(device.serial, PupilFactory(school=school).id), URL)
    if signed:
        with clock(lambda: riga(f"{day} 18:00")):
            agreements.sign(session, done.agreement, "link", "Anna Ozola", kind="typed", typed_name="Anna Ozola",
                            is_guardian=True, consent=True)
    return device


def survey_round(session) -> SurveyRound:
    """The connectivity survey's round (made once)."""
    found = session.query(SurveyRound).filter_by(code="2024").one_or_none()
    if found is None:
        found = SurveyRound(code="2024", title="2024", opens_on=cw.AS_OF, deadline=cw.AS_OF, budget=5000)
        session.add(found)
        session.flush()
    return found


def world(session, schools: int) -> str:
    """``schools`` schools under two founders, each with a bit of everything the reports count; the first
    founder's code."""
    founders = [FounderFactory(), FounderFactory()]
    contract = ContractFactory()
    connectivity = survey_round(session)
    for n in range(schools):
        school = SchoolFactory(founder=founders[n % 2])
        device = lend(session, school, contract, f"2022-{n % 12 + 1:02d}-10", signed=True)
        lend(session, school, contract, f"2023-{n % 12 + 1:02d}-11", signed=False)
        DeviceFactory(status="in_repair", school=school, contract=contract)
        DeviceFactory(status="at_school", school=school, contract=contract)
        cw.answer(session, connectivity, school, cw.ANSWERS)
        for days in range(3):  # the report's day is today: these are recent
            cw.measure(session, school, 450 - 100 * (n % 4), 90, "cable", days + (cw.AS_OF - counting.today()).days)
            cw.measure(session, school, 40 + n, 30, "wifi", days + (cw.AS_OF - counting.today()).days)
        if n % 3 == 0:
            session.add(OtherFundSerial(serial=device.serial, source="react_eu", reference="REACT-EU", imported_by="t"))
    session.commit()
    rollup.refresh(session)
    session.commit()
    return founders[0].code


def endpoints(founder: str) -> list[str]:
    paths = []
    for name in names():
        paths += [f"reports/{name}", f"reports/{name}?founder={founder}", f"reports/{name}.csv"]
    from fleet.reports.lists import LISTS

    for name, spec in LISTS.items():
        query = "limit=100" if spec.default_days is None else "limit=100&days=0"  # every row on one page
        paths += [f"reports/lists/{name}?{query}", f"reports/lists/{name}?{query}&founder={founder}"]
    return paths


def statements(app, api, paths: list[str]) -> dict[str, int]:
    """The statements each path runs (asked twice: the second, warm, is counted)."""
    engine, counted = app.extensions["fleet.engine"], {}
    current = []

    def count(*_):
        current.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        for path in paths:
            assert api.get(path).status_code == 200, path
            current.clear()
            r = api.get(path)
            assert r.status_code == 200, (path, r.get_data(as_text=True)[:300])
            counted[path.replace(founder_code(path), "F")] = len(current)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counted


def founder_code(path: str) -> str:
    return path.split("founder=")[1] if "founder=" in path else "\x00"


def test_statements_do_not_grow_with_the_data(app, api_as, session):
    api = api_as("admin")
    founder = world(session, SMALL)
    small = statements(app, api, endpoints(founder))
    founder = world(session, LARGE - SMALL)
    large = statements(app, api, endpoints(founder))
    assert small and small.keys() == large.keys()
    grew = {path: (small[path], large[path]) for path in small if large[path] > small[path]}
    assert not grew, f"statements grew with the data (3 → 30 schools): {grew}"


def test_the_connectivity_world_is_measured(api_as, session):
    """The statements above are counted over schools the connectivity report diagnoses (not all ``no_data``)."""
    world(session, SMALL)
    items = api_as("admin").get("reports/connectivity").get_json()["items"]
    assert len(items) == SMALL and {i["diagnosis"] for i in items} - {"no_data"}
