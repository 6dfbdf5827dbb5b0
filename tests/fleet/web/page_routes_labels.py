"""The labels pages' rows of the role × page table (tests/fleet/web/test_page_access.py)."""

from tests.page_routes import PageRoute

PRINTS = frozenset({"admin", "warehouse", "school_it"})  # labels:print
PREPRINTS = frozenset({"admin", "warehouse"})  # labels:preprint

PAGE_ROUTES = [
    PageRoute("GET", "/labels", "/labels", PRINTS),
    PageRoute("GET", "/labels", "/labels?devices={serial}", PRINTS),
    PageRoute("POST", "/labels", "/labels", PRINTS, form={"devices": "{serial}", "action": "show"}),
    # (the table reads every answer as text: a PNG is checked in test_labels_page.py; here a code that names
    # no device, which is the not_found page for every role that may print)
    PageRoute("GET", "/labels/preview.png", "/labels/preview.png?devices=NO-SUCH-DEVICE", PRINTS, ok=404),
    PageRoute("GET", "/labels/runs/<run>.<fmt>", "/labels/runs/0123abcd.pdf?first=1&last=2", PRINTS, ok=404),
    PageRoute("GET", "/labels/sheets.css", "/labels/sheets.css", PRINTS),
    PageRoute("GET", "/labels/batches", "/labels/batches", PREPRINTS),
    PageRoute("POST", "/labels/batches", "/labels/batches", PREPRINTS, ok=303,
              form={"count": "2", "stock": "avery-l7160"}),
    PageRoute("GET", "/labels/batches/<int:batch_id>", "/labels/batches/999999", PREPRINTS, ok=404),
    PageRoute("GET", "/labels/batches/<int:batch_id>.pdf", "/labels/batches/999999.pdf", PREPRINTS, ok=404),
]
