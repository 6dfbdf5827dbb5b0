"""The returns' rows of the role × page table (tests/fleet/web/test_page_access.py): the desk's return page
and the scan station's collection mode, for those who lend (school IT of the school, admins); another
school's is ``not_found``."""

from tests.page_routes import PageRoute

LEND = frozenset({"admin", "school_it"})

PAGE_ROUTES = [
    PageRoute("GET", "/desk/return", "/desk/return?school={school}", LEND, elsewhere=404),
    PageRoute("GET", "/desk/return", "/desk/return?school={school}&done={loan}", LEND, elsewhere=404),
    PageRoute("POST", "/desk/return", "/desk/return", LEND, ok=303, elsewhere=404,
              form={"school": "{school}", "loan": "{loan}", "condition": "worn", "accessory": "charger"}),
    PageRoute("GET", "/station", "/station?mode=collect&school={school}&class={class}", LEND, elsewhere=404),
]
