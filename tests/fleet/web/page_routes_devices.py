"""The device pages' rows of the role × page table (tests/fleet/web/test_page_access.py)."""

from tests.page_routes import EVERYONE, PageRoute

ACTORS = frozenset({"admin", "warehouse", "school_it"})  # devices:act; a note is an action of each

PAGE_ROUTES = [
    PageRoute("GET", "/devices", "/devices", EVERYONE),
    PageRoute("GET", "/devices.csv", "/devices.csv", EVERYONE),
    PageRoute("GET", "/devices/<path:ref>", "/devices/{tag}", EVERYONE, elsewhere=404),
    PageRoute("POST", "/devices/<path:ref>/actions/<action>", "/devices/{tag}/actions/note", ACTORS, ok=303,
              elsewhere=404, form={"text": "pārbaudīts"}),
]
