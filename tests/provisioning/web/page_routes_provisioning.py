"""The warehouse's pages in the role × page table (tests/fleet/web/test_page_access.py): deliveries,
shipments, stocktakes. A stocktake is counted where its role may count — school IT and admins at
the world's school, the warehouse in its own warehouse — so its rows open the stocktake of the role
that calls (``CountedHere``); another school's is the 404 page, as in the API."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.page_routes import EVERYONE, PageRoute

READ_DELIVERIES = frozenset({"admin", "warehouse", "ministry", "auditor"})
WRITE_DELIVERIES = frozenset({"admin", "warehouse"})
COUNT = frozenset({"admin", "warehouse", "school_it"})


@dataclass(frozen=True)
class CountedHere(PageRoute):
    """A stocktake row: for the warehouse, ``{stocktake}`` is a count of the warehouse (it counts no school)."""

    def call(self, client, world: dict):
        role = re.search(r'data-role="([a-z_]+)"', client.get("/").get_data(as_text=True))
        if role and role.group(1) == "warehouse":
            world = {**world, "stocktake": _warehouse_stocktake()}
        return super().call(client, world)


def _warehouse_stocktake() -> int:
    from fleet.access.policy import Principal, Scope
    from provisioning.stocktakes import start
    from tests.factories import current_session

    stocktake = start(current_session(), Scope.of(Principal(0, "factory", "admin")), None)
    current_session().commit()
    return stocktake.id


PAGE_ROUTES = [
    PageRoute("GET", "/deliveries", "/deliveries", READ_DELIVERIES),
    # without a file: the form again with the refusal (a manifest's own tests are in test_deliveries_pages.py)
    PageRoute("POST", "/deliveries", "/deliveries", WRITE_DELIVERIES, ok=400, form={"contract": "X"}),
    PageRoute("GET", "/deliveries/<int:delivery_id>", "/deliveries/{delivery}", READ_DELIVERIES),
    PageRoute("GET", "/deliveries/<int:delivery_id>/reconciliation", "/deliveries/{delivery}/reconciliation",
              READ_DELIVERIES),
    PageRoute("POST", "/deliveries/<int:delivery_id>/close", "/deliveries/{delivery}/close", WRITE_DELIVERIES,
              ok=303, form={"confirm": "yes"}),
    PageRoute("GET", "/shipments", "/shipments", EVERYONE),
    PageRoute("GET", "/shipments/<int:shipment_id>", "/shipments/{shipment}", EVERYONE, elsewhere=404),
    PageRoute("GET", "/shipments/<int:shipment_id>/arrival", "/shipments/{shipment}/arrival", EVERYONE, elsewhere=404),
    PageRoute("GET", "/stocktakes", "/stocktakes", COUNT),
    # the warehouse's own count: school IT may not count there (the form again, refused: 403)
    PageRoute("POST", "/stocktakes", "/stocktakes", frozenset({"admin", "warehouse"}), ok=303, form={"school": ""}),
    CountedHere("GET", "/stocktakes/<int:stocktake_id>", "/stocktakes/{stocktake}", COUNT, elsewhere=404),
    CountedHere("GET", "/stocktakes/<int:stocktake_id>/result", "/stocktakes/{stocktake}/result", COUNT,
                elsewhere=404),
    CountedHere("POST", "/stocktakes/<int:stocktake_id>/close", "/stocktakes/{stocktake}/close", COUNT, ok=303,
                elsewhere=404, form={"confirm": "yes"}),
]
