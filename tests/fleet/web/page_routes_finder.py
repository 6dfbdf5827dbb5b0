"""The finder's reports' row of the role × page table (tests/fleet/web/test_page_access.py): the school
marks a device's finders' reports handled (loans:write: admins and school IT of the device's school)."""

from tests.page_routes import PageRoute

PAGE_ROUTES = [
    PageRoute("POST", "/devices/<path:ref>/found-reports/handled", "/devices/{tag}/found-reports/handled",
              frozenset({"admin", "school_it"}), ok=303, elsewhere=404),
]
