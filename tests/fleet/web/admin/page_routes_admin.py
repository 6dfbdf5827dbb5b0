"""The /admin pages' rows of the role × page table (tests/fleet/web/test_page_access.py)."""

from tests.page_routes import PageRoute

ADMIN = frozenset({"admin"})
PRINTING = frozenset({"admin", "warehouse", "school_it"})
DRAFT = {"founder": "{founder}", "language": "lv", "version": "pw-1",
         "text": "Līgums\n\n1. Līdzēji\nPatapinātājs: {{founder}}."}

PAGE_ROUTES = [
    PageRoute("GET", "/admin", "/admin", frozenset({"admin", "warehouse", "school_it", "auditor"})),
    PageRoute("GET", "/admin/users", "/admin/users", ADMIN),
    PageRoute("POST", "/admin/users", "/admin/users", ADMIN, ok=303,
              form={"name": "pw-new", "role": "ministry", "password": "pw-password-12", "password2": "pw-password-12"}),
    PageRoute("GET", "/admin/users/<int:user_id>", "/admin/users/{user}", ADMIN),
    PageRoute("POST", "/admin/users/<int:user_id>", "/admin/users/{user}", ADMIN, ok=303, form={"role": "ministry"}),
    PageRoute("POST", "/admin/users/<int:user_id>/password", "/admin/users/{user}/password", ADMIN, ok=303,
              form={"password": "pw-password-12", "password2": "pw-password-12"}),
    PageRoute("POST", "/admin/users/<int:user_id>/sessions", "/admin/users/{user}/sessions", ADMIN, ok=303),
    PageRoute("GET", "/admin/tokens", "/admin/tokens", ADMIN),
    PageRoute("POST", "/admin/tokens", "/admin/tokens", ADMIN, form={"user": "{user_name}", "name": "pw"}),
    PageRoute("POST", "/admin/tokens/<int:token_id>/revoke", "/admin/tokens/{token}/revoke", ADMIN, ok=303),
    PageRoute("GET", "/admin/founders", "/admin/founders", ADMIN),
    PageRoute("POST", "/admin/founders", "/admin/founders", ADMIN, ok=303, form={"code": "PW-F", "name": "PW"}),
    PageRoute("GET", "/admin/schools", "/admin/schools", ADMIN),
    PageRoute("POST", "/admin/schools", "/admin/schools", ADMIN, ok=303,
              form={"registration_number": "9999999999", "name": "PW", "founder": "{founder}"}),
    PageRoute("GET", "/admin/contracts", "/admin/contracts", frozenset({"admin", "warehouse"})),
    PageRoute("POST", "/admin/contracts", "/admin/contracts", frozenset({"admin", "warehouse"}), ok=303,
              form={"number": "PW-C", "supplier": "PW", "funding_source": "rrf", "unit_price": "600.00"}),
    PageRoute("GET", "/admin/printers", "/admin/printers", PRINTING),
    PageRoute("POST", "/admin/printers", "/admin/printers", PRINTING, ok=303, form={"name": "pw printer"}),
    PageRoute("GET", "/admin/printers/<int:printer_id>", "/admin/printers/{printer}", PRINTING, elsewhere=404),
    PageRoute("POST", "/admin/printers/<int:printer_id>", "/admin/printers/{printer}", PRINTING, ok=303,
              elsewhere=404, form={"offset_x": "1,5", "offset_y": "-0.5"}),
    PageRoute("GET", "/admin/templates", "/admin/templates", ADMIN),
    PageRoute("POST", "/admin/templates/preview", "/admin/templates/preview", ADMIN, form=DRAFT),
    PageRoute("POST", "/admin/templates", "/admin/templates", ADMIN, ok=303, form=DRAFT),
    PageRoute("GET", "/admin/access-log", "/admin/access-log", frozenset({"admin", "auditor"})),
    PageRoute("GET", "/admin/outbox", "/admin/outbox", ADMIN),
    PageRoute("GET", "/admin/verify", "/admin/verify", frozenset({"admin", "auditor"})),
    PageRoute("POST", "/admin/verify", "/admin/verify", ADMIN, ok=303),
]
