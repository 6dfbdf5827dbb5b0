"""The scan station's camera: what its page's Content-Security-Policy allows beyond every page's.

The camera reads codes with the browser's own ``BarcodeDetector`` where there is one, else with the
vendored ``barcode-detector`` polyfill (fleet/static/vendor/barcode-detector), which compiles zxing's
reader, a WebAssembly module served by Fleet itself (fleet/static/vendor/zxing-wasm). Compiling
WebAssembly needs ``'wasm-unsafe-eval'`` in script-src (docs/decisions/0011-barcode-detector-polyfill.md);
it does not allow ``eval`` of JavaScript, and nothing else is loosened: the module and its .wasm come from
'self' (connect-src falls back to default-src 'self'), the camera's stream needs no source.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import make_response

# fleet.app's SECURITY_HEADERS policy with 'wasm-unsafe-eval' added to script-src, and nothing else
# (tests/fleet/web/test_station_camera.py compares the two).
STATION_CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def wasm_allowed(view: Callable) -> Callable:
    """A page view whose response carries the station's policy (the after-request hook keeps a
    policy the response already has)."""

    @wraps(view)
    def run(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Content-Security-Policy"] = STATION_CSP
        return response

    return run
