"""Stocktakes: what was found, what is missing (with its last event), what turned up unexpected."""

from tests.conftest import error_code
from tests.factories import DeviceFactory, SchoolFactory


def test_a_school_stocktake(api_as, api):
    school, elsewhere = SchoolFactory(), SchoolFactory()
    here = [DeviceFactory(status="at_school", school=school) for _ in range(3)]
    lent = DeviceFactory(status="on_loan", school=school)
    stray = DeviceFactory(status="at_school", school=elsewhere)
    it = api_as("school_it", school=school)
    started = it.post("stocktakes", json={"school": school.registration_number})
    assert started.status_code == 201, started.get_json()
    stocktake = started.get_json()
    assert stocktake["counts"]["expected"] == 4 and stocktake["counts"]["found"] == 0
    for code in (here[0].serial, here[1].asset_tag, lent.serial, here[0].serial):
        r = it.post(f"stocktakes/{stocktake['id']}/scan", json={"code": code})
        assert r.status_code == 200, r.get_json()
    assert error_code(it.post(f"stocktakes/{stocktake['id']}/scan", json={"code": stray.serial})) == "not_found"
    assert api.post(f"stocktakes/{stocktake['id']}/scan", json={"code": stray.serial}).status_code == 200  # admin
    result = it.get(f"stocktakes/{stocktake['id']}").get_json()
    assert sorted(result["found"]) == sorted([here[0].serial, here[1].serial, lent.serial])
    assert [(m["serial"], m["status"], m["last_event"]["action"]) for m in result["missing"]] == [
        (here[2].serial, "at_school", "arrive")]
    assert [(u["serial"], u["school"]) for u in result["unexpected"]] == [(stray.serial, elsewhere.registration_number)]
    assert result["repeated"] == {here[0].serial: 2}
    history = api.get(f"devices/{here[0].serial}/events").get_json()["items"]
    assert history[-1]["action"] == "audited" and history[-1]["data"] == {"stocktake": stocktake["id"]}
    assert api.get(f"devices/{here[0].serial}").get_json()["status"] == "at_school"


def test_closing_freezes_and_refuses_later_scans(api_as):
    school = SchoolFactory()
    device = DeviceFactory(status="at_school", school=school)
    it = api_as("school_it", school=school)
    stocktake = it.post("stocktakes", json={"school": school.registration_number}).get_json()["id"]
    closed = it.post(f"stocktakes/{stocktake}/close").get_json()
    assert closed["closed_by"] and [m["serial"] for m in closed["missing"]] == [device.serial]
    assert error_code(it.post(f"stocktakes/{stocktake}/scan", json={"code": device.serial})) == "conflict"
    assert error_code(it.post(f"stocktakes/{stocktake}/close")) == "conflict"


def test_the_warehouse_counts_its_own_shelves(api_as):
    shelf = [DeviceFactory(status="in_warehouse"), DeviceFactory(status="labelled")]
    DeviceFactory(status="at_school")
    warehouse = api_as("warehouse")
    stocktake = warehouse.post("stocktakes", json={}).get_json()
    assert sorted(stocktake["missing"][i]["serial"] for i in range(2)) == sorted(d.serial for d in shelf)
    r = warehouse.post("stocktakes", json={"school": SchoolFactory().registration_number})
    assert r.status_code == 403 and error_code(r) == "forbidden"
    assert error_code(warehouse.post("stocktakes", json={"school": "0000000000"})) == "invalid_input"


def test_a_missing_devices_last_event_is_in_utc_with_z_before_and_after_closing(api_as):
    school = SchoolFactory()
    DeviceFactory(status="at_school", school=school)
    it = api_as("school_it", school=school)
    started = it.post("stocktakes", json={"school": school.registration_number}).get_json()
    assert started["missing"] == [] or started["missing"][0]["last_event"]["at"].endswith("Z")
    counted = it.get(f"stocktakes/{started['id']}").get_json()
    closed = it.post(f"stocktakes/{started['id']}/close").get_json()
    for result in (counted, closed, it.get(f"stocktakes/{started['id']}").get_json()):
        (missing,) = result["missing"]
        assert missing["last_event"]["at"].endswith("Z") and "+00:00" not in missing["last_event"]["at"]
