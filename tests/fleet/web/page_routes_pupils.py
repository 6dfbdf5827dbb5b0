"""The pupils' pages' rows of the role × page table (tests/fleet/web/test_page_access.py): admins and
school IT of the pupils' school; another school's pupils are not found."""

from tests.page_routes import PageRoute

STAFF = frozenset({"admin", "school_it"})  # pupils:read and pupils:write

PAGE_ROUTES = [
    PageRoute("GET", "/pupils", "/pupils?school={school}&class={class}", STAFF, elsewhere=404),
    PageRoute("GET", "/pupils/<int:pupil_id>", "/pupils/{pupil}", STAFF, elsewhere=404),
    PageRoute("POST", "/pupils/<int:pupil_id>", "/pupils/{pupil}", STAFF, ok=303, elsewhere=404,
              form={"given_name": "Ērika", "family_name": "Ņikitina", "grade": "{class}",
                    "guardian_name": "Anna Ņikitina", "eligibility": "large_family"}),
    PageRoute("GET", "/pupils/new", "/pupils/new?school={school}", STAFF, elsewhere=404),
    PageRoute("POST", "/pupils/new", "/pupils/new", STAFF, ok=303, elsewhere=404,
              form={"school": "{school}", "register_id": "E-NEW-1", "given_name": "Ārija", "family_name": "Čakste",
                    "grade": "{class}", "guardian_name": "Žanna Čakste", "eligibility": "Daudzbērnu ģimene"}),
    PageRoute("GET", "/pupils/import", "/pupils/import?school={school}", STAFF, elsewhere=404),
    PageRoute("POST", "/pupils/import", "/pupils/import", STAFF, ok=400, elsewhere=404,  # (no file: refused)
              form={"school": "{school}"}),
]
