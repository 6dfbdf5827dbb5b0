"""The device list and a device's page through the Flask test client: search and filters within the
reader's scope, keyset pages, the CSV export, the actions each role may apply now (done, or refused
with nothing changed), and the active loan shown only to those who lend."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fleet.models import AccessLogEntry, Event
from fleet.web import devices as device_list
from tests.factories import ContractFactory, DeviceFactory, PupilFactory, SchoolFactory, UserFactory, current_session
from tests.page_routes import PageRoute, client_as


def serials(body: str) -> list[str]:
    return re.findall(r'<tr data-serial="([^"]+)"', body)


def post(client, path: str, form: dict):
    return PageRoute("POST", "", path, frozenset(), form=form).call(client, {})


def events_of(device) -> list[str]:
    return list(current_session().scalars(select(Event.action).where(Event.device_id == device.id).order_by(Event.seq)))


# --- the list -------------------------------------------------------------------------------

def test_filters_narrow_the_list(app, session):
    school, other = SchoolFactory(), SchoolFactory()
    contract = ContractFactory()
    a = DeviceFactory(status="at_school", school=school, contract=contract, model="Latitude 3140")
    b = DeviceFactory(status="in_warehouse", contract=contract)
    c = DeviceFactory(status="at_school", school=other)
    client = client_as(app, "warehouse")
    assert serials(client.get("/devices").get_data(as_text=True)) == [a.serial, b.serial, c.serial]
    assert serials(client.get("/devices?status=at_school").get_data(as_text=True)) == [a.serial, c.serial]
    assert serials(client.get(f"/devices?school={other.registration_number}").get_data(as_text=True)) == [c.serial]
    assert serials(client.get(f"/devices?contract={contract.number}").get_data(as_text=True)) == [a.serial, b.serial]
    assert serials(client.get("/devices?model=Latitude+3140").get_data(as_text=True)) == [a.serial]
    body = client.get(f"/devices?status=at_school&contract={contract.number}").get_data(as_text=True)
    assert serials(body) == [a.serial]
    assert "skolā" in body and ">at_school<" not in body  # the status by its Latvian name


def test_a_part_of_a_serial_or_tag_searches_and_an_exact_code_opens_the_device(app, session):
    a = DeviceFactory(serial="PFSEARCH01", status="labelled")
    b = DeviceFactory(serial="PFSEARCH02")
    client = client_as(app, "warehouse")
    assert serials(client.get("/devices?q=search0").get_data(as_text=True)) == [a.serial, b.serial]
    number = a.asset_tag.split("-")[1]
    assert serials(client.get(f"/devices?q={number}").get_data(as_text=True)) == [a.serial]
    for code in (a.serial, a.asset_tag.lower(), f"https://fleet.example.lv/d/{a.asset_tag}"):
        r = client.get("/devices", query_string={"q": code})
        assert r.status_code == 303 and r.headers["Location"] == f"/devices/{a.asset_tag}"
    r = client.get("/devices?q=PFSEARCH02")
    assert r.headers["Location"] == "/devices/PFSEARCH02"  # no tag yet: by its serial
    body = client.get("/devices?q=NOTHING-LIKE-IT").get_data(as_text=True)
    assert 'id="none"' in body


def test_school_it_sees_only_its_schools_devices(app, session):
    school, other = SchoolFactory(), SchoolFactory()
    mine = DeviceFactory(status="at_school", school=school)
    theirs = DeviceFactory(status="at_school", school=other)
    DeviceFactory(status="in_warehouse")
    client = client_as(app, "school_it", school)
    body = client.get("/devices").get_data(as_text=True)
    assert serials(body) == [mine.serial]
    assert f'value="{school.registration_number}"' in body and other.registration_number not in body
    assert serials(client.get(f"/devices?school={other.registration_number}").get_data(as_text=True)) == []
    r = client.get(f"/devices?q={theirs.asset_tag}")  # another school's exact code: no way in
    assert r.status_code == 200 and serials(r.get_data(as_text=True)) == []
    r = client.get(f"/devices/{theirs.asset_tag}")
    assert r.status_code == 404 and 'data-code="not_found"' in r.get_data(as_text=True)
    assert client.get(f"/devices/{mine.asset_tag}").status_code == 200


def test_pages_follow_by_cursor_and_keep_the_filters(app, session, monkeypatch):
    monkeypatch.setattr(device_list, "PAGE_SIZE", 2)
    rows = [DeviceFactory(status="in_warehouse") for _ in range(5)]
    DeviceFactory(status="expected")
    client = client_as(app, "warehouse")
    seen, url = [], "/devices?status=in_warehouse"
    while url:
        body = client.get(url).get_data(as_text=True)
        seen += serials(body)
        found = re.search(r'<a href="([^"]+)" id="next-page"', body)
        url = found.group(1).replace("&amp;", "&") if found else None
        if url:
            assert "status=in_warehouse" in url
    assert seen == [d.serial for d in rows]
    r = client.get("/devices?after=not-a-cursor")
    assert r.status_code == 400 and 'data-code="invalid_input"' in r.get_data(as_text=True)


def test_an_unknown_status_is_refused_in_words(app, session):
    r = client_as(app, "warehouse").get("/devices?status=nowhere")
    assert r.status_code == 400 and 'data-code="invalid_input"' in r.get_data(as_text=True)


# --- the export -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/devices.csv?status=at_school", "/devices?status=at_school&format=csv"])
def test_csv_for_excel_with_the_filters_and_in_the_access_log(app, session, path):
    school = SchoolFactory(name="Grobiņas vidusskola")
    contract = ContractFactory(funding_source="state_budget")
    a = DeviceFactory(status="at_school", school=school, contract=contract, model="=cmd|' /C calc'!A0")
    DeviceFactory(status="in_warehouse")
    client = client_as(app, "ministry")
    r = client.get(path)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == 'attachment; filename="devices.csv"'
    text = r.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    assert lines[0] == ("sērijas Nr.;inventāra Nr.;statuss;skolas reģistrācijas numurs;skolas nosaukums;"
                        "līguma numurs;finansējuma avots;ražotājs;modelis")
    assert lines[1] == (f"{a.serial};{a.asset_tag};skolā;{school.registration_number};Grobiņas vidusskola;"
                        f"{contract.number};Valsts budžets;Lenovo;'=cmd|' /C calc'!A0")
    assert lines[2:] == [""]
    logged = session.scalars(select(AccessLogEntry).where(AccessLogEntry.event == "export")).all()
    assert [(e.actor, e.what) for e in logged][-1][1].startswith("GET /devices")


def test_csv_in_english_and_only_the_scope(app, session):
    school = SchoolFactory()
    mine = DeviceFactory(status="at_school", school=school)
    DeviceFactory(status="at_school")
    client = client_as(app, "school_it", school)
    client.set_cookie("lang", "en")
    text = client.get("/devices.csv").get_data().decode("utf-8")
    header, *rows = text[1:].strip().split("\r\n")
    assert header.startswith("serial number;asset tag;status;")
    assert [r.split(";")[0] for r in rows] == [mine.serial] and ";at school;" in rows[0]


# --- the device page --------------------------------------------------------------------------

@pytest.mark.parametrize(("sql", "seq", "why"), [
    ("UPDATE events SET data = '{\"image\": \"x\"}' WHERE device_id = :d AND seq = 3", "3", "pēc tā ierakstīšanas"),
    ("DELETE FROM events WHERE device_id = :d AND seq = 2", "3", "pirms šī notikuma kāds notikums ir izdzēsts"),
    ("DELETE FROM events WHERE device_id = :d AND seq = 4", "3", "notikumi pēc šī ir izdzēsti"),
    ("UPDATE devices SET status = 'lost' WHERE id = :d", "4", "statuss ir mainīts ārpus tā vēstures"),
])
def test_each_kind_of_broken_history_is_named_in_words(app, session, raw, sql, seq, why):
    """``fleet verify``'s finding for this device, by its kind (never by parsing its English reason)."""
    from sqlalchemy import text

    device = DeviceFactory(status="labelled")
    with raw.begin() as conn:
        conn.execute(text(sql), {"d": device.id})
    body = client_as(app, "admin").get(f"/devices/{device.serial}").get_data(as_text=True)
    verdict = body[body.index('id="verdict"'):][:600]
    assert 'data-verdict="broken"' in verdict and f'data-seq="{seq}"' in verdict and why in verdict

def test_the_page_shows_the_device_and_its_intact_history(app, session):
    school = SchoolFactory(name="Valmieras Pārgaujas ģimnāzija")
    contract = ContractFactory(number="IZM-2022/777", funding_source="rrf")
    device = DeviceFactory(status="at_school", school=school, contract=contract)
    body = client_as(app, "auditor").get(f"/devices/{device.serial}").get_data(as_text=True)
    assert 'data-status="at_school"' in body and "Valmieras Pārgaujas ģimnāzija" in body
    assert "IZM-2022/777" in body and "Atveseļošanas fonds" in body
    assert 'data-verdict="intact"' in body
    seqs = re.findall(r'<tr data-seq="(\d+)" data-action="(\w+)"', body)
    assert seqs[0] == ("6", "arrive") and seqs[-1] == ("1", "register")  # newest first
    assert f'src="/api/v1/devices/{device.asset_tag}/label.png"' in body and 'alt="' in body
    assert f'href="/labels?devices={device.asset_tag}"' in body


def test_label_preview_works_with_the_browser_session(app, session):
    device = DeviceFactory(status="labelled")
    r = client_as(app, "warehouse").get(f"/api/v1/devices/{device.asset_tag}/label.png")
    assert r.status_code == 200 and r.mimetype == "image/png"


def test_a_label_url_opens_the_page(app, session):
    device = DeviceFactory(status="labelled")
    r = client_as(app, "warehouse").get(f"/devices/https://fleet.example.lv/d/{device.asset_tag}")
    assert r.status_code == 200 and f'id="ref">{device.asset_tag}<' in r.get_data(as_text=True)


def without_token(body: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", body)


def forms_on(body: str) -> list[str]:
    return re.findall(r'<form method="post" action="[^"]+" id="form-(\w+)"', body)


@pytest.mark.parametrize(("role", "status", "allowed"), [
    ("warehouse", "labelled", ["note", "ship", "write_off"]),
    ("warehouse", "in_warehouse", ["image", "note", "repair", "write_off"]),
    ("school_it", "at_school", ["note", "repair", "report_lost", "report_stolen", "transfer", "wipe"]),
    ("admin", "lost", ["found", "note", "write_off"]),
    ("ministry", "at_school", []),
    ("auditor", "labelled", []),
])
def test_the_actions_offered_are_the_roles_in_the_status_now(app, session, role, status, allowed):
    school = SchoolFactory()
    device = DeviceFactory(status=status, school=school)
    body = client_as(app, role, school).get(f"/devices/{device.serial}").get_data(as_text=True)
    assert forms_on(body) == allowed
    if not allowed:
        assert 'id="no-actions"' in body


def test_each_form_asks_for_the_actions_parameters(app, session):
    device = DeviceFactory(status="at_school")
    body = client_as(app, "admin").get(f"/devices/{device.serial}").get_data(as_text=True)
    assert 'id="transfer-school" name="school"' in body and "required" in body
    stolen = body[body.index('id="form-report_stolen"'):body.index("</form>", body.index('id="form-report_stolen"'))]
    assert 'name="police_report"' in stolen and 'name="notes"' in stolen and "required" not in stolen
    assert 'id="write_off-reason"' in body and 'id="note-text"' in body
    transfer = body[body.index('id="form-transfer"'):body.index("</form>", body.index('id="form-transfer"'))]
    assert '<select id="transfer-school" name="school" required>' in transfer
    assert f'value="{device.school.registration_number}"' not in transfer  # not to where it is already


def school_options(body: str, action: str) -> list[tuple[str, str]]:
    form = body[body.index(f'id="form-{action}"'):body.index("</form>", body.index(f'id="form-{action}"'))]
    return re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', form)


def test_a_school_is_chosen_from_a_list_and_the_device_shipped_there(app, session):
    device = DeviceFactory(status="labelled")
    first, second = SchoolFactory(name="Aizputes vidusskola"), SchoolFactory(name="Zilupes vidusskola")
    client = client_as(app, "warehouse")
    body = client.get(f"/devices/{device.asset_tag}").get_data(as_text=True)
    assert '<label for="ship-school">Skola' in body
    options = school_options(body, "ship")
    assert (first.registration_number, f"Aizputes vidusskola ({first.registration_number})") in options
    assert options.index((second.registration_number, f"Zilupes vidusskola ({second.registration_number})")) \
        > options.index((first.registration_number, f"Aizputes vidusskola ({first.registration_number})"))  # by name
    r = post(client, f"/devices/{device.asset_tag}/actions/ship", {"school": second.registration_number})
    assert r.status_code == 303
    session.expire_all()
    assert device.status == "in_transit" and device.school_id == second.id


def test_school_it_transfers_to_any_other_school_from_the_list(app, session):
    mine, other = SchoolFactory(), SchoolFactory()
    device = DeviceFactory(status="at_school", school=mine)
    client = client_as(app, "school_it", mine)
    options = [reg for reg, _ in school_options(client.get(f"/devices/{device.serial}").get_data(as_text=True),
                                                "transfer")]
    assert other.registration_number in options and mine.registration_number not in options
    r = post(client, f"/devices/{device.serial}/actions/transfer", {"school": other.registration_number})
    assert r.status_code == 303
    session.expire_all()
    assert device.status == "in_transit" and device.school_id == other.id


def test_an_action_is_applied_and_said_in_words(app, session):
    device = DeviceFactory(status="labelled")
    school = SchoolFactory()
    client = client_as(app, "warehouse")
    r = post(client, f"/devices/{device.asset_tag}/actions/ship", {"school": school.registration_number})
    assert r.status_code == 303 and r.headers["Location"] == f"/devices/{device.asset_tag}"
    session.expire_all()
    assert device.status == "in_transit" and events_of(device)[-1] == "ship"
    body = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'class="flash ok"' in body and "nosūtīt" in body and "ceļā" in body


def test_a_refused_action_shows_why_and_changes_nothing(app, session):
    device = DeviceFactory(status="labelled")
    client = client_as(app, "warehouse")
    before = events_of(device)
    r = post(client, f"/devices/{device.asset_tag}/actions/ship", {"school": "0000000000"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and 'data-code="invalid_input"' in body
    assert '<select id="ship-school"' in body  # the form again, to choose from
    r = post(client, f"/devices/{device.asset_tag}/actions/image", {"image": "win11"})
    assert r.status_code == 409 and 'data-code="invalid_transition"' in r.get_data(as_text=True)
    r = post(client, f"/devices/{device.asset_tag}/actions/transfer", {"school": "0000000000"})
    assert r.status_code == 403 and 'data-code="forbidden"' in r.get_data(as_text=True)  # not the warehouse's
    r = post(client, f"/devices/{device.asset_tag}/actions/hand_over", {})
    assert r.status_code == 403  # the loans' own action
    session.expire_all()
    assert device.status == "labelled" and events_of(device) == before


def test_another_schools_device_cannot_be_acted_on(app, session):
    device = DeviceFactory(status="at_school")
    client = client_as(app, "school_it", SchoolFactory())
    r = post(client, f"/devices/{device.asset_tag}/actions/note", {"text": "x"})
    assert r.status_code == 404 and 'data-code="not_found"' in r.get_data(as_text=True)


# --- the loan --------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "sees"), [("school_it", True), ("admin", True), ("warehouse", False),
                                            ("ministry", False), ("founder_manager", False), ("auditor", False)])
def test_the_active_loan_is_shown_to_those_who_lend(app, session, api_as, role, sees):
    school = SchoolFactory()
    device = DeviceFactory(status="at_school", school=school)
    pupil = PupilFactory(school=school, given_name="Ērika", family_name="Ņikitina")
    r = api_as("school_it", school=school).post("loans", json={"device": device.serial, "pupil": pupil.id,
                                                               "accessories": []})
    assert r.status_code == 201
    client = client_as(app, role, school)
    body = client.get(f"/devices/{device.serial}").get_data(as_text=True)
    assert ("Ņikitina" in body) is sees and ('id="loan"' in body) is sees
    logged = session.scalars(select(AccessLogEntry.what).where(AccessLogEntry.event == "personal_data")).all()
    assert (f"GET /devices/{device.serial}" in logged) is sees


def test_school_it_of_another_school_never_sees_the_loan(app, session, api_as):
    school = SchoolFactory()
    device = DeviceFactory(status="at_school", school=school)
    api_as("school_it", school=school).post("loans", json={"device": device.serial,
                                                           "pupil": PupilFactory(school=school).id, "accessories": []})
    assert client_as(app, "school_it", SchoolFactory()).get(f"/devices/{device.serial}").status_code == 404


# --- /d/<tag> --------------------------------------------------------------------------------

def test_a_label_scanned_by_staff_opens_the_device_page(app, session, client):
    school = SchoolFactory()
    device = DeviceFactory(status="at_school", school=school)
    r = client_as(app, "school_it", school).get(f"/d/{device.asset_tag}")
    assert r.status_code == 303 and r.headers["Location"] == f"/devices/{device.asset_tag}"
    anonymous = client.get(f"/d/{device.asset_tag}").get_data(as_text=True)
    elsewhere = client_as(app, "school_it", SchoolFactory()).get(f"/d/{device.asset_tag}")
    assert elsewhere.status_code == 200 and without_token(elsewhere.get_data(as_text=True)) == without_token(anonymous)
    assert 'id="owner"' in anonymous and 'id="nav"' not in anonymous


def test_the_refused_scans_of_the_device_are_listed(app, session, api_as):
    device = DeviceFactory(status="in_warehouse")
    user = UserFactory(role="warehouse")
    r = api_as(user=user).post("scan", json={"code": device.serial, "action": "ship", "school": "0000000000"})
    assert r.status_code in (400, 409)
    client = client_as(app, "admin")  # an admin sees every refused scan; the scanner its own at /scan
    body = client.get(f"/devices/{device.serial}").get_data(as_text=True)
    assert f'<tr data-code="{r.get_json()["error"]["code"]}">' in body and user.name in body
    other = client_as(app, "warehouse").get(f"/devices/{device.serial}").get_data(as_text=True)
    assert 'id="no-refused"' in other  # another warehouse worker's scan at /scan is not theirs to see


def test_search_text_is_not_a_pattern(app, session):
    DeviceFactory()
    client = client_as(app, "warehouse")
    for text in ("%", "_", "PF%"):
        assert serials(client.get("/devices", query_string={"q": text}).get_data(as_text=True)) == []
