"""The scan station's camera: Chromium's fake camera shows a label Fleet rendered, the station reads
its QR code and shows the device's row — through the browser's own BarcodeDetector when it has one,
and through the vendored polyfill, whose .wasm comes from Fleet and from nowhere else; while it runs the
scan field leaves the focus alone (a phone's keyboard would cover the picture). Plus the
station's CSP (the app's, with 'wasm-unsafe-eval' and nothing more), the vendored files' versions,
and what the page says when the camera cannot be used."""

from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

import labels
from fleet import labelling
from fleet.app import SECURITY_HEADERS
from fleet.web.camera import STATION_CSP
from tests.conftest import CHROMIUM, _save_screenshots, _unavailable
from tests.factories import DeviceFactory
from tests.page_routes import client_as
from tests.pages import check_page

VENDOR = Path(__file__).resolve().parents[3] / "fleet" / "static" / "vendor"
FAKE_CAMERA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


def label_video(png: bytes, width: int = 640, height: int = 480, frames: int = 3) -> bytes:
    """A YUV4MPEG2 video (4:2:0) of the label in the middle of a grey desk, as Chromium's fake
    camera plays it (in a loop): a few identical frames, grey, so both chroma planes are flat."""
    label = Image.open(io.BytesIO(png)).convert("L")
    scale = min((width - 40) / label.width, (height - 40) / label.height)
    label = label.resize((round(label.width * scale), round(label.height * scale)), Image.LANCZOS)
    frame = Image.new("L", (width, height), 110)
    frame.paste(label, ((width - label.width) // 2, (height - label.height) // 2))
    chroma = bytes([128]) * (width // 2 * height // 2)
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    return header + b"".join(b"FRAME\n" + frame.tobytes() + chroma + chroma for _ in range(frames))


@pytest.fixture
def fake_camera(tmp_path) -> Path:
    """The video Chromium's fake camera plays (the test writes it before it starts the camera)."""
    return tmp_path / "label.y4m"


@pytest.fixture
def camera_not_allowed():
    """This module's Chromium has a camera but the browser's permission question goes unanswered."""


@pytest.fixture
def browser(request):
    """This module's Chromium: with a fake camera playing ``fake_camera`` for the tests that use that
    fixture; plain otherwise (no camera, no prompt answered: the page is refused). Screenshots of the
    pages left open, as tests/conftest.py's ``browser`` does."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright")
    if not os.path.exists(CHROMIUM):
        _unavailable(f"Chromium ({CHROMIUM})")
    args = ["--no-sandbox"]
    if "fake_camera" in request.fixturenames:
        video = request.getfixturevalue("fake_camera")
        args += [*FAKE_CAMERA, f"--use-file-for-fake-video-capture={video}"]
    elif "camera_not_allowed" in request.fixturenames:
        args += FAKE_CAMERA[:1]  # a camera, but nobody answers the browser's question: refused
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        yield chromium
        _save_screenshots(chromium, request.node.nodeid)
        chromium.close()


def _show_label(app, device, video: Path) -> str:
    """Put the device's label in front of the fake camera; the text of its QR code."""
    data = labelling.label_data(device, app.config["FLEET"].public_url)
    png = labels.label_png(labels.STOCKS["avery-l7160"], data)
    video.write_bytes(label_video(png))
    return data.qr_text


def _requests(page) -> list[str]:
    urls = []
    page.on("request", lambda r: urls.append(r.url))
    return urls


def _row(page, code: str):
    """The result row of ``code`` once the server has answered."""
    return page.locator(f'[role=log] [data-code="{code}"]:not([data-outcome=pending])')


def _start_camera(page):
    page.locator("#camera-toggle").click()
    return page.locator("#camera")


# --- in the browser -----------------------------------------------------------------------------


def test_a_label_shown_to_the_camera_is_confirmed(app, staff, fake_camera):
    device = DeviceFactory(status="imaged")
    qr = _show_label(app, device, fake_camera)
    page = staff("warehouse")
    urls = _requests(page)
    page.goto(page.base + "/station?mode=label")
    camera = _start_camera(page)
    row = _row(page, qr)
    row.wait_for(timeout=30_000)
    assert row.get_attribute("data-outcome") == "applied"
    assert page.locator("[role=log] [data-code]").count() == 1
    assert camera.get_attribute("data-detector") in ("native", "polyfill")  # whichever this Chromium has
    assert page.locator("#camera-toggle").get_attribute("aria-pressed") == "true"
    assert page.locator("#camera-view").is_visible()
    assert all(url.startswith(page.base + "/") for url in urls), urls
    check_page(page)  # the camera panel open, the picture showing


def test_the_polyfill_reads_it_with_fleet_s_own_wasm_on_a_phone_in_english(app, staff, fake_camera):
    device = DeviceFactory(status="in_warehouse")
    qr = _show_label(app, device, fake_camera)
    page = staff("warehouse", viewport="phone", lang="en")
    urls = _requests(page)
    page.goto(page.base + "/station?mode=lookup&camera=polyfill")  # the testing hook: no native detector
    camera = _start_camera(page)
    row = _row(page, qr)
    row.wait_for(timeout=30_000)
    assert row.get_attribute("data-outcome") == "found"
    assert camera.get_attribute("data-detector") == "polyfill"
    assert page.base + "/static/vendor/zxing-wasm/zxing_reader.wasm" in urls
    assert all(url.startswith(page.base + "/") for url in urls), urls  # not the polyfill's CDN
    page.wait_for_timeout(2500)  # beyond the pause: the label, still in sight, is not read again
    assert page.locator("[role=log] [data-code]").count() == 1
    assert page.get_by_role("button", name="Camera").is_visible()
    check_page(page)


NATIVE = """window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code", "code_128"]; }
  constructor(options) { window.nativeFormats = options.formats; }
  async detect(source) { return source.videoWidth ? [{rawValue: "%s", format: "code_128"}] : []; }
};
// A camera with a light: the fake one has none.
MediaStreamTrack.prototype.getCapabilities = function () { return {torch: true}; };
MediaStreamTrack.prototype.applyConstraints = async function (c) { (window.applied ||= []).push(c); };"""


def test_a_browser_s_own_detector_is_used_when_it_reads_qr_codes_and_the_torch_switches(app, staff, fake_camera):
    # Debian's Chromium has none on Linux: a stand-in shows which path station-camera.js takes.
    from playwright.sync_api import expect

    device = DeviceFactory(status="in_warehouse")
    _show_label(app, device, fake_camera)
    page = staff("warehouse")
    urls = _requests(page)
    page.add_init_script(NATIVE % device.serial)
    page.goto(page.base + "/station?mode=lookup")
    camera = _start_camera(page)
    _row(page, device.serial).wait_for()
    assert camera.get_attribute("data-detector") == "native"
    assert page.evaluate("window.nativeFormats") == ["qr_code", "code_128"]  # only formats it has
    assert not [url for url in urls if "/vendor/" in url and "htmx" not in url]  # the polyfill not even loaded
    torch = page.get_by_role("button", name="Lukturis")
    torch.focus()
    page.keyboard.press("Space")
    expect(torch).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.applied") == [{"advanced": [{"torch": True}]}]
    page.get_by_role("button", name="Kamera").press("Enter")  # off again, by keyboard
    expect(camera).to_have_attribute("data-state", "off")
    assert torch.is_hidden() and page.locator("#camera-view").is_hidden()


def _focused(page) -> str:
    """The id of the focused element once the page's pending focus handlers (setTimeout 0) have run."""
    return page.evaluate("new Promise((done) => setTimeout(() => done(document.activeElement.id), 50))")


def test_while_the_camera_runs_the_scan_field_does_not_take_the_focus_back(app, staff, fake_camera):
    # On a phone the focused field would bring up the on-screen keyboard over the camera's picture.
    from playwright.sync_api import expect

    device = DeviceFactory(status="in_warehouse")
    _show_label(app, device, fake_camera)
    page = staff("warehouse", viewport="phone")
    page.add_init_script(NATIVE % device.serial)
    page.goto(page.base + "/station?mode=lookup")
    field = page.locator("#scan-code")
    expect(field).to_be_focused()  # a keyboard-wedge scanner types into it
    camera = _start_camera(page)  # a tap on Camera
    _row(page, device.serial).wait_for()  # a code read while it runs
    assert camera.get_attribute("data-state") in ("scanning", "paused")
    assert _focused(page) != "scan-code"
    page.locator("h1").click()  # a tap on nothing in particular: without the camera the field takes the focus
    page.evaluate("window.dispatchEvent(new Event('focus'))")  # back to the browser's window
    assert _focused(page) != "scan-code"
    page.locator("#camera-toggle").click()  # the camera stops: the field has the focus again
    expect(camera).to_have_attribute("data-state", "off")
    expect(field).to_be_focused()
    page.locator("h1").click()  # and keeps it as before
    assert _focused(page) == "scan-code"


def test_without_a_camera_the_page_says_so_plainly(staff):
    page = staff("warehouse", viewport="phone")
    page.goto(page.base + "/station?mode=lookup")
    camera = _start_camera(page)
    page.wait_for_selector("#camera[data-state=unavailable]")
    assert camera.get_attribute("data-reason") in ("denied", "missing")  # no camera here, or no permission
    assert re.search(r"atļauts|atrasta", page.locator("#camera-status").inner_text())
    assert page.locator("#camera-toggle").get_attribute("aria-pressed") == "false"
    assert page.locator("#camera-view").is_hidden()
    check_page(page)


def test_a_camera_the_browser_may_not_use_is_explained(staff, camera_not_allowed):
    page = staff("warehouse", lang="en")
    page.goto(page.base + "/station?mode=lookup")
    _start_camera(page)
    page.wait_for_selector("#camera[data-reason=denied]")
    assert "Allow the camera for this site" in page.locator("#camera-status").inner_text()


def test_over_plain_http_it_asks_for_https(staff):
    page = staff("warehouse", lang="en")
    # Chromium counts the loopback address as secure; a school's server over plain http is not.
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {value: false})")
    page.goto(page.base + "/station?mode=lookup")
    _start_camera(page)
    page.wait_for_selector("#camera[data-reason=insecure]")
    assert "HTTPS" in page.locator("#camera-status").inner_text()


# --- without a browser -------------------------------------------------------------------------


def _directives(csp: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in csp.split(";")) if d}


def test_the_station_s_policy_is_every_page_s_plus_wasm_only():
    station, everywhere = _directives(STATION_CSP), _directives(SECURITY_HEADERS["Content-Security-Policy"])
    assert station.pop("script-src") == [*everywhere.pop("script-src"), "'wasm-unsafe-eval'"]
    assert station == everywhere


def test_the_station_page_carries_it_and_other_pages_do_not(app):
    client = client_as(app, "warehouse")
    station = client.get("/station?mode=lookup")
    assert station.status_code == 200
    assert station.headers["Content-Security-Policy"] == STATION_CSP
    html = station.get_data(as_text=True)
    assert 'id="camera-toggle"' in html and "station-camera.js" in html and "station-camera.css" in html
    assert ">Kamera<" in html
    home = client.get("/")
    assert home.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]


def test_the_vendored_wasm_is_the_one_the_polyfill_was_built_for(app):
    glue = (VENDOR / "barcode-detector" / "zxing-exported.js").read_text()
    wasm = VENDOR / "zxing-wasm" / "zxing_reader.wasm"
    version = (VENDOR / "zxing-wasm" / "VERSION").read_text().split()[1]
    assert f'"{version}"' in glue and f"zxing-wasm@{version}/" in glue
    assert hashlib.sha256(wasm.read_bytes()).hexdigest() in glue  # ZXING_WASM_SHA256
    served = app.test_client().get("/static/vendor/zxing-wasm/zxing_reader.wasm")
    assert served.status_code == 200 and served.mimetype == "application/wasm"  # compiled while it streams
    served.close()
