"""Deliveries through the API: manifests in, intake by scan, the reconciliation out."""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event, func, select

from fleet import history
from fleet.models import Delivery, DeliveryItem, DeliveryScan, Device, Event
from tests.conftest import error_code
from tests.factories import (
    ContractFactory,
    DeliveryFactory,
    DeviceFactory,
    UserFactory,
    current_session,
    token_for,
)
from tests.provisioning.test_manifests import csv_bytes, xlsx_bytes


def manifest(*serials):
    return [{"serial": s, "manufacturer": "Lenovo", "model": "ThinkPad 11e"} for s in serials]


def receive(api, delivery_id, code, **kw):
    return api.post(f"deliveries/{delivery_id}/receive", json={"code": code, **kw})


def test_delivery_from_json_registers_expected_devices(api, count):
    contract = ContractFactory()
    r = api.post("deliveries", json={"contract": contract.number, "manifest": manifest("PFD00001", "pfd00002")})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["expected"] == 2
    devices = api.get("devices?status=expected").get_json()["items"]
    assert sorted(d["serial"] for d in devices) == ["PFD00001", "PFD00002"]
    assert {d["contract"] for d in devices} == {contract.number}
    report = api.get(f"deliveries/{r.get_json()['id']}").get_json()
    assert report["counts"] == {"expected": 2, "found": 0, "missing": 2, "unexpected": 0, "repeated": 0, "received": 0}
    assert report["missing"] == ["PFD00001", "PFD00002"] and report["repeated"] == {}


def test_delivery_from_latvian_csv_and_from_xlsx(api, client):
    contract = ContractFactory()
    files = {
        "piegade.csv": csv_bytes(["Sērijas numurs", "Ražotājs", "Modelis"], [("PFC00001", "Dell", "Latitude")],
                                 ";", "cp1257"),
        "manifest.xlsx": xlsx_bytes(["Serial", "Manufacturer", "Model"], [("PFX00001", "HP", "ProBook")]),
    }
    for name, data in files.items():
        r = client.post("/api/v1/deliveries", headers=api.headers,
                        data={"contract": contract.number, "file": (io.BytesIO(data), name)})
        assert r.status_code == 201, r.get_json()
        assert r.get_json()["expected"] == 1
    assert {d["serial"] for d in api.get("devices").get_json()["items"]} == {"PFC00001", "PFX00001"}


def test_a_bad_manifest_imports_nothing_and_names_every_line(api, client, count):
    contract = ContractFactory()
    DeviceFactory(serial="PFOLD001")
    DeliveryFactory(contract=contract, serials=["PFOTHER1"])
    before = (count(Delivery), count(Device), count(DeliveryItem))
    data = csv_bytes(["serial", "model"], [("PFNEW001", "x"), ("PFOLD001", "x"), ("PFOTHER1", "x"), ("x", "y")])
    r = client.post("/api/v1/deliveries", headers=api.headers,
                    data={"contract": contract.number, "file": (io.BytesIO(data), "m.csv")})
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    assert [d["line"] for d in r.get_json()["error"]["details"]] == [5]  # the file's own faults first
    r = client.post("/api/v1/deliveries", headers=api.headers,
                    data={"contract": contract.number, "file": (io.BytesIO(data.replace(b"x,y\r\n", b"")), "m.csv")})
    assert r.get_json()["error"]["details"] == [
        {"line": 3, "message": "serial PFOLD001 is already in the fleet (expected)"},
        {"line": 4, "message": "serial PFOTHER1 is already on delivery 1"},
    ]
    assert (count(Delivery), count(Device), count(DeliveryItem)) == before


def test_a_manifest_is_stored_as_given_and_its_histories_verify(api, session):
    contract = ContractFactory()
    odd = {"manufacturer": 'Dell "Latitude"\\', "model": "ģimnāzijai\t3120\nA", "macs": ["3c:52:82:1a:2b:3c"],
           "po_line": "7\\b"}
    items = [{"serial": f"PFM{i:05d}", "manufacturer": "Lenovo", "model": "ThinkPad 11e"} for i in range(300)]
    r = api.post("deliveries", json={"contract": contract.number, "manifest": [*items, {"serial": "PFODD001", **odd}]})
    assert r.status_code == 201, r.get_json()
    got = api.get("devices/PFODD001").get_json()
    assert (got["manufacturer"], got["model"], got["status"]) == (odd["manufacturer"], odd["model"], "expected")
    first = api.get("devices/PFODD001/events").get_json()["items"][0]
    assert first["action"] == "register"
    assert first["data"] == {"manufacturer": odd["manufacturer"], "model": odd["model"], "contract": contract.number}
    session.commit()
    item = session.scalar(select(DeliveryItem).where(DeliveryItem.serial == "PFODD001"))
    assert (item.line, item.macs, item.po_line) == (302, ["3C:52:82:1A:2B:3C"], "7\\b")
    assert history.verify_all(session) == (301, None)
    assert len(api.get("devices?status=expected&limit=500").get_json()["items"]) == 301


def test_unknown_contract_and_missing_file(api, client):
    r = api.post("deliveries", json={"contract": "NAV-TADA", "manifest": manifest("PFD00001")})
    assert error_code(r) == "invalid_input" and r.get_json()["error"]["details"][0]["field"] == "contract"
    r = client.post("/api/v1/deliveries", headers=api.headers, data={"contract": "x"})
    assert error_code(r) == "invalid_input" and r.get_json()["error"]["details"][0]["field"] == "file"


def test_intake_receives_tags_and_reconciles(api):
    delivery = DeliveryFactory(serials=["PFD00001", "PFD00002", "PFD00003"])
    first = receive(api, delivery.id, "pfd00001")
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["applied"] and not body["unexpected"]
    assert body["device"]["status"] == "in_warehouse" and body["device"]["asset_tag"].startswith("DIB-")
    again = receive(api, delivery.id, "PFD00001").get_json()
    assert again["already"] and not again["applied"]
    surprise = receive(api, delivery.id, "ZZ-NOT-LISTED").get_json()
    assert surprise["applied"] and surprise["unexpected"]
    assert surprise["device"]["status"] == "in_warehouse"
    report = api.get(f"deliveries/{delivery.id}").get_json()
    assert report["missing"] == ["PFD00002", "PFD00003"]
    assert report["unexpected"] == ["ZZ-NOT-LISTED"]
    assert report["counts"]["found"] == 1 and report["counts"]["received"] == 2


def test_a_device_of_another_delivery_is_refused(api):
    mine, theirs = DeliveryFactory(serials=["PFA00001"]), DeliveryFactory(serials=["PFB00001"])
    r = receive(api, mine.id, "PFB00001")
    assert r.status_code == 409 and error_code(r) == "conflict"
    assert "on delivery" in r.get_json()["error"]["message"]
    assert api.get("devices/PFB00001").get_json()["status"] == "expected"
    assert theirs.id != mine.id


def test_close_freezes_the_result_and_refuses_later_scans(api):
    delivery = DeliveryFactory(serials=["PFD00001", "PFD00002"])
    receive(api, delivery.id, "PFD00001")
    closed = api.post(f"deliveries/{delivery.id}/close").get_json()
    assert closed["closed_by"] and closed["closed_at"] and closed["missing"] == ["PFD00002"]
    late = receive(api, delivery.id, "PFD00002")
    assert late.status_code == 409 and error_code(late) == "conflict"
    assert api.get("devices/PFD00002").get_json()["status"] == "expected"
    assert error_code(api.post(f"deliveries/{delivery.id}/close")) == "conflict"
    assert api.get(f"deliveries/{delivery.id}").get_json()["missing"] == ["PFD00002"]


def test_deliveries_page_through_all_of_them_newest_first(api, session):
    """More than the 200 a single answer once held: pages of ?limit= (50 by default) with the cursor
    that devices and shipments use, each delivery exactly once."""
    contract = ContractFactory()
    made = [DeliveryFactory(contract=contract, serials=(f"PFP{i:05d}",)).id for i in range(205)]
    for limit, pages in ((None, 5), ("100", 3), ("500", 1)):
        seen, after, answers = [], None, 0
        while True:
            query = "&".join(f"{k}={v}" for k, v in (("limit", limit), ("after", after)) if v is not None)
            r = api.get("deliveries" + (f"?{query}" if query else ""))
            assert r.status_code == 200, r.get_json()
            body = r.get_json()
            answers += 1
            assert len(body["items"]) == min(int(limit or 50), 205 - len(seen))
            seen += [d["id"] for d in body["items"]]
            after = body["next"]
            if after is None:
                break
        assert seen == sorted(made, reverse=True) and answers == pages, limit


def test_a_bad_deliveries_cursor_or_limit_is_invalid_input(api):
    DeliveryFactory()
    for query, field in (("after=nonsense", "after"), ("after=eyJpZCI6IC0xfQ", "after"), ("limit=0", "limit"),
                         ("limit=501", "limit"), ("limit=abc", "limit"), ("limit=%C2%B2", "limit")):
        r = api.get(f"deliveries?{query}")
        assert r.status_code == 400 and error_code(r) == "invalid_input", query
        assert r.get_json()["error"]["details"][0]["field"] == field, query


def test_unknown_delivery_and_bad_bodies(api):
    assert error_code(api.get("deliveries/999")) == "not_found"
    assert error_code(receive(api, 999, "PFD00001")) == "not_found"
    delivery = DeliveryFactory()
    extra = api.post(f"deliveries/{delivery.id}/receive", json={"code": "PFD00001", "colour": 1})
    assert error_code(extra) == "invalid_input"
    assert error_code(receive(api, delivery.id, "DIB-000001-0")) == "invalid_input"  # a mistyped tag


def test_two_stations_scan_one_delivery_concurrently(pg_app):
    serials = [f"PFS{i:05d}" for i in range(40)]
    delivery = DeliveryFactory(serials=serials)
    token = token_for(UserFactory(role="warehouse"))
    stations = [serials[0::2] + serials[:10], serials[1::2] + serials[:10]]  # each also rescans ten
    barrier = threading.Barrier(2)

    def station(codes):
        client = pg_app.test_client()
        barrier.wait()
        return [client.post(f"/api/v1/deliveries/{delivery.id}/receive", json={"code": c},
                            headers={"Authorization": f"Bearer {token}"}).status_code for c in codes]

    with ThreadPoolExecutor(2) as pool:
        statuses = [s for result in pool.map(station, stations) for s in result]
    assert set(statuses) == {200}
    session = current_session()
    session.commit()
    receives = session.scalar(select(func.count()).select_from(Event).where(Event.action == "receive"))
    assert receives == 40
    headers = {"Authorization": f"Bearer {token}"}
    report = pg_app.test_client().get(f"/api/v1/deliveries/{delivery.id}", headers=headers).get_json()
    assert report["counts"]["found"] == 40 and report["missing"] == [] and report["unexpected"] == []


def test_two_stations_racing_on_an_unexpected_serial(pg_app):
    """Both stations scan a serial that is on no manifest and not in the fleet, at the same moment:
    one registers and receives it, the other waits on the unique serial and answers ``already``."""
    delivery = DeliveryFactory(serials=["PFR00001"])
    token = token_for(UserFactory(role="warehouse"))
    engine = pg_app.extensions["fleet.engine"]
    attempts, second_arrived = [], threading.Event()  # the threads that began to register the serial

    def before(conn, cursor, statement, *args):
        if "nextval(pg_get_serial_sequence('devices'" in statement:  # a registration begins
            attempts.append(threading.get_ident())
            if len(attempts) == 2:
                second_arrived.set()
        elif statement.startswith("UPDATE devices") and attempts[:1] == [threading.get_ident()]:
            second_arrived.wait(5)  # the first keeps its new device uncommitted until the other station tries too

    barrier = threading.Barrier(2)

    def station(_):
        client = pg_app.test_client()
        barrier.wait()
        r = client.post(f"/api/v1/deliveries/{delivery.id}/receive", json={"code": "ZZ-RACE-001"},
                        headers={"Authorization": f"Bearer {token}"})
        return r.status_code, r.get_json()

    event.listen(engine, "before_cursor_execute", before)
    try:
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(station, range(2)))
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert len(attempts) == 2, "both stations should have tried to register the serial"
    assert [status for status, _ in results] == [200, 200], results
    outcomes = sorted((b["applied"], b["already"], b["unexpected"]) for _, b in results)
    assert outcomes == [(False, True, True), (True, False, True)]
    assert len({b["device"]["asset_tag"] for _, b in results}) == 1
    session = current_session()
    session.commit()
    assert session.scalar(select(func.count()).select_from(Device).where(Device.serial == "ZZ-RACE-001")) == 1
    assert session.scalar(select(func.count()).select_from(Event).where(Event.action == "receive")) == 1
    report = pg_app.test_client().get(f"/api/v1/deliveries/{delivery.id}",
                                      headers={"Authorization": f"Bearer {token}"}).get_json()
    assert report["unexpected"] == ["ZZ-RACE-001"] and report["repeated"] == {"ZZ-RACE-001": 2}
    assert history.verify_all(session) == (2, None)


def test_the_report_as_csv(api):
    delivery = DeliveryFactory(serials=["PFD00001", "PFD00002"])
    receive(api, delivery.id, "PFD00001")
    receive(api, delivery.id, "ZZ-EXTRA-1")
    receive(api, delivery.id, "pfd00001")
    r = api.get(f"deliveries/{delivery.id}/report.csv?sep=comma&lang=en")  # for machines: commas, no BOM
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert 'filename="delivery-' in r.headers["Content-Disposition"]
    lines = [line.split(",") for line in r.get_data(as_text=True).splitlines()]
    assert lines[0] == ["serial number", "result", "asset tag", "status", "scans"]
    assert [(x[0], x[1], x[3], x[4]) for x in lines[1:]] == [
        ("PFD00001", "found", "in the warehouse", "2"), ("PFD00002", "missing", "expected", "0"),
        ("ZZ-EXTRA-1", "unexpected", "in the warehouse", "1"),
    ]
    assert lines[1][2].startswith("DIB-") and lines[2][2] == ""
    assert error_code(api.get("deliveries/999/report.csv")) == "not_found"


def test_every_intake_scan_is_kept_and_repeats_are_counted(api, count):
    delivery = DeliveryFactory(serials=["PFD00001", "PFD00002", "PFD00003"])
    tag = receive(api, delivery.id, "PFD00001").get_json()["device"]["asset_tag"]
    for code in ("PFD00002", tag, "ZZ-EXTRA-1", "zz-extra-1", f"https://fleet.example.lv/d/{tag}"):
        r = receive(api, delivery.id, code)
        assert r.status_code == 200, r.get_json()
    assert count(DeliveryScan) == 6
    report = api.get(f"deliveries/{delivery.id}").get_json()
    assert report["repeated"] == {"PFD00001": 3, "ZZ-EXTRA-1": 2}
    assert report["counts"] == {"expected": 3, "found": 2, "missing": 1, "unexpected": 1, "repeated": 2, "received": 3}
    assert report["missing"] == ["PFD00003"] and report["unexpected"] == ["ZZ-EXTRA-1"]
    receives = count(Event, Event.action == "receive")
    assert receives == 3  # repeats are kept as scans, never as second receive events
    closed = api.post(f"deliveries/{delivery.id}/close").get_json()
    assert closed["repeated"] == {"PFD00001": 3, "ZZ-EXTRA-1": 2} and closed["counts"]["repeated"] == 2


def test_a_retried_scan_is_not_a_second_scan(api, count):
    delivery = DeliveryFactory(serials=["PFD00001"])
    first = receive(api, delivery.id, "PFD00001", nonce="st1-0001").get_json()
    retry = receive(api, delivery.id, "PFD00001", nonce="st1-0001").get_json()
    assert first["applied"] and retry["already"] and retry["event"]["seq"] == first["event"]["seq"]
    assert count(DeliveryScan) == 1
    assert api.get(f"deliveries/{delivery.id}").get_json()["repeated"] == {}
    assert receive(api, delivery.id, "PFD00001", nonce="st2-0001").get_json()["already"]  # scanned again
    assert api.get(f"deliveries/{delivery.id}").get_json()["repeated"] == {"PFD00001": 2}


def test_a_refused_scan_is_not_kept(api, count):
    mine, theirs = DeliveryFactory(serials=["PFA00001"]), DeliveryFactory(serials=["PFB00001"])
    assert error_code(receive(api, mine.id, "PFB00001")) == "conflict"
    assert error_code(receive(api, mine.id, "DIB-000001-0")) == "invalid_input"
    assert count(DeliveryScan) == 0
    assert api.get(f"deliveries/{mine.id}").get_json()["counts"]["received"] == 0
    assert theirs.id != mine.id


def test_a_device_received_outside_the_intake_counts_as_found(api):
    delivery = DeliveryFactory(serials=["PFD00001", "PFD00002"])
    r = api.post("devices/PFD00001/actions/receive", json={})
    assert r.status_code == 200, r.get_json()
    report = api.get(f"deliveries/{delivery.id}").get_json()
    assert report["counts"]["found"] == 1 and report["missing"] == ["PFD00002"] and report["repeated"] == {}
    assert error_code(receive(api, delivery.id, "PFD00001")) == "invalid_transition"  # received already, not here
    assert api.get(f"deliveries/{delivery.id}").get_json()["counts"]["found"] == 1
