"""The desk's signing flow in the role × page table (tests/fleet/web/test_page_access.py): those who lend
(admins, school IT of the pupil's school) open it; another school's class or loan is not found. The guardian's
own pages (/sign/<token>…) need no account and are in the test's PUBLIC set."""

from tests.page_routes import PageRoute

LEND = frozenset({"admin", "school_it"})

PAGE_ROUTES = [
    PageRoute("GET", "/desk/sign", "/desk/sign?school={school}&class={class}", LEND, ok=303, elsewhere=404),
    PageRoute("GET", "/desk/sign/<int:loan_id>", "/desk/sign/{loan}?school={school}&class={class}", LEND,
              elsewhere=404),
    PageRoute("POST", "/desk/sign/<int:loan_id>", "/desk/sign/{loan}?school={school}&class={class}", LEND, ok=400,
              elsewhere=404, form={"who": "guardian", "kind": "typed", "typed_name": ""}),
    PageRoute("POST", "/desk/sign/<int:loan_id>/skip", "/desk/sign/{loan}/skip?school={school}&class={class}", LEND,
              ok=303, elsewhere=404),
]
