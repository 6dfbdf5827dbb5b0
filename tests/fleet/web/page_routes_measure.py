"""The speed test's row of the role × page table (tests/fleet/web/test_page_access.py): those who may measure
(``connectivity:measure``: admins, school IT). Opened with a measurement link's ``?key=`` it needs no sign-in
(tests/fleet/web/test_measure_browser.py and tests/fleet/connectivity/test_measurements.py)."""

from tests.fleet.api.route_table import MEASURE
from tests.page_routes import PageRoute

PAGE_ROUTES = [
    PageRoute("GET", "/connectivity/measure", "/connectivity/measure", MEASURE),
]
