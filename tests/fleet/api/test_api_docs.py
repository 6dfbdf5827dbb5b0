"""The API reference at /api/docs in real Chromium (Playwright): the vendored Swagger UI lists the
operations of /api/v1/openapi.json, under the app's strict Content-Security-Policy with nothing blocked."""

from __future__ import annotations

import pytest

from tests.conftest import serving


@pytest.fixture
def live(sqlite_app):  # the page reads no record: one database is enough
    with serving(sqlite_app) as url:
        yield url


def test_the_reference_page_lists_the_operations_and_the_csp_blocks_nothing(live, browser):
    page = browser.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text))
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    answer = page.goto(live + "/api/docs")
    assert answer.status == 200
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/devices" in [p.strip().replace("\u200b", "") for p in paths]
    assert page.locator(".opblock").count() >= 50
    assert page.locator(".info .title").inner_text().startswith("Fleet API")
    assert [m for m in console if "Content Security Policy" in m or "Refused" in m] == []
    assert failed == []


def test_the_vendored_assets_say_where_they_came_from(sqlite_app):
    client = sqlite_app.test_client()
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "VERSION"):
        assert client.get(f"/static/vendor/swagger-ui-dist/{name}").status_code == 200
    assert client.get("/static/vendor/swagger-ui-dist/VERSION").get_data(as_text=True).startswith("swagger-ui-dist 5.")
    assert client.get("/static/api-docs.js").status_code == 200


def test_every_asset_the_script_lists_is_vendored_at_its_version():
    """scripts/vendor-assets is the list; fleet/static/vendor/ must hold what it says (run it after editing)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    script = (root / "scripts/vendor-assets").read_text()
    listed = re.findall(r'^\s+"([@\w./-]+) ([\w.-]+) ([^"]+)"(?:\s+#.*)?$', script, re.M)
    assert {name for name, _, _ in listed} >= {"swagger-ui-dist", "htmx.org", "barcode-detector", "zxing-wasm"}
    for name, version, files in listed:
        folder = root / "fleet/static/vendor" / name
        assert (folder / "VERSION").read_text().split("\n")[0] == f"{name} {version}"
        assert (folder / "LICENSE").stat().st_size > 0
        assert all((folder / Path(f).name).is_file() for f in files.split())  # (copied without their folders)
