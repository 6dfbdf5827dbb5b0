"""The scan station's rows of the role × page table (tests/fleet/web/test_page_access.py): every role that
reads devices opens it (look-up at least); a mode is offered only to the roles that may apply it."""

from tests.page_routes import EVERYONE, PageRoute

ACT = frozenset({"admin", "warehouse", "school_it"})

PAGE_ROUTES = [
    PageRoute("GET", "/station", "/station", EVERYONE),
    PageRoute("GET", "/station", "/station?mode=lookup", EVERYONE),
    PageRoute("GET", "/station", "/station?mode=receive&delivery={delivery}", frozenset({"admin", "warehouse"})),
    PageRoute("GET", "/station", "/station?mode=arrive&shipment={shipment}", frozenset({"admin", "school_it"}),
              elsewhere=404),
    PageRoute("GET", "/station", "/station?mode=note&text=x", ACT),
]
