"""The start page's row of the role × page table (tests/fleet/web/test_page_access.py)."""

from tests.page_routes import EVERYONE, PageRoute

PAGE_ROUTES = [
    PageRoute("GET", "/", "/", EVERYONE),
]
