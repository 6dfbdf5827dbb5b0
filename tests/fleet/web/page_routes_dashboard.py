"""The dashboard's rows of the role × page table (tests/fleet/web/test_page_access.py): the programme's
managers and auditors (``reports:read``); counts only, so never personal data."""

from tests.page_routes import PageRoute

MANAGERS = frozenset({"admin", "ministry", "founder_manager", "auditor"})

PAGE_ROUTES = [
    PageRoute("GET", "/dashboard", "/dashboard", MANAGERS),
    PageRoute("GET", "/dashboard/lists/<name>", "/dashboard/lists/not_seen", MANAGERS),
    PageRoute("GET", "/dashboard/lists/<name>", "/dashboard/lists/unsigned", MANAGERS),
    PageRoute("GET", "/dashboard/lists/<name>", "/dashboard/lists/double_funding", MANAGERS),
]
