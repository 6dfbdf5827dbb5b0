"""Imaging reports through the API, and the station agent against a live server."""

import json

import pytest

from provisioning import agent
from tests.conftest import error_code, serving
from tests.factories import DeviceFactory, UserFactory, current_session, token_for


def report(serial, **kw):
    return {"serial": serial, "image": "Win11 Edu 23H2", "station": "st-1", "result": "success",
            "hardware": {"manufacturer": "LENOVO", "model": "ThinkPad 11e Yoga Gen 6", "macs": ["3c:52:82:1a:2b:3c"]},
            **kw}


@pytest.fixture
def received(api):
    """A delivery whose one laptop (with its manifest MAC address) is received."""
    from provisioning.deliveries import create_delivery
    from provisioning.manifests import ManifestRow
    from tests.factories import ContractFactory

    session = current_session()
    delivery = create_delivery(session, ContractFactory().number,
                               [ManifestRow(2, "PF2ABCDE", "Lenovo", "ThinkPad 11e", ("3C:52:82:1A:2B:3C",))], "t")
    session.commit()
    assert api.post(f"deliveries/{delivery.id}/receive", json={"code": "PF2ABCDE"}).status_code == 200
    return "PF2ABCDE"


def test_a_successful_run_images_the_device(api, received):
    r = api.post("imaging", json=report(received))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["device"]["status"] == "imaged"
    assert body["event"]["data"] == {"image": "Win11 Edu 23H2", "station": "st-1"}
    assert body["run"]["mismatches"] == [] and body["run"]["succeeded"]
    assert api.get("imaging/mismatches").get_json()["items"] == []


def test_hardware_that_differs_from_the_manifest_is_flagged_and_listed(api, received):
    hw = {"manufacturer": "Dell Inc.", "model": "Latitude 3120", "macs": ["3C:52:82:1A:2B:99"]}
    body = api.post("imaging", json=report(received, hardware=hw)).get_json()
    assert [m["field"] for m in body["run"]["mismatches"]] == ["manufacturer", "model", "macs"]
    listed = api.get("imaging/mismatches").get_json()["items"]
    assert [(i["serial"], len(i["mismatches"])) for i in listed] == [(received, 3)]
    history = api.get(f"devices/{received}/events").get_json()["items"]
    assert history[-1]["action"] == "note" and "hardware differs from the manifest" in history[-1]["data"]["text"]
    api.post("imaging", json=report(received, image="Win11 v2"))  # re-imaged, now matching: no longer listed
    assert api.get("imaging/mismatches").get_json()["items"] == []


def test_a_failed_run_is_a_fact_and_the_status_stays(api, received):
    body = api.post("imaging", json=report(received, result="failure", error="disk not found")).get_json()
    assert body["device"]["status"] == "in_warehouse"
    assert body["event"]["action"] == "image_failed" and body["event"]["data"]["error"] == "disk not found"
    assert not body["run"]["succeeded"]


def test_a_resent_report_counts_once(api, received):
    first = api.post("imaging", json=report(received, nonce="agent-1")).get_json()
    again = api.post("imaging", json=report(received, nonce="agent-1")).get_json()
    assert again["already"] and not again["applied"] and again["run"]["id"] == first["run"]["id"]
    assert [e["action"] for e in api.get(f"devices/{received}/events").get_json()["items"]].count("image") == 1


def test_bad_reports_are_refused_with_every_field(api, received):
    r = api.post("imaging", json={"serial": received, "result": "maybe", "hardware": {"macs": ["nope"]}, "extra": 1})
    assert r.status_code == 400 and error_code(r) == "invalid_input"
    fields = [d["field"] for d in r.get_json()["error"]["details"]]
    assert fields == ["extra", "image", "station", "result", "hardware.macs"]
    assert error_code(api.post("imaging", json=report("NOT-IN-FLEET"))) == "not_found"
    at_school = DeviceFactory(status="at_school").serial
    assert error_code(api.post("imaging", json=report(at_school))) == "invalid_transition"


# --- the agent ------------------------------------------------------------------------------------

@pytest.fixture
def live(app):
    with serving(app) as url:
        yield url


@pytest.fixture
def fake_machine(tmp_path):
    dmi, net = tmp_path / "dmi", tmp_path / "net"
    for name, value in {"product_serial": "PF2ABCDE\n", "sys_vendor": "LENOVO\n", "product_name": "20SE\n",
                        "product_version": "ThinkPad 11e Yoga Gen 6\n"}.items():
        (dmi / name).parent.mkdir(parents=True, exist_ok=True)
        (dmi / name).write_text(value)
    for iface, mac, physical in [("lo", "00:00:00:00:00:00", False), ("enp1s0", "3c:52:82:1a:2b:3c", True),
                                 ("docker0", "02:42:ac:11:00:02", False)]:
        (net / iface).mkdir(parents=True)
        (net / iface / "address").write_text(mac + "\n")
        if physical:
            (net / iface / "device").mkdir()
    return ["--dmi", str(dmi), "--net", str(net)]


def test_the_agent_reads_the_machine(fake_machine):
    hw = agent.read_linux(*(agent.Path(p) for p in fake_machine[1::2]))
    assert hw == {"serial": "PF2ABCDE", "manufacturer": "LENOVO", "model": "ThinkPad 11e Yoga Gen 6",
                  "macs": ["3C:52:82:1A:2B:3C"]}


def test_the_agent_reports_to_a_live_server(live, fake_machine, received, tmp_path, api, capsys):
    token = token_for(UserFactory(role="warehouse"))
    args = ["--url", live, "--token", token, "--image", "Win11 Edu", "--station", "st-7",
            "--queue", str(tmp_path / "q")]
    assert agent.main(args + fake_machine, sleep=lambda s: None) == 0
    assert "reported PF2ABCDE: imaged DIB-" in capsys.readouterr().out
    assert api.get(f"devices/{received}").get_json()["status"] == "imaged"


def test_the_agent_queues_while_fleet_is_away_and_sends_later(live, fake_machine, received, tmp_path, api):
    token = token_for(UserFactory(role="warehouse"))
    queue = tmp_path / "queue.jsonl"
    waits = []
    common = ["--token", token, "--station", "st-7", "--queue", str(queue), "--attempts", "3", "--delay", "0.5"]
    away = agent.main(["--url", "http://127.0.0.1:9", "--image", "first"] + common + fake_machine, sleep=waits.append)
    assert away == 3 and waits == [0.5, 1.0]  # retried with backoff, then queued
    assert [json.loads(line)["image"] for line in queue.read_text().splitlines()] == ["first"]
    assert api.get(f"devices/{received}").get_json()["status"] == "in_warehouse"
    back = agent.main(["--url", live, "--image", "second"] + common + fake_machine, sleep=waits.append)
    assert back == 0 and not queue.exists()
    events = api.get(f"devices/{received}/events").get_json()["items"]
    images = [e["data"].get("image") for e in events if e["action"] == "image"]
    assert images == ["first", "second"]  # the queued report went first


def test_the_agent_does_not_queue_a_refused_report(live, fake_machine, tmp_path):
    token = token_for(UserFactory(role="warehouse"))
    queue = tmp_path / "q"
    code = agent.main(["--url", live, "--token", token, "--image", "x", "--station", "s", "--queue", str(queue)]
                      + fake_machine, sleep=lambda s: None)
    assert code == 2 and not queue.exists()  # PF2ABCDE is not in this fleet: 404, not worth retrying


def test_a_placeholder_serial_stops_the_agent():
    with pytest.raises(SystemExit) as e:
        agent.build_report({"serial": "To be filled by O.E.M.", "manufacturer": "", "model": "", "macs": []},
                           "x", "s", "success")
    assert "no usable serial" in str(e.value)


def test_the_mismatches_come_a_page_at_a_time_newest_first(api, session):
    from provisioning.deliveries import create_delivery
    from provisioning.manifests import ManifestRow
    from tests.factories import ContractFactory

    serials = ["PF3AAAA1", "PF3AAAA2", "PF3AAAA3"]
    delivery = create_delivery(session, ContractFactory().number,
                               [ManifestRow(n, s, "Lenovo", "ThinkPad 11e") for n, s in enumerate(serials, 2)], "t")
    session.commit()
    for serial in serials:
        assert api.post(f"deliveries/{delivery.id}/receive", json={"code": serial}).status_code == 200
        hw = {"manufacturer": "Dell Inc.", "model": "Latitude 3120", "macs": []}
        assert api.post("imaging", json=report(serial, hardware=hw)).status_code == 200
    first = api.get("imaging/mismatches?limit=2").get_json()
    assert [i["serial"] for i in first["items"]] == serials[:0:-1] and first["next"]
    rest = api.get(f"imaging/mismatches?limit=2&after={first['next']}").get_json()
    assert [i["serial"] for i in rest["items"]] == serials[:1] and rest["next"] is None
    assert all(i["at"].endswith("Z") for i in first["items"] + rest["items"])
