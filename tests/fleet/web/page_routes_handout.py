"""The class hand-out's rows of the role × page table (tests/fleet/web/test_page_access.py)."""

from tests.page_routes import PageRoute

LENDERS = frozenset({"admin", "school_it"})  # loans:write

PAGE_ROUTES = [
    PageRoute("GET", "/desk/handout", "/desk/handout?school={school}", LENDERS, elsewhere=404),
    PageRoute("GET", "/desk/handout", "/desk/handout?school={school}&class={class}", LENDERS, elsewhere=404),
    # (the class's only pupil has a laptop already: the pair is refused, the result page says why)
    PageRoute("POST", "/desk/handout", "/desk/handout", LENDERS, elsewhere=404,
              form={"school": "{school}", "class": "{class}", "pupil": "{pupil}", "device": "{serial}"}),
    # (a fragment, not a page: here the laptop is paired already in this sitting, a refusal with its code;
    # the fragment of a laptop that may be paired is checked in test_handout.py)
    PageRoute("POST", "/desk/handout/check", "/desk/handout/check", LENDERS, ok=409, elsewhere=404,
              form={"school": "{school}", "code": "{serial}", "paired": "{serial}"}),
    PageRoute("GET", "/desk/handout/agreements.pdf", "/desk/handout/agreements.pdf?loans={loan}", LENDERS,
              elsewhere=404),
]
