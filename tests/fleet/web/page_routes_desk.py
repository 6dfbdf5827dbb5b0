"""The desk's start page and the agreements roster: rows of the role × page table
(tests/fleet/web/test_page_access.py)."""

from tests.page_routes import PageRoute

LENDERS = frozenset({"admin", "school_it"})  # loans:write, agreements:read

PAGE_ROUTES = [
    PageRoute("GET", "/desk", "/desk?school={school}", LENDERS, elsewhere=404),
    PageRoute("GET", "/desk/agreements", "/desk/agreements?school={school}", LENDERS, elsewhere=404),
    PageRoute("POST", "/desk/agreements/links", "/desk/agreements/links", LENDERS, elsewhere=404,
              form={"loan": "{loan}", "action": "print"}),  # the PDF with the new link
    PageRoute("GET", "/desk/agreements/<int:loan_id>/paper", "/desk/agreements/{loan}/paper", LENDERS, elsewhere=404),
    PageRoute("POST", "/desk/agreements/<int:loan_id>/paper", "/desk/agreements/{loan}/paper", LENDERS, ok=400,
              elsewhere=404, form={"signer_name": "Anna Ņikitina"}),  # reached: no scan sent
]
